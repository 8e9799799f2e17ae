/**
 * A pool of worker threads that run the WebAssembly kernels over one shared memory. Work is
 * handed out through a small shared control block with Atomics (no message per task): the
 * caller writes the kernel and its arguments, bumps a generation counter, and every thread,
 * the caller's included, takes chunks of rows from a shared counter until none are left.
 * Which thread computes a chunk never changes its result, so results do not depend on the
 * number of threads. Workers are unref'd: they never keep a Node process alive.
 */

/** Control block slots (Int32). */
const GENERATION = 0;
const COMMAND = 1;
const NEXT_CHUNK = 2;
const DONE = 3;
const CHUNKS = 4;
const CHUNK_ROWS = 5;
const ROWS = 6;
const ARG_COUNT = 7;
const FAILED = 8;
const ARGS_BYTE_OFFSET = 64;
/** Workers start in tens of milliseconds; past this, threads are given up for this process. */
const STARTUP_TIMEOUT_MS = 10_000;
const MAX_ARGS = 32;

/** Names of the kernels a pool can run; their index is the command. */
export const POOL_KERNELS = [
  'rowSqNormsF32',
  'rowSqNormsF64',
  'assignF32',
  'assignF64',
  'assignSumF32',
  'assignSumF64',
  'hamerlyF32',
  'hamerlyF64',
  'assignedDistF32',
  'assignedDistF64',
  'pairwiseF32',
  'pairwiseF64',
  'sumBlocksF32',
  'sumBlocksF64',
] as const;

export type PoolKernel = (typeof POOL_KERNELS)[number];

type Kernel = (...args: number[]) => number | undefined;

/**
 * Runs `kernel(args[0], start, end, ...args.slice(1))` over chunks of rows taken from the
 * shared counter, until none are left. Shared by the caller's thread and the workers' code.
 */
function drainChunks(control: Int32Array, args: Float64Array, kernel: Kernel): void {
  const chunks = control[CHUNKS];
  const chunkRows = control[CHUNK_ROWS];
  const rows = control[ROWS];
  const count = control[ARG_COUNT];
  const rest = Array.from(args.subarray(1, count));
  for (;;) {
    const chunk = Atomics.add(control, NEXT_CHUNK, 1);
    if (chunk >= chunks) return;
    const start = chunk * chunkRows;
    kernel(args[0], start, Math.min(rows, start + chunkRows), ...rest);
  }
}

/** The worker's whole program, run with eval so it needs no file of its own. */
const WORKER_SOURCE = `
// getBuiltinModule works whether eval code runs as CommonJS or as a module (--input-type).
const { workerData } = process.getBuiltinModule('node:worker_threads');
const { module, memory, control: controlBuffer, kernels } = workerData;
const control = new Int32Array(controlBuffer);
let exports;
try {
  exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch {
  Atomics.store(control, ${FAILED}, 1);
}
const args = new Float64Array(controlBuffer, ${ARGS_BYTE_OFFSET}, ${MAX_ARGS});
const CHUNKS = ${CHUNKS}, CHUNK_ROWS = ${CHUNK_ROWS}, ROWS = ${ROWS}, ARG_COUNT = ${ARG_COUNT}, NEXT_CHUNK = ${NEXT_CHUNK};
const drain = ${drainChunks.toString()};
let seen = 0;
Atomics.add(control, ${DONE}, 1);
Atomics.notify(control, ${DONE});
for (;;) {
  Atomics.wait(control, ${GENERATION}, seen);
  seen = Atomics.load(control, ${GENERATION});
  const command = control[${COMMAND}];
  if (command < 0) break;
  drain(control, args, exports[kernels[command]]);
  Atomics.add(control, ${DONE}, 1);
  Atomics.notify(control, ${DONE});
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}

type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown },
) => NodeWorker;

function nodeWorkerConstructor(): WorkerConstructor | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return undefined;
  const threads = getBuiltin('node:worker_threads') as { Worker?: WorkerConstructor } | undefined;
  return threads?.Worker;
}

/** Cores this process may use (1 where it cannot tell). */
export function availableCores(): number {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process?.getBuiltinModule;
  const os =
    typeof getBuiltin === 'function'
      ? (getBuiltin('node:os') as { availableParallelism?: () => number })
      : undefined;
  if (os?.availableParallelism) return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** A pool of `threads - 1` workers plus the caller's thread, over one shared memory. */
export class WorkerPool {
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  readonly exports: Record<PoolKernel, Kernel>;
  private readonly control: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: NodeWorker[];
  /** Whether a bound matrix is using the pool's memory now. */
  busy = false;

  /** Whether every worker started; a pool that did not is closed and never used. */
  readonly started: boolean;

  constructor(module: WebAssembly.Module, threads: number, Worker: WorkerConstructor) {
    this.threads = threads;
    this.memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } })
      .exports as unknown as Record<PoolKernel, Kernel>;
    const controlBuffer = new SharedArrayBuffer(ARGS_BYTE_OFFSET + MAX_ARGS * 8);
    this.control = new Int32Array(controlBuffer);
    this.args = new Float64Array(controlBuffer, ARGS_BYTE_OFFSET, MAX_ARGS);
    this.workers = Array.from({ length: threads - 1 }, () => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: this.memory, control: controlBuffer, kernels: POOL_KERNELS },
      });
      worker.unref();
      return worker;
    });
    this.started =
      this.waitForWorkers(STARTUP_TIMEOUT_MS) && Atomics.load(this.control, FAILED) === 0;
  }

  /** Runs a kernel over rows [0, rows) in chunks of `chunkRows`, on every thread; returns when all are done. */
  run(kernel: PoolKernel, rows: number, chunkRows: number, args: number[]): void {
    const { control } = this;
    control[COMMAND] = POOL_KERNELS.indexOf(kernel);
    control[CHUNKS] = Math.ceil(rows / chunkRows);
    control[CHUNK_ROWS] = chunkRows;
    control[ROWS] = rows;
    control[ARG_COUNT] = args.length;
    this.args.set(args);
    Atomics.store(control, NEXT_CHUNK, 0);
    Atomics.store(control, DONE, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    drainChunks(control, this.args, this.exports[kernel]);
    this.waitForWorkers();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.control[COMMAND] = -1;
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Blocks until every worker reported done; false if `timeoutMs` passed first. */
  private waitForWorkers(timeoutMs = Number.POSITIVE_INFINITY): boolean {
    const expected = this.workers.length;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done >= expected) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, DONE, done, Math.min(left, 1000));
    }
  }
}

const pools = new Map<number, WorkerPool>();

/**
 * A free pool of `threads` threads, created on first use and kept for later fits; undefined when
 * threads cannot be had here (no worker_threads, or the main thread of a browser page, which
 * may not block) or the pool is in use.
 */
export function acquirePool(module: WebAssembly.Module, threads: number): WorkerPool | undefined {
  if (threads <= 1) return undefined;
  const Worker = nodeWorkerConstructor();
  if (!Worker || typeof SharedArrayBuffer === 'undefined') return undefined;
  let pool = pools.get(threads);
  if (!pool) {
    pool = new WorkerPool(module, threads, Worker);
    pools.set(threads, pool);
    if (!pool.started) void pool.close();
  }
  if (pool.busy || !pool.started) return undefined;
  pool.busy = true;
  return pool;
}

/** Shared memory cannot shrink: a pool whose memory grew past this is retired when it is released. */
const RETAIN_MEMORY_BYTES = 256 * 2 ** 20;

/**
 * Hands a pool back after a bound matrix is done with it. A pool that grew large is closed and
 * forgotten, so a long-lived process does not keep its biggest fit's memory; the next fit that
 * wants threads starts a fresh pool (tens of milliseconds).
 */
export function releasePool(pool: WorkerPool): void {
  pool.busy = false;
  if (pool.memory.buffer.byteLength <= RETAIN_MEMORY_BYTES) return;
  if (pools.get(pool.threads) === pool) pools.delete(pool.threads);
  void pool.close();
}

/** Stops every pool's workers (they are unref'd anyway; this is for tidy shutdowns and tests). */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}

/**
 * A pool of worker threads that run the WebAssembly kernels over one shared memory. Work is
 * handed out through a small shared control block with Atomics (no message per task): the
 * caller writes the kernel and its arguments, bumps a generation counter, and every thread,
 * the caller's included, takes chunks of rows from a shared counter until none are left.
 * Which thread computes a chunk never changes its result, so results do not depend on the
 * number of threads. A worker joins a run only while the caller has not closed it, so the
 * caller never waits for workers that are still starting: a new pool's first runs go ahead on
 * the threads that are there. Workers are unref'd: they never keep a Node process alive.
 */

import { NATIVE_KERNEL_NAMES, type NativeKernels } from '../kernels/native/loader.js';
import { FRAME_ADDRESS, KERNEL_NAMES, type KernelName } from '../kernels/wasm/frame.js';
import { nodeBuiltin } from '../platform.js';

/** Control block slots (Int32). */
const GENERATION = 0;
const COMMAND = 1;
const NEXT_CHUNK = 2;
const DONE = 3;
const CHUNKS = 4;
const CHUNK_ROWS = 5;
const ROWS = 6;
/** Where the kernels' call frame is (every kernel's first argument). */
const FRAME = 7;
const FAILED = 8;
/** Each thread's scratch: SCRATCH_BASE + thread index x SCRATCH_STRIDE (bytes, unsigned). */
const SCRATCH_BASE = 9;
const SCRATCH_STRIDE = 10;
/** Set by a worker whose kernel threw (it still reports done, so the caller never waits forever). */
const RUN_FAILED = 11;
/** Rows per kernel call within a chunk (see `run`). */
const CALL_ROWS = 12;
/** Workers that have started (instantiated the module, or failed to: see FAILED). */
const STARTED = 13;
/** Workers that joined the current run, plus JOIN_CLOSED once the caller closed it to joiners. */
const JOIN = 14;
const JOIN_CLOSED = 1 << 30;
/** The sum of the values the run's kernel calls returned (each thread adds its own once). */
const TOTAL = 15;
/** Kernel calls finished by the workers (any run): the caller's sign that joined workers live. */
const PROGRESS = 16;
/** Set by a worker whose thread is exiting while the pool is open (it will report nothing more). */
const LOST = 17;
const CONTROL_BYTES = 128;
/**
 * A run whose joined workers finish no kernel call for this long is taken for lost. Most calls are
 * a few million multiply-adds (milliseconds), but a band of k-medians' columns over every row of
 * a large X is one call of seconds, so the default is generous: a worker that exits says so at
 * once (LOST), and this catches only one that vanished without a word.
 */
const STALL_MS = 30_000;
/** Workers start in tens of milliseconds; past this, a browser pool (startAsync) is given up. */
const STARTUP_TIMEOUT_MS = 10_000;

/** Kernels that run on the caller's thread only, in row order (see KernelRuntime.call). */
export type CallerKernel = 'weightedSumF64' | 'anyNonFiniteF64';

/** Kernels a pool runs over rows on every thread. */
export type PoolKernel = Exclude<KernelName, CallerKernel>;

/** A kernel: (frame, start, end, scratch), returning a count or nothing. */
type Kernel = (frame: number, start: number, end: number, scratch: number) => number | undefined;

/** A kernels instance's exports. */
export type KernelExports = Record<KernelName, Kernel>;

/** Where drainChunks finds what it reads in the control block, in the order it takes them. */
const DRAIN_SLOTS = [
  CHUNKS,
  CHUNK_ROWS,
  ROWS,
  FRAME,
  NEXT_CHUNK,
  SCRATCH_BASE,
  SCRATCH_STRIDE,
  CALL_ROWS,
  TOTAL,
  PROGRESS,
] as const;

/**
 * Runs `kernel(frame, start, end, scratch)` over chunks of rows taken from the shared counter,
 * until none are left, each chunk in calls of at most the call rows, in row order; `frame` holds
 * the kernel's arguments, `scratch` is this thread's own scratch memory (kernels that need none
 * ignore it). What
 * the calls return (an int32 count, or nothing) is added to the run's total. Shared
 * by the caller's thread (index 0) and the workers, which get its source text: so it names
 * nothing outside itself (a bundler may rename module constants).
 */
function drainChunks(
  control: Int32Array,
  kernel: Kernel,
  index: number,
  slots: readonly number[],
): void {
  const [
    chunksAt,
    chunkRowsAt,
    rowsAt,
    frameAt,
    nextAt,
    scratchAt,
    strideAt,
    callRowsAt,
    totalAt,
    progressAt,
  ] = slots;
  const chunks = control[chunksAt];
  const chunkRows = control[chunkRowsAt];
  const callRows = control[callRowsAt];
  const rows = control[rowsAt];
  const frame = control[frameAt];
  const scratch = (control[scratchAt] >>> 0) + index * control[strideAt];
  let total = 0;
  for (;;) {
    const chunk = Atomics.add(control, nextAt, 1);
    if (chunk >= chunks) break;
    const start = chunk * chunkRows;
    const end = Math.min(rows, start + chunkRows);
    for (let from = start; from < end; from += callRows) {
      total = (total + (kernel(frame, from, Math.min(end, from + callRows), scratch) ?? 0)) | 0;
      if (index > 0) Atomics.add(control, progressAt, 1);
    }
  }
  if (total !== 0) Atomics.add(control, totalAt, total);
}

/**
 * The worker's whole program, a string so it needs no file of its own: Node runs it with eval,
 * browsers from a Blob URL. `start` receives the module, the shared memory and the control block.
 */
const WORKER_BODY = `
function start({ module, memory, control: controlBuffer, kernels, index, native, nativeNames }) {
  const control = new Int32Array(controlBuffer);
  let exports;
  try {
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    if (native) {
      // The native kernels (Node): loaded from the caller's file, over this pool's memory.
      const addon = process.getBuiltinModule('node:module').createRequire(native)(native);
      addon.attach(new Uint8Array(memory.buffer));
      exports = Object.assign({}, exports);
      for (const name of nativeNames) exports[name] = addon[name];
    }
  } catch {
    // A worker that cannot run the kernels never joins a run; the caller's runs go on without it.
    Atomics.store(control, ${FAILED}, 1);
    Atomics.add(control, ${STARTED}, 1);
    Atomics.notify(control, ${STARTED});
    return;
  }
  const slots = ${JSON.stringify(DRAIN_SLOTS)};
  const drain = ${drainChunks.toString()};
  // A thread that exits while the pool is open (process.exit, an error outside a kernel) says so,
  // and counts itself done, so a caller waiting on a run it joined is never left waiting.
  let closing = false;
  globalThis.process?.once?.('exit', () => {
    if (closing) return;
    Atomics.store(control, ${LOST}, 1);
    Atomics.add(control, ${DONE}, 1);
    Atomics.notify(control, ${DONE});
  });
  Atomics.add(control, ${STARTED}, 1);
  Atomics.notify(control, ${STARTED});
  // The first time round it does not wait: a run already under way (open) is joined at once.
  let seen = -1;
  for (;;) {
    if (seen !== -1) Atomics.wait(control, ${GENERATION}, seen);
    seen = Atomics.load(control, ${GENERATION});
    if (control[${COMMAND}] < 0) {
      closing = true;
      break;
    }
    // Join the open run, counted so the caller waits for this worker; never a closed one.
    let join = Atomics.load(control, ${JOIN});
    let joined = false;
    while ((join & ${JOIN_CLOSED}) === 0) {
      const before = Atomics.compareExchange(control, ${JOIN}, join, join + 1);
      if (before === join) {
        joined = true;
        break;
      }
      join = before;
    }
    if (!joined) continue;
    // Read after joining: the run joined may be newer than the generation seen.
    const command = control[${COMMAND}];
    try {
      drain(control, exports[kernels[command]], index, slots);
    } catch {
      Atomics.store(control, ${RUN_FAILED}, 1);
    }
    Atomics.add(control, ${DONE}, 1);
    Atomics.notify(control, ${DONE});
  }
}
`;

/** getBuiltinModule works whether eval code runs as CommonJS or as a module (--input-type). */
const NODE_WORKER_SOURCE = `${WORKER_BODY}
start(process.getBuiltinModule('node:worker_threads').workerData);
`;

const WEB_WORKER_SOURCE = `${WORKER_BODY}
self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;

/** What each worker is given to start. */
interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  kernels: readonly string[];
  /** The worker's thread index (the caller's thread is 0). */
  index: number;
  /** The native kernels' file, where they replace some of the module's (Node only). */
  native?: string;
  /** The kernels the native file replaces. */
  nativeNames?: readonly string[];
}

interface PoolWorker {
  terminate(): unknown;
}

/** Starts one pool worker; a platform supplies it. */
type SpawnWorker = (init: WorkerInit) => PoolWorker;

type NodeWorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown },
) => PoolWorker & { unref(): void };

type WebWorkerConstructor = new (
  url: string,
) => PoolWorker & {
  postMessage(m: unknown): void;
  addEventListener(type: 'error', listener: () => void, options: { once: true }): void;
};

/** Node worker threads from eval'd source, unref'd so they never keep the process alive. */
function nodeSpawner(): SpawnWorker | undefined {
  const Worker = nodeBuiltin<{ Worker?: NodeWorkerConstructor }>('node:worker_threads')?.Worker;
  if (!Worker) return undefined;
  return (workerData) => {
    const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData });
    worker.unref();
    return worker;
  };
}

/**
 * Web Workers from a Blob URL, where this thread may block on Atomics (a worker, not a page's
 * main thread) and memory can be shared (a cross-origin isolated page).
 */
function webSpawner(): SpawnWorker | undefined {
  const Worker = (globalThis as { Worker?: WebWorkerConstructor }).Worker;
  if (!Worker || typeof Blob === 'undefined' || !mayBlock()) return undefined;
  let url: string | undefined;
  return (init) => {
    url ??= URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new Worker(url);
    // A worker whose script cannot load (a Content-Security-Policy without blob: in worker-src)
    // only fires an error: flag the pool failed at once, so startAsync need not wait it out.
    worker.addEventListener('error', () => Atomics.store(new Int32Array(init.control), FAILED, 1), {
      once: true,
    });
    worker.postMessage(init);
    return worker;
  };
}

/** Whether Atomics.wait may block here (it throws on a browser page's main thread). */
function mayBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Cores this process may use (1 where it cannot tell), read once: every KMeans asks (its default
 * `threads`), and Node reads the affinity mask by a system call each time.
 */
export function availableCores(): number {
  cores ??= readAvailableCores();
  return cores;
}

let cores: number | undefined;

function readAvailableCores(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number }>('node:os');
  if (os?.availableParallelism) return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** A pool of `threads - 1` workers plus the caller's thread, over one shared memory. */
export class WorkerPool {
  readonly threads: number;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  private readonly control: Int32Array;
  private readonly workers: PoolWorker[];
  /** Whether a bound matrix is using the pool's memory now. */
  busy = false;
  /**
   * Whether the pool runs over a memory it was given (a shared matrix's, see dedicatedPool): such
   * a pool serves one bound matrix at a time and idles a while when released.
   */
  readonly dedicated: boolean;
  /**
   * 'starting' until every worker reported in; runs do not wait for that (see `run`). A pool one
   * of whose workers could not start ('failed') is closed when released.
   */
  state: 'starting' | 'ready' | 'failed' = 'starting';
  /** A dedicated pool's close, due while it idles between fits (see keepIdle). */
  idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** How long joined workers may finish no kernel call before the run takes one for lost. */
  readonly stallMs: number;

  /** The native kernels that replace some of the module's on every thread, if any. */
  readonly native: NativeKernels | undefined;

  constructor(
    module: WebAssembly.Module,
    threads: number,
    spawn: SpawnWorker,
    memory?: WebAssembly.Memory,
    stallMs = STALL_MS,
    native?: NativeKernels,
  ) {
    this.threads = threads;
    this.stallMs = stallMs;
    this.native = native;
    this.dedicated = memory !== undefined;
    this.memory = memory ?? new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    this.exports = withNative(
      new WebAssembly.Instance(module, { env: { memory: this.memory } })
        .exports as unknown as KernelExports,
      native,
    );
    const controlBuffer = new SharedArrayBuffer(CONTROL_BYTES);
    this.control = new Int32Array(controlBuffer);
    this.control[FRAME] = FRAME_ADDRESS;
    // Closed until the first run opens it, so no worker joins before there is work.
    this.control[JOIN] = JOIN_CLOSED;
    const init = {
      module,
      memory: this.memory,
      control: controlBuffer,
      kernels: KERNEL_NAMES,
      ...(native ? { native: native.path, nativeNames: NATIVE_KERNEL_NAMES } : {}),
    };
    this.workers = Array.from({ length: threads - 1 }, (_, w) => spawn({ ...init, index: w + 1 }));
  }

  /** Moves 'starting' on once every worker reported in. */
  private updateState(): void {
    if (this.state !== 'starting') return;
    if (Atomics.load(this.control, FAILED) !== 0) {
      this.state = 'failed';
      return;
    }
    if (Atomics.load(this.control, STARTED) < this.workers.length) return;
    this.state = Atomics.load(this.control, FAILED) === 0 ? 'ready' : 'failed';
  }

  /**
   * Waits for the workers without blocking: a browser starts a worker only when its creator
   * returns to its event loop, so a browser pool must be started before a synchronous fit.
   */
  async startAsync(): Promise<boolean> {
    const deadline = performance.now() + STARTUP_TIMEOUT_MS;
    while (Atomics.load(this.control, STARTED) < this.workers.length) {
      if (Atomics.load(this.control, FAILED) !== 0) break;
      if (performance.now() > deadline) {
        this.state = 'failed';
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.updateState();
    return this.state === 'ready';
  }

  /**
   * Runs a kernel, its arguments already in the frame (see frame.ts), over rows [0, rows) in
   * chunks of `chunkRows`, on every thread that joins, each
   * chunk in calls of at most `callRows` rows on the thread that took it; returns when all are
   * done, with the sum of what the kernel's calls returned (0 for a kernel that returns nothing).
   * The caller takes chunks too, then closes the run to joiners and waits only for the workers
   * that joined: a worker still starting (a new pool's, in Node) joins a later run.
   */
  run(kernel: PoolKernel, rows: number, chunkRows: number, callRows = chunkRows): number {
    this.updateState();
    const { control } = this;
    control[COMMAND] = KERNEL_NAMES.indexOf(kernel);
    control[CHUNKS] = Math.ceil(rows / chunkRows);
    control[CHUNK_ROWS] = chunkRows;
    control[CALL_ROWS] = Math.max(1, Math.min(callRows, chunkRows));
    control[ROWS] = rows;
    // Everything a joiner reads is written before the run opens (JOIN = 0).
    Atomics.store(control, NEXT_CHUNK, 0);
    Atomics.store(control, DONE, 0);
    Atomics.store(control, RUN_FAILED, 0);
    Atomics.store(control, TOTAL, 0);
    Atomics.store(control, JOIN, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    // This thread's native calls run over the memory attached last, which may be another pool's.
    this.native?.attach(new Uint8Array(this.memory.buffer));
    try {
      drainChunks(control, this.exports[kernel], 0, DRAIN_SLOTS);
    } finally {
      // Even when this thread's kernel threw: the joined workers must be done before the next run.
      const joined = Atomics.or(control, JOIN, JOIN_CLOSED) & ~JOIN_CLOSED;
      this.waitForDone(joined);
    }
    if (Atomics.load(control, LOST) !== 0) {
      this.state = 'failed';
      throw new Error(
        `lloyd: a worker thread stopped while running ${kernel}; its pool is closed, and the next fit starts a new one`,
      );
    }
    if (Atomics.load(control, RUN_FAILED) !== 0)
      throw new Error(`lloyd: a worker thread failed running ${kernel}`);
    return Atomics.load(control, TOTAL);
  }

  /** Where each thread's scratch memory is: `base + index * stride` bytes. */
  setScratch(base: number, stride: number): void {
    this.control[SCRATCH_BASE] = base | 0;
    this.control[SCRATCH_STRIDE] = stride;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.control[COMMAND] = -1;
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Blocks until `joined` workers reported this run done, or one is lost: it said so as it
   * exited, or the joined workers finished no kernel call for stallMs (then LOST is set here).
   */
  private waitForDone(joined: number): void {
    const { control } = this;
    let progress = Atomics.load(control, PROGRESS);
    let quietSince = performance.now();
    for (;;) {
      const done = Atomics.load(control, DONE);
      if (done >= joined || Atomics.load(control, LOST) !== 0) return;
      Atomics.wait(control, DONE, done, 100);
      const now = Atomics.load(control, PROGRESS);
      if (now !== progress) {
        progress = now;
        quietSince = performance.now();
      } else if (performance.now() - quietSince > this.stallMs) {
        Atomics.store(control, LOST, 1);
        return;
      }
    }
  }
}

/** Pools by thread count and kernels (poolKey). */
const pools = new Map<string, WorkerPool>();

/** A pool's key: its threads, and the native kernels' file where they replace some of the module's. */
function poolKey(threads: number, native: NativeKernels | undefined): string {
  return native ? `${threads}:${native.path}` : `${threads}`;
}

/**
 * The module's exports with the native kernels in place of theirs, where there are native
 * kernels. A thread's native calls run over the memory it attached last: workers attach their
 * pool's once, the caller's thread before each run (it may serve several memories).
 */
export function withNative(
  exports: KernelExports,
  native: NativeKernels | undefined,
): KernelExports {
  if (!native) return exports;
  const merged: KernelExports = { ...exports };
  for (const name of NATIVE_KERNEL_NAMES) merged[name] = native[name];
  return merged;
}

/** Hands out an idle pool that has not failed, or undefined. */
function claim(pool: WorkerPool | undefined): WorkerPool | undefined {
  if (!pool || pool.busy || pool.state === 'failed') return undefined;
  pool.busy = true;
  return pool;
}

/**
 * A free pool of `threads` threads, created on first use and kept for later fits; undefined when
 * threads cannot be had here or the pool is in use. In Node the pool starts here, and its runs
 * go ahead on the caller's thread while the workers start (tens of milliseconds); each joins
 * the runs after it has started.
 * In a browser worker it must have been started with {@link preparePool} first (a browser starts
 * workers only while their creator is idle); a page's main thread never gets one (it may not block).
 */
export function acquirePool(
  module: WebAssembly.Module,
  threads: number,
  native?: NativeKernels,
): WorkerPool | undefined {
  if (threads <= 1 || typeof SharedArrayBuffer === 'undefined') return undefined;
  const spawn = nodeSpawner();
  const existing = pools.get(poolKey(threads, native));
  if (existing) return existing.state === 'starting' && !spawn ? undefined : claim(existing);
  if (!spawn) return undefined;
  retireIdlePools();
  // The workers start while the caller goes on (copying X in, typically); the first run waits.
  const pool = new WorkerPool(module, threads, spawn, undefined, STALL_MS, native);
  pools.set(poolKey(threads, native), pool);
  return claim(pool);
}

/**
 * Closes the idle pools before a pool of another size starts: a process that fits with many
 * thread counts keeps one pool's workers idle, not one pool per count it ever used.
 */
function retireIdlePools(): void {
  for (const [key, pool] of pools) {
    if (pool.busy) continue;
    pools.delete(key);
    void pool.close();
  }
}

/**
 * Starts a pool of `threads` threads without blocking, so that later synchronous fits on this
 * thread can use it (browsers: call it in the worker before fitting). Resolves to the threads
 * fits will get: `threads`, or 1 where workers or shared memory cannot be had.
 */
export async function preparePool(module: WebAssembly.Module, threads: number): Promise<number> {
  if (threads <= 1 || typeof SharedArrayBuffer === 'undefined') return 1;
  const existing = pools.get(poolKey(threads, undefined));
  if (existing?.state === 'starting' && !existing.busy) await existing.startAsync();
  if (existing) return existing.state === 'failed' ? 1 : threads;
  const spawn = nodeSpawner() ?? webSpawner();
  if (!spawn) return 1;
  const pool = new WorkerPool(module, threads, spawn);
  pools.set(poolKey(threads, undefined), pool);
  if (await pool.startAsync()) return threads;
  void pool.close();
  return 1;
}

/**
 * Dedicated pools idling between fits, by the memory they run over: starting workers takes tens
 * of milliseconds (docs/performance.md), and an elbow sweep fits the same shared matrix again and
 * again.
 */
const idleDedicated = new Map<WebAssembly.Memory, WorkerPool>();

/** How long a dedicated pool idles before it is closed (its workers hold the matrix's memory). */
const DEDICATED_IDLE_MS = 10_000;

/** At most this many dedicated pools idle at once; the oldest closes first. */
const MAX_IDLE_DEDICATED = 2;

/**
 * A pool of `threads` threads of its own over `memory` (a shared matrix's), for one bound matrix
 * at a time: the one idling over it since its last fit when it has as many threads, else a new
 * one. Node only: its runs go ahead while the workers start, as a new pool's do. Undefined where
 * workers cannot be started synchronously (a browser).
 */
export function dedicatedPool(
  module: WebAssembly.Module,
  threads: number,
  memory: WebAssembly.Memory,
  native?: NativeKernels,
): WorkerPool | undefined {
  if (threads <= 1) return undefined;
  const kept = idleDedicated.get(memory);
  if (kept) {
    idleDedicated.delete(memory);
    clearTimeout(kept.idleTimer);
    if (kept.threads === threads && kept.native === native && kept.state !== 'failed') {
      kept.busy = true;
      return kept;
    }
    void kept.close();
  }
  const spawn = nodeSpawner();
  if (!spawn) return undefined;
  const pool = new WorkerPool(module, threads, spawn, memory, STALL_MS, native);
  pool.busy = true;
  return pool;
}

/** Keeps an idle dedicated pool for the next fit over its memory, closing it after a while. */
function keepIdle(pool: WorkerPool): void {
  const oldest = idleDedicated.size >= MAX_IDLE_DEDICATED ? idleDedicated.keys().next() : undefined;
  if (oldest && !oldest.done) {
    const retired = idleDedicated.get(oldest.value);
    idleDedicated.delete(oldest.value);
    clearTimeout(retired?.idleTimer);
    void retired?.close();
  }
  idleDedicated.set(pool.memory, pool);
  const timer = setTimeout(() => {
    if (idleDedicated.get(pool.memory) !== pool) return;
    idleDedicated.delete(pool.memory);
    void pool.close();
  }, DEDICATED_IDLE_MS);
  // Never what keeps a process alive.
  (timer as { unref?: () => void }).unref?.();
  pool.idleTimer = timer;
}

/** Shared memory cannot shrink: a pool whose memory grew past this is retired when it is released. */
const RETAIN_MEMORY_BYTES = 256 * 2 ** 20;

/**
 * Hands a pool back after a bound matrix is done with it. A pool that grew large is closed and
 * forgotten, so a long-lived process does not keep its biggest fit's memory; the next fit that
 * wants threads starts a fresh pool (tens of milliseconds). A dedicated pool idles a while for
 * the next fit over its shared matrix, then closes.
 */
export function releasePool(pool: WorkerPool): void {
  pool.busy = false;
  if (pool.dedicated && pool.state !== 'failed') {
    keepIdle(pool);
    return;
  }
  const keep =
    !pool.dedicated &&
    pool.state !== 'failed' &&
    pool.memory.buffer.byteLength <= RETAIN_MEMORY_BYTES;
  if (keep) return;
  const key = poolKey(pool.threads, pool.native);
  if (pools.get(key) === pool) pools.delete(key);
  void pool.close();
}

/** Stops every pool's workers (they are unref'd anyway; this is for tidy shutdowns and tests). */
export async function closePools(): Promise<void> {
  const all = [...pools.values(), ...idleDedicated.values()];
  pools.clear();
  for (const pool of idleDedicated.values()) clearTimeout(pool.idleTimer);
  idleDedicated.clear();
  await Promise.all(all.map((p) => p.close()));
}

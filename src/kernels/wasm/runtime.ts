import {
  acquirePool,
  availableCores,
  type CallerKernel,
  dedicatedPool,
  type KernelExports,
  type PoolKernel,
  preparePool,
  releasePool,
  type WorkerPool,
  withNative,
} from '../../parallel/pool.js';
import type { NativeKernels } from '../native/loader.js';
import { FRAME_ADDRESS, type FrameArgs, writeFrame } from './frame.js';
import {
  KERNELS_SHARED_RELAXED_WASM_BASE64,
  KERNELS_SHARED_WASM_BASE64,
} from './kernels-binary.generated.js';
import { withUnsharedMemory } from './unshared-build.js';

/** A kernels instance with its memory; `run` spreads a kernel over rows on every thread it has. */
export interface KernelRuntime {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  /**
   * Writes `frame` (the kernel's arguments, by name) and runs `kernel(frame, start, end,
   * scratch)` over rows [0, rows) in chunks of `chunkRows` (each chunk on one thread), called in
   * pieces of at most `callRows` rows: V8 optimises a WebAssembly function for its next call, so
   * a long first call runs unoptimised. Returns the int32 sum of what the calls returned (0 for
   * a kernel that returns nothing).
   */
  run<K extends PoolKernel>(
    kernel: K,
    rows: number,
    chunkRows: number,
    frame: FrameArgs<K>,
    callRows?: number,
  ): number;
  /**
   * Writes `frame` and calls `kernel(frame, start, end)` once on the caller's thread; what it
   * returns (undefined: nothing).
   */
  call<K extends CallerKernel>(
    kernel: K,
    frame: FrameArgs<K>,
    start: number,
    end: number,
  ): number | undefined;
  /** Makes sure memory holds at least `bytes`. */
  reserve(bytes: number): void;
  /**
   * Gives each thread its own scratch memory, `stride` bytes from `base` per thread (threads x
   * stride in all); kernels receive their thread's as a last argument.
   */
  setScratch(base: number, stride: number): void;
  /** Says the centres were loaded anew (the native kernels pack them again); nothing without them. */
  centresChanged(): void;
  /** The native kernels that replace some passes here, if any. */
  readonly native: NativeKernels | undefined;
  release(): void;
}

const modules = new Map<string, WebAssembly.Module>();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function compileBytes(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  if (!WebAssembly.validate(bytes))
    throw new Error('WebAssembly SIMD128 is not supported by this engine');
  return new WebAssembly.Module(bytes);
}

function compile(base64: string): WebAssembly.Module {
  let module = modules.get(base64);
  if (!module) {
    module = compileBytes(decodeBase64(base64));
    modules.set(base64, module);
  }
  return module;
}

let plain: WebAssembly.Module | undefined;

/**
 * The kernels over ordinary memory, for engines or pages without shared memory: made from the
 * shared build's bytes (unshared-build.ts), so the package carries two builds, not three.
 */
function plainModule(): WebAssembly.Module {
  plain ??= compileBytes(withUnsharedMemory(decodeBase64(KERNELS_SHARED_WASM_BASE64)));
  return plain;
}

/** The relaxed-SIMD build once compiled; null where the engine does not validate it. */
let relaxed: WebAssembly.Module | null | undefined;

/** Compiles the relaxed-SIMD build where the engine validates it; undefined where it does not. */
function compileRelaxed(): WebAssembly.Module | undefined {
  if (relaxed === undefined) {
    try {
      relaxed = compile(KERNELS_SHARED_RELAXED_WASM_BASE64);
    } catch {
      relaxed = null;
    }
  }
  return relaxed ?? undefined;
}

/** The shared-memory kernels: the relaxed-SIMD build where the engine runs it, else SIMD128. */
export function sharedModule(): WebAssembly.Module {
  return compileRelaxed() ?? compile(KERNELS_SHARED_WASM_BASE64);
}

/**
 * Which WebAssembly kernels fits with shared memory use: 'relaxed-simd' (the fast scan with fused
 * multiply-add; Chromium, Node >= 22, or Node 20 run with --experimental-wasm-relaxed-simd) or
 * 'simd128'. Results are the same either way; only speed differs.
 */
export function wasmKernelVariant(): 'relaxed-simd' | 'simd128' {
  return compileRelaxed() ? 'relaxed-simd' : 'simd128';
}

/** Whether this engine runs the SIMD128 kernels (every current browser and Node >= 16 does). */
export function wasmSimdSupported(): boolean {
  try {
    plainModule();
    return true;
  } catch {
    return false;
  }
}

const PAGE = 65536;

function grow(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength / PAGE;
  const need = Math.ceil(bytes / PAGE);
  if (need > have) memory.grow(need - have);
}

/** A memory for one thread: shared where the engine allows it, with the kernels built for it. */
function ownMemory(): { memory: WebAssembly.Memory; module: WebAssembly.Module } {
  try {
    return {
      memory: new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true }),
      module: sharedModule(),
    };
  } catch {
    return { memory: new WebAssembly.Memory({ initial: 2 }), module: plainModule() };
  }
}

/**
 * One thread, private memory: the kernel runs chunk by chunk on the caller's thread. The memory
 * is shared memory where the engine allows it, because views of shared memory stay valid when it
 * grows, so a matrix can live in it from the start (see `allocate` in backend.ts).
 */
class PrivateRuntime implements KernelRuntime {
  readonly memory: WebAssembly.Memory;
  readonly threads = 1;
  readonly native: NativeKernels | undefined;
  private readonly exports: KernelExports;

  /**
   * `given`: a shared memory to run over (a shared matrix's); else one of its own. `native`: the
   * native kernels, which run only over shared memory (it never moves when it grows).
   */
  constructor(
    private readonly given?: WebAssembly.Memory,
    private readonly requestedNative?: NativeKernels,
  ) {
    const native = requestedNative;
    const { memory, module } = given ? { memory: given, module: sharedModule() } : ownMemory();
    this.memory = memory;
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    this.native = shared ? native : undefined;
    this.exports = withNative(
      new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports,
      this.native,
    );
  }

  centresChanged(): void {
    this.native?.centresChanged();
  }

  private scratch = 0;

  run<K extends PoolKernel>(
    kernel: K,
    rows: number,
    chunkRows: number,
    frame: FrameArgs<K>,
    callRows?: number,
  ): number {
    writeFrame(this.memory.buffer, kernel, frame);
    this.native?.attach(new Uint8Array(this.memory.buffer));
    const run = this.exports[kernel];
    // Chunks run in row order on this one thread, so calls need not stop at chunk boundaries.
    const step = Math.max(1, Math.min(callRows ?? chunkRows, chunkRows));
    let total = 0;
    for (let start = 0; start < rows; start += step)
      total =
        (total + (run(FRAME_ADDRESS, start, Math.min(rows, start + step), this.scratch) ?? 0)) | 0;
    return total;
  }

  call<K extends CallerKernel>(
    kernel: K,
    frame: FrameArgs<K>,
    start: number,
    end: number,
  ): number | undefined {
    writeFrame(this.memory.buffer, kernel, frame);
    return this.exports[kernel](FRAME_ADDRESS, start, end, 0);
  }

  reserve(bytes: number): void {
    grow(this.memory, bytes);
  }

  setScratch(base: number): void {
    this.scratch = base;
  }

  /** A runtime of its own small memory idles for the next bind (see acquireRuntime). */
  release(): void {
    if (this.given || this.memory.buffer.byteLength > IDLE_PRIVATE_MAX_BYTES) return;
    idlePrivate.set(this.requestedNative, this);
  }
}

/** A worker pool's shared memory, held until `release`. */
class PooledRuntime implements KernelRuntime {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  private readonly pool: WorkerPool;

  constructor(pool: WorkerPool) {
    this.pool = pool;
    this.memory = pool.memory;
    this.threads = pool.threads;
  }

  get native(): NativeKernels | undefined {
    return this.pool.native;
  }

  centresChanged(): void {
    this.pool.native?.centresChanged();
  }

  run<K extends PoolKernel>(
    kernel: K,
    rows: number,
    chunkRows: number,
    frame: FrameArgs<K>,
    callRows?: number,
  ): number {
    writeFrame(this.memory.buffer, kernel, frame);
    return this.pool.run(kernel, rows, chunkRows, callRows);
  }

  call<K extends CallerKernel>(
    kernel: K,
    frame: FrameArgs<K>,
    start: number,
    end: number,
  ): number | undefined {
    writeFrame(this.memory.buffer, kernel, frame);
    return this.pool.exports[kernel](FRAME_ADDRESS, start, end, 0);
  }

  reserve(bytes: number): void {
    grow(this.memory, bytes);
  }

  setScratch(base: number, stride: number): void {
    this.pool.setScratch(base, stride);
  }

  release(): void {
    releasePool(this.pool);
  }
}

/**
 * A private runtime whose memory stays at most this large is kept when released, for the next
 * fit to reuse: a new memory and instance cost more than a small fit's passes.
 */
const IDLE_PRIVATE_MAX_BYTES = 16 * 2 ** 20;

/** One idle private runtime of its own memory per native kernels (undefined: WebAssembly only). */
const idlePrivate = new Map<NativeKernels | undefined, PrivateRuntime>();

/**
 * A runtime with `threads` threads where a pool can be had, else a private single-threaded one:
 * the one idling since the last bind released it where there is one (its memory holds stale
 * values, as a pool's does between fits: every pass writes what it reads first).
 */
export function acquireRuntime(threads: number, native?: NativeKernels): KernelRuntime {
  const pool = threads > 1 ? acquirePool(sharedModule(), threads, native) : undefined;
  if (pool) return new PooledRuntime(pool);
  const idle = idlePrivate.get(native);
  if (idle) {
    idlePrivate.delete(native);
    return idle;
  }
  return new PrivateRuntime(undefined, native);
}

/**
 * A runtime over `memory` (a shared matrix's, bound where it lies): one thread, or `threads` in a
 * pool of its own. Undefined where that pool cannot start synchronously (a browser: there the
 * caller copies X into a prepared pool's memory instead, which keeps every thread).
 */
export function runtimeOver(
  memory: WebAssembly.Memory,
  threads: number,
  native?: NativeKernels,
): KernelRuntime | undefined {
  if (threads <= 1) return new PrivateRuntime(memory, native);
  const pool = dedicatedPool(sharedModule(), threads, memory, native);
  return pool && new PooledRuntime(pool);
}

/**
 * A new shared memory of at least `bytes`, for a matrix the kernels can run over in place;
 * undefined where shared WebAssembly memory (or the SIMD kernels) cannot be had, or `bytes` is
 * beyond 32-bit memory.
 */
export function newSharedMemory(bytes: number): WebAssembly.Memory | undefined {
  const pages = Math.ceil(bytes / PAGE);
  if (pages > 65536 || typeof SharedArrayBuffer === 'undefined') return undefined;
  try {
    sharedModule();
    return new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  } catch {
    return undefined;
  }
}

/**
 * Starts the worker pool that synchronous fits with `threads` threads (default: every core) will
 * use, without blocking. Node needs no preparing; in a browser, call it in a Web Worker before
 * fitting there (a browser starts workers only while their creator is idle). Resolves to the
 * threads a fit will get: 1 where workers or shared memory (cross-origin isolation) are missing.
 */
export async function prepareThreads(threads = availableCores()): Promise<number> {
  try {
    return await preparePool(sharedModule(), Math.floor(threads));
  } catch {
    return 1;
  }
}

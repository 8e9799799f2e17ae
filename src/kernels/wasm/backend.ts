import { positiveInteger } from '../../errors.js';
import { checkDType, type DType, type Matrix, zerosMatrix } from '../../matrix.js';
import { availableCores } from '../../parallel/pool.js';
import { matrixRows, type RowSource } from '../../row-source.js';
import { loadNativeKernels, type NativeKernels } from '../native/loader.js';
import type { AllocatedMatrix, BindOptions, BoundKernels, KernelBackend } from '../types.js';
import { rowBuffers, X_OFFSET } from './layout.js';
import { acquireRuntime, newSharedMemory, runtimeOver } from './runtime.js';
import { WasmKernels } from './wasm-kernels.js';
import { WasmMatrix } from './wasm-matrix.js';
import { WindowedKernels } from './windowed.js';

export { wasmSimdSupported } from './runtime.js';

/** Below this many values in X a pass takes well under a millisecond, and hand-offs cost more than they save. */
const THREADS_MIN_VALUES = 1 << 18;

/**
 * The most bytes of X and its row buffers held in one kernels memory (32-bit: 4 GiB at most),
 * leaving room for the buffers that depend on k. Larger matrices are read through windows.
 */
const RESIDENT_LIMIT_BYTES = 3 * 2 ** 30;

/** Whether a rows x cols matrix is held whole in one kernels memory, or read through windows. */
function heldWhole(rows: number, cols: number, f32: boolean, options: BindOptions): boolean {
  if (options.windowRows !== undefined && options.windowRows < rows) return false;
  return rowBuffers(rows, cols, f32).end <= RESIDENT_LIMIT_BYTES;
}

/**
 * Kernels over `source` read through windows (see windowed.ts): for sources that are not held
 * in memory, and matrices larger than one kernels memory.
 */
export function bindRowSource(
  source: RowSource,
  dtype: DType = source.dtype,
  options: BindOptions = {},
  native?: NativeKernels,
): BoundKernels {
  const threads = threadsFor(source.rows, source.cols, options);
  return new WindowedKernels(source, dtype, { ...options, threads }, native);
}

/**
 * The WebAssembly SIMD backend. X is copied into the module's memory once per `bind` and every
 * euclidean pass runs there, on `threads` threads (a worker pool over shared memory). Assignment
 * scores centres with the fast ||c||² - 2x·c form and settles any row whose two best centres are
 * within rounding distance by exact distances, computed in the reference backend's order: labels,
 * distances and sums are the reference backend's, bit for bit. L1 (manhattan) passes run on
 * every thread too (assembly/l1.ts: a float32 scan settled by exact distances in the reference's
 * order), and k-medians' update by selection (assembly/medians.ts).
 */
export const wasmBackend: KernelBackend = kernelsBackend('wasm', undefined);

/**
 * The native backend (Node): the WebAssembly backend's memory, layout, threads and passes, with
 * the passes that dominate a fit (NATIVE_KERNEL_NAMES) replaced by native kernels that use the
 * CPU's widest vectors (src/kernels/native/c). Their labels, distances and sums are the other
 * backends', bit for bit. Undefined where the native kernels do not load.
 */
export function nativeBackend(): KernelBackend | undefined {
  const native = loadNativeKernels();
  if (!native) return undefined;
  nativeInstance ??= kernelsBackend('native', native);
  return nativeInstance;
}

let nativeInstance: KernelBackend | undefined;

/** The backend over WebAssembly memory, with `native` kernels in place of some passes where given. */
function kernelsBackend(name: string, native: NativeKernels | undefined): KernelBackend {
  return {
    name,
    bind(X: Matrix, options: BindOptions = {}): BoundKernels {
      const f32 = X.data instanceof Float32Array;
      if (!heldWhole(X.rows, X.cols, f32, options)) {
        // Windows keep the blocks of the rows they read, not those of a larger matrix.
        if (options.blockRows !== undefined)
          throw new Error(
            'lloyd: rows bound with blockRows must fit one kernels memory; use smaller shards',
          );
        return bindRowSource(matrixRows(X), f32 ? 'float32' : 'float64', options, native);
      }
      const threads = threadsFor(X.rows, X.cols, options);
      const matrix = new WasmMatrix(
        X.rows,
        X.cols,
        f32,
        acquireRuntime(threads, native),
        undefined,
        options.blockRows,
      );
      matrix.matrix().data.set(X.data);
      return new WasmKernels(matrix, X);
    },
    allocate(
      rows: number,
      cols: number,
      dtype: DType,
      options: BindOptions = {},
    ): AllocatedMatrix | undefined {
      // A matrix read through windows lives in ordinary memory: the caller makes it.
      if (!heldWhole(rows, cols, dtype === 'float32', options)) return undefined;
      const runtime = acquireRuntime(threadsFor(rows, cols, options), native);
      const matrix = new WasmMatrix(
        rows,
        cols,
        dtype === 'float32',
        runtime,
        undefined,
        options.blockRows,
      );
      // Only shared memory keeps views valid when it grows; without it the caller must copy. A page
      // that is not cross-origin isolated has no SharedArrayBuffer global at all.
      const shared =
        typeof SharedArrayBuffer !== 'undefined' &&
        runtime.memory.buffer instanceof SharedArrayBuffer;
      if (!shared) {
        matrix.release();
        return undefined;
      }
      return allocated(matrix, matrix.matrix());
    },
    bindRows(source: RowSource, dtype: DType, options: BindOptions = {}): BoundKernels {
      return bindRowSource(source, dtype, options, native);
    },
    adopt(X: Matrix, dtype: DType, options: BindOptions = {}): AllocatedMatrix | undefined {
      const f32 = dtype === 'float32';
      if (
        X.data instanceof (f32 ? Float32Array : Float64Array) &&
        !heldWhole(X.rows, X.cols, f32, options)
      )
        return options.blockRows === undefined
          ? windowedInPlace(X, f32, options, native)
          : undefined;
      const home = sharedHomes.get(X.data.buffer);
      const fits =
        home !== undefined &&
        !home.busy &&
        X.data instanceof (f32 ? Float32Array : Float64Array) &&
        X.data.byteOffset === X_OFFSET &&
        X.data.byteLength === home.bytes;
      const runtime = fits
        ? runtimeOver(home.memory, threadsFor(X.rows, X.cols, options), native)
        : undefined;
      if (!home || !runtime) return undefined;
      home.busy = true;
      const matrix = new WasmMatrix(
        X.rows,
        X.cols,
        f32,
        runtime,
        () => {
          home.busy = false;
        },
        options.blockRows,
      );
      return allocated(matrix, X);
    },
  };
}

/** `source` (X, in `matrix`'s memory) to check and bind, or release unbound. */
function allocated(matrix: WasmMatrix, source: Matrix): AllocatedMatrix {
  return {
    matrix: source,
    allFinite: () => matrix.allFinite(),
    bind: (unchanged = false) => {
      if (!unchanged) matrix.invalidateNorms();
      return new WasmKernels(matrix, source);
    },
    release: () => matrix.release(),
  };
}

/**
 * The caller's matrix read through windows where it lies: the kernels only read X, so a matrix
 * larger than one kernels memory is never copied whole. Its values are checked as each window is
 * read (a value that is not finite is named by its row and column then).
 */
function windowedInPlace(
  X: Matrix,
  f32: boolean,
  options: BindOptions,
  native: NativeKernels | undefined,
): AllocatedMatrix {
  return {
    matrix: X,
    allFinite: () => true,
    bind: () => bindRowSource(matrixRows(X), f32 ? 'float32' : 'float64', options, native),
    release: () => {},
  };
}

/** The memory each shared matrix lives in (by its data's buffer), and whether a fit holds it. */
const sharedHomes = new WeakMap<
  ArrayBufferLike,
  { memory: WebAssembly.Memory; bytes: number; busy: boolean }
>();

/**
 * A zeroed rows x cols matrix in memory the WebAssembly kernels run over in place: fitting it
 * (or predicting, scoring, transforming it) with the same dtype copies nothing, so a fit holds X
 * once. Fill `data` before fitting, and leave it alone while a fit runs. Loaders take it as their
 * `allocate` option. Where shared WebAssembly memory cannot be had (a page that is not
 * cross-origin isolated), or past 4 GiB, it is an ordinary matrix, which fits copy as usual.
 * In a browser, a fit with threads copies it into the prepared pool's memory as usual (a pool of
 * its own could not start while the fit blocks); a one-thread fit reads it where it lies. Its
 * memory keeps the working room fits took after X (O(n + k·d); Elkan's bounds n x k) while the
 * matrix lives: shared memory cannot shrink. In Node the worker threads of a fit over it idle ten
 * seconds after the fit for the next one (they never keep a process alive).
 */
export function sharedMatrix(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  positiveInteger('rows', rows);
  positiveInteger('cols', cols);
  checkDType(dtype);
  const bytes = rows * cols * (dtype === 'float32' ? 4 : 8);
  const memory = newSharedMemory(X_OFFSET + bytes);
  if (!memory) return zerosMatrix(rows, cols, dtype);
  const { buffer } = memory;
  const data =
    dtype === 'float32'
      ? new Float32Array(buffer, X_OFFSET, rows * cols)
      : new Float64Array(buffer, X_OFFSET, rows * cols);
  sharedHomes.set(buffer, { memory, bytes, busy: false });
  return { data, rows, cols };
}

/**
 * Threads past this many per core only add hand-offs and memory (each holds a kernels instance and
 * scratch): a request for more is capped, as the `threads` option documents.
 */
const MAX_THREADS_PER_CORE = 4;

function threadsFor(rows: number, cols: number, options: BindOptions): number {
  if (rows * cols < THREADS_MIN_VALUES) return 1;
  const cores = availableCores();
  return Math.max(1, Math.min(MAX_THREADS_PER_CORE * cores, Math.floor(options.threads ?? cores)));
}

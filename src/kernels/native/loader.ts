import { nodeBuiltin } from '../../platform.js';

/** A kernel as the pool calls it: (frame, start, end, scratch), returning a count or nothing. */
type NativeKernel = (
  frame: number,
  start: number,
  end: number,
  scratch: number,
) => number | undefined;

/** The kernels the native module overrides; every other pass stays WebAssembly, over the same memory. */
export const NATIVE_KERNEL_NAMES = ['assignSumF32', 'assignSumF64'] as const;

/** The native module as loaded (see src/kernels/native/c/addon.c). */
export interface NativeKernels {
  /** The file it was loaded from: each pool worker loads the same. */
  readonly path: string;
  /** The scan build the CPU runs: 'avx512-bf16', 'avx512', 'avx2', 'baseline' or 'neon' (arm64). */
  readonly isa: string;
  /** The memory this thread's kernel calls run over: a view of its whole buffer. */
  attach(view: Uint8Array): void;
  /** Says the centres changed, so each thread packs them again before its next scan. */
  centresChanged(): void;
  readonly assignSumF32: NativeKernel;
  readonly assignSumF64: NativeKernel;
}

type CreateRequire = (from: string | URL) => (id: string) => unknown;

let loaded: NativeKernels | null | undefined;
let failure = '';

/**
 * The native kernels where they load: Node on a platform with a build in build/native (or at the
 * path LLOYD_NATIVE_PATH names), unless the environment sets LLOYD_NATIVE=0. Undefined elsewhere
 * (browsers, other platforms, a bundle that left the binary behind); nativeUnavailable() then
 * says why.
 */
export function loadNativeKernels(): NativeKernels | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  const process = (
    globalThis as { process?: { platform?: string; arch?: string; env?: Record<string, string> } }
  ).process;
  const createRequire = nodeBuiltin<{ createRequire?: CreateRequire }>(
    'node:module',
  )?.createRequire;
  if (!process || !createRequire) {
    failure = 'native kernels run in Node only';
    return undefined;
  }
  if (process.env?.LLOYD_NATIVE === '0') {
    failure = 'LLOYD_NATIVE=0 is set';
    return undefined;
  }
  // LLOYD_NATIVE_PATH names the binary where a bundle left build/native behind. Otherwise
  // build/native sits three folders up from src/, dist/ and dist-cjs/kernels/native. A variable,
  // not a literal: bundlers treat new URL('literal', import.meta.url) as an asset.
  const explicit = process.env?.LLOYD_NATIVE_PATH;
  const file = `../../../build/native/lloyd-${process.platform}-${process.arch}.node`;
  const url = explicit
    ? (nodeBuiltin<{ pathToFileURL(path: string): URL }>('node:url')?.pathToFileURL(explicit) ??
      new URL(`file://${explicit}`))
    : new URL(file, import.meta.url);
  if (url.protocol !== 'file:') {
    failure = `native kernels load from files, not ${url.protocol} URLs`;
    return undefined;
  }
  const path = decodeURIComponent(url.pathname);
  try {
    const module = createRequire(url)(path) as Omit<NativeKernels, 'path'>;
    loaded = {
      path,
      isa: module.isa,
      attach: module.attach,
      centresChanged: module.centresChanged,
      assignSumF32: module.assignSumF32,
      assignSumF64: module.assignSumF64,
    };
  } catch (error) {
    failure = `no native build loads from ${path}: ${(error as Error).message.split('\n')[0]}`;
  }
  return loaded ?? undefined;
}

/** Why loadNativeKernels() found none ('' when it did, or has not been asked). */
export function nativeUnavailable(): string {
  return failure;
}

/** Which native kernels run in this process: their scan's instruction set, or why none loaded. */
export type NativeKernelBuild =
  | { loaded: true; isa: string; path: string }
  | { loaded: false; reason: string };

/** Loads the native kernels if they are not loaded yet, and says which run (or why none). */
export function nativeKernelBuild(): NativeKernelBuild {
  const native = loadNativeKernels();
  return native
    ? { loaded: true, isa: native.isa, path: native.path }
    : { loaded: false, reason: nativeUnavailable() };
}

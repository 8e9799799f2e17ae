import { describeValue, ValidationError } from '../errors.js';
import { nativeUnavailable } from './native/loader.js';
import { referenceBackend } from './reference/index.js';
import type { KernelBackend } from './types.js';
import { nativeBackend, wasmBackend, wasmSimdSupported } from './wasm/backend.js';

/**
 * A backend by name, or a backend object. 'auto' is the native kernels where they load (Node on
 * a platform lloyd ships a build for), else WebAssembly SIMD where the engine has it, else the
 * reference TypeScript.
 */
export type BackendOption = 'auto' | 'native' | 'wasm' | 'reference' | KernelBackend;

/**
 * Resolves a backend option; 'native' where the native kernels do not load, or 'wasm' where the
 * engine lacks SIMD128, is an error; 'auto' falls back.
 */
export function resolveBackend(option: unknown): KernelBackend {
  if (option === 'auto') {
    if (!wasmSimdSupported()) return referenceBackend;
    return nativeBackend() ?? wasmBackend;
  }
  if (option === 'reference') return referenceBackend;
  if (option === 'native') {
    const native = wasmSimdSupported() ? nativeBackend() : undefined;
    if (!native)
      throw new ValidationError(
        'backend',
        `'native' is not available here (${nativeUnavailable() || 'WebAssembly SIMD128 is missing'}); use 'auto', 'wasm' or 'reference'`,
      );
    return native;
  }
  if (option === 'wasm') {
    if (!wasmSimdSupported()) {
      throw new ValidationError(
        'backend',
        "'wasm' needs WebAssembly SIMD128, which this engine lacks; use 'auto' or 'reference'",
      );
    }
    return wasmBackend;
  }
  if (
    typeof option === 'object' &&
    option !== null &&
    typeof (option as KernelBackend).bind === 'function'
  ) {
    return option as KernelBackend;
  }
  throw new ValidationError(
    'backend',
    `must be 'auto', 'native', 'wasm', 'reference' or a KernelBackend with a bind(X) method; got ${describeValue(option)}`,
  );
}

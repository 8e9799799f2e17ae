import { describeValue, ValidationError } from '../errors.js';
import { referenceBackend } from './reference/index.js';
import type { KernelBackend } from './types.js';
import { wasmBackend, wasmSimdSupported } from './wasm/backend.js';

/** A backend by name, or a backend object. 'auto' is WebAssembly SIMD where the engine has it. */
export type BackendOption = 'auto' | 'wasm' | 'reference' | KernelBackend;

/** Resolves a backend option; 'wasm' where the engine lacks SIMD128 is an error, 'auto' falls back. */
export function resolveBackend(option: unknown): KernelBackend {
  if (option === 'auto') return wasmSimdSupported() ? wasmBackend : referenceBackend;
  if (option === 'reference') return referenceBackend;
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
    `must be 'auto', 'wasm', 'reference' or a KernelBackend with a bind(X) method; got ${describeValue(option)}`,
  );
}

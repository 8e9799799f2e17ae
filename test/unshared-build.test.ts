import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withUnsharedMemory } from '../src/kernels/wasm/unshared-build.js';

// npm run build writes both builds to build/: asc's build for ordinary memory is not shipped,
// the runtime makes it from the shared build.
const built = (file: string) =>
  new Uint8Array(readFileSync(new URL(`../build/${file}`, import.meta.url)));

describe('the ordinary-memory kernels, made from the shared build', () => {
  it("equal asc's own build for ordinary memory, byte for byte", () => {
    const made = withUnsharedMemory(built('kernels-shared.wasm'));
    expect(Buffer.from(made).equals(Buffer.from(built('kernels.wasm')))).toBe(true);
    expect(WebAssembly.validate(made)).toBe(true);
  });

  it('leave the shared build as it was', () => {
    const shared = built('kernels-shared.wasm');
    const copy = shared.slice();
    withUnsharedMemory(shared);
    expect(shared).toEqual(copy);
  });

  it('refuse a module that imports no shared memory', () => {
    expect(() => withUnsharedMemory(built('kernels.wasm'))).toThrow(
      'lloyd: the kernels module imports no shared memory to rewrite',
    );
  });
});

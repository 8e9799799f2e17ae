// Runs the exactness tests again on the relaxed-SIMD kernels (fused multiply-add in the fast
// scan). Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd, so vitest
// runs under that flag with its thread pool (V8 flags are per process, so its workers share it).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
// The built library says whether this engine runs the relaxed build without the flag (Node >= 22).
const { wasmKernelVariant } = await import('../dist/index.js');
const flag = wasmKernelVariant() === 'relaxed-simd' ? [] : ['--experimental-wasm-relaxed-simd'];
const tests = [
  'test/backends.test.ts',
  'test/kmeans-golden.test.ts',
  'test/kmeans-properties.test.ts',
  'test/fit-async.test.ts',
];
const result = spawnSync(process.execPath, [...flag, vitest, 'run', '--pool=threads', ...tests], {
  stdio: 'inherit',
  // 'auto' must pick these kernels, not the native ones.
  env: { ...process.env, LLOYD_EXPECT_KERNELS: 'relaxed-simd', LLOYD_NATIVE: '0' },
});
process.exit(result.status ?? 1);

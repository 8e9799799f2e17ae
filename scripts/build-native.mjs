// Builds lloyd's native kernels (src/kernels/native/c) into build/native/lloyd-<platform>-<arch>.node
// with the system C compiler and Node-API's headers (node-api-headers): no node-gyp, no download.
// The scan is compiled once per instruction set, each with its own flags; the exact parts
// without fused multiply-adds (-ffp-contract=off), so their results are the WebAssembly
// kernels', bit for bit. Where no compiler is found the build is skipped with a note, and lloyd
// runs on WebAssembly as before: `LLOYD_REQUIRE_NATIVE=1` makes that an error (CI sets it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/kernels/native/c');
const out = join(root, 'build/native');
const objects = join(out, 'obj');
const target = join(out, `lloyd-${process.platform}-${process.arch}.node`);
const required = process.env.LLOYD_REQUIRE_NATIVE === '1';

function skip(why) {
  if (required) throw new Error(`build-native: ${why}`);
  console.log(`native kernels not built: ${why} (lloyd runs on WebAssembly)`);
  process.exit(0);
}

if (process.platform !== 'linux' || !['x64'].includes(process.arch))
  skip(`no native build for ${process.platform}-${process.arch} yet`);
const compiler = process.env.CC ?? 'cc';
try {
  execFileSync(compiler, ['--version'], { stdio: 'ignore' });
} catch {
  skip(`no C compiler (${compiler})`);
}
const headers = join(
  dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')),
  'include',
);
if (!existsSync(join(source, 'frame-layout.generated.h')))
  throw new Error('build-native: run scripts/build-wasm.mjs first (it writes the frame layout)');

rmSync(objects, { recursive: true, force: true });
mkdirSync(objects, { recursive: true });
const common = [
  '-O3',
  '-fPIC',
  '-std=c11',
  '-D_GNU_SOURCE',
  '-Wall',
  '-Wextra',
  '-Werror',
  `-I${headers}`,
];
const exact = [...common, '-ffp-contract=off', '-fno-fast-math'];
const builds = [
  ['exact.c', 'exact.o', exact],
  ['assign.c', 'assign.o', exact],
  ['addon.c', 'addon.o', exact],
  // Rows per tile by the registers each has: 2 x rows accumulators, 2 panel vectors, 1 row value.
  [
    'scan.c',
    'scan-avx512.o',
    [
      ...common,
      '-ffp-contract=fast',
      '-mavx512f',
      '-mavx512vl',
      '-mfma',
      '-DLANES=16',
      '-DROWS=8',
      '-DPANELS=2',
      '-DSCORES=lloyd_scores_avx512',
      '-DBEST2=lloyd_best2_avx512',
      '-DTILE=lloyd_tile_avx512',
    ],
  ],
  // The bfloat16 pre-scan: AVX512-BF16's dot products, run only where the CPU has them.
  ['scan-bf16.c', 'scan-bf16.o', [...common, '-mavx512f', '-mavx512vl', '-mavx512bf16']],
  [
    'scan.c',
    'scan-avx2.o',
    [
      ...common,
      '-ffp-contract=fast',
      '-mavx2',
      '-mfma',
      '-DLANES=8',
      '-DROWS=4',
      '-DSCORES=lloyd_scores_avx2',
      '-DBEST2=lloyd_best2_avx2',
      '-DTILE=lloyd_tile_avx2',
    ],
  ],
  [
    'scan.c',
    'scan-base.o',
    [
      ...common,
      '-ffp-contract=fast',
      '-DLANES=4',
      '-DROWS=4',
      '-DSCORES=lloyd_scores_base',
      '-DBEST2=lloyd_best2_base',
      '-DTILE=lloyd_tile_base',
    ],
  ],
];
for (const [file, object, flags] of builds)
  execFileSync(compiler, [...flags, '-c', join(source, file), '-o', join(objects, object)], {
    stdio: 'inherit',
  });
execFileSync(
  compiler,
  [
    '-shared',
    '-o',
    target,
    ...builds.map(([, object]) => join(objects, object)),
    '-lm',
    '-lpthread',
  ],
  { stdio: 'inherit' },
);
rmSync(objects, { recursive: true, force: true });
console.log(`native kernels: ${target.slice(root.length + 1)}`);

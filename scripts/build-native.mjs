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
const required = process.env.LLOYD_REQUIRE_NATIVE === '1';

function skip(why) {
  if (required) throw new Error(`build-native: ${why}`);
  console.log(`native kernels not built: ${why} (lloyd runs on WebAssembly)`);
  process.exit(0);
}

const headers = join(
  dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')),
  'include',
);
if (!existsSync(join(source, 'frame-layout.generated.h')))
  throw new Error('build-native: run scripts/build-wasm.mjs first (it writes the frame layout)');

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
/** Every target's exact parts; the pre-scan's file is stubs where it cannot run (arm64). */
const shared = [
  ['exact.c', 'exact.o', exact],
  ['assign.c', 'assign.o', exact],
  ['addon.c', 'addon.o', exact],
];
/** One build of scan.c: its object, flags, lanes and rows per tile. */
const scan = (name, flags, lanes, rows, panels = 2) => [
  'scan.c',
  `scan-${name}.o`,
  [
    ...common,
    '-ffp-contract=fast',
    ...flags,
    `-DLANES=${lanes}`,
    `-DROWS=${rows}`,
    `-DPANELS=${panels}`,
    `-DSCORES=lloyd_scores_${name}`,
    `-DBEST2=lloyd_best2_${name}`,
    `-DTILE=lloyd_tile_${name}`,
  ],
];
// Rows per tile by the registers each has: 2 x rows accumulators, 2 panel vectors, 1 row value.
const targets = {
  x64: [
    ...shared,
    // The bfloat16 pre-scan: AVX512-BF16's dot products, run only where the CPU has them.
    ['scan-bf16.c', 'scan-bf16.o', [...common, '-mavx512f', '-mavx512vl', '-mavx512bf16']],
    scan('avx512', ['-mavx512f', '-mavx512vl', '-mfma'], 16, 8),
    scan('avx2', ['-mavx2', '-mfma'], 8, 4),
    scan('base', [], 4, 4),
  ],
  // arm64: NEON's 32 registers of 4 lanes hold 8 rows by 2 panels; fused multiply-adds are
  // baseline. Cross-compiled where Debian's gcc-aarch64-linux-gnu is installed.
  arm64: [...shared, ['scan-bf16.c', 'scan-bf16.o', common], scan('neon', [], 4, 8)],
};

/** Builds the kernels for `arch` with `compiler` into build/native/lloyd-linux-<arch>.node. */
function build(arch, compiler) {
  const objects = join(out, `obj-${arch}`);
  const target = join(out, `lloyd-linux-${arch}.node`);
  rmSync(objects, { recursive: true, force: true });
  mkdirSync(objects, { recursive: true });
  const builds = targets[arch];
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
}

/** Whether `compiler` runs. */
function runs(compiler) {
  try {
    execFileSync(compiler, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (process.platform !== 'linux' || !(process.arch in targets))
  skip(`no native build for ${process.platform}-${process.arch} yet`);
const compiler = process.env.CC ?? 'cc';
if (!runs(compiler)) skip(`no C compiler (${compiler})`);
build(process.arch, compiler);
// The other Linux target too, where a cross compiler is installed (the package ships both).
// LLOYD_REQUIRE_ARM64=1 makes a missing one an error (CI sets it).
if (process.arch === 'x64') {
  const cross = process.env.CC_ARM64 ?? 'aarch64-linux-gnu-gcc';
  if (runs(cross)) build('arm64', cross);
  else if (process.env.LLOYD_REQUIRE_ARM64 === '1')
    throw new Error(`build-native: no arm64 cross compiler (${cross})`);
  else console.log(`native kernels for arm64 not built: no ${cross}`);
}

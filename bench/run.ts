// npm run bench [-- --case NAME|peers] [--systems A,B] [--as-avx2] [--quick] [--smoke] [--no-python] [--repeat N] [--warm] [--family]
// npm run bench -- --latency [--quick]: small data, many fits (bench/latency.ts) instead.
// Fixed work for every system: the same data, the same initial centres, the same number of
// iterations (tol = 0), plus one case run to convergence (tol = 1e-4). Prints ms per iteration, the ratio to scikit-learn, peak memory and the
// inertia beside each time, so a fast wrong answer shows. Writes bench/results/latest.json and
// bench/results/latest.md. A full run then runs the k-means family's rows (bench/family.ts);
// --family runs only those (--case and --smoke then name family cases).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openRows } from '../src/data/node/row-files.js';
import { encodeNpy } from '../src/data/npy.js';
import { loadNativeKernels, nativeUnavailable } from '../src/kernels/native/loader.js';
import { boundsForFit } from '../src/kmeans/options.js';
import { availableCores } from '../src/parallel/pool.js';
import { CASES, initialCenters } from './cases.js';
import { runFamilyBench } from './family.js';
import { PEER_TASKS, type PeerTask, SMOKE_PEER_TASKS } from './peers.js';

interface Row {
  case: string;
  dtype: string;
  system: string;
  threads: number;
  msPerIter: number;
  inertia: number;
  nIter: number;
  maxRssMB: number;
  ratioToSklearn?: number;
}

const args = process.argv.slice(2);
if (args.includes('--latency')) {
  await import('./latency.js');
  process.exit(0);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const flag = (name: string) => args.includes(name);
const chosen = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
const familyOnly = flag('--family');
const asAvx2 = flag('--as-avx2');
if (asAvx2) process.env.LLOYD_NATIVE_ISA = 'avx2';
// `--systems a,b`: only those systems' rows (e.g. lloyd-native,scikit-learn), for a quick A/B.
const onlySystems = args.includes('--systems')
  ? new Set(args[args.indexOf('--systems') + 1].split(','))
  : undefined;
const cases = CASES.filter((c) =>
  familyOnly
    ? false
    : chosen
      ? c.name === chosen
      : flag('--smoke')
        ? c.name === 'smoke'
        : c.name !== 'smoke' && !c.optIn && (!flag('--quick') || c.name.startsWith('mnist')),
);
const python = '/usr/bin/python3';
const hasPython = (module: string) => {
  if (flag('--no-python')) return false;
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const withSklearn = hasPython('sklearn');
const withFaiss = hasPython('faiss');
const notes: string[] = [];
if (asAvx2)
  notes.push(
    "--as-avx2: scikit-learn with OpenBLAS's Haswell (AVX2 + FMA) kernels and lloyd's AVX2 native build, on this CPU",
  );
if (!withSklearn)
  notes.push('scikit-learn skipped: no python3 with sklearn (apt-get install python3-sklearn)');
if (!withFaiss) notes.push('faiss skipped: no python3 with faiss (apt-get install python3-faiss)');
const native = loadNativeKernels();
const nativeBuilt = native !== undefined;
notes.push(
  native ? `lloyd-native: the ${native.isa} scan` : `lloyd-native skipped: ${nativeUnavailable()}`,
);
const cores = availableCores();
// tsx as a loader in the measured process itself (its CLI would start another node, without our flags).
const tsxLoader = pathToFileURL(join(here, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * Rounds of runs: this shared VM's timings vary by about ±30% and drift within minutes, so each
 * round runs every system of a case once, in turn (a slow minute then slows them alike), and a row
 * keeps its system's fastest run.
 */
const repeat = args.includes('--repeat')
  ? Math.max(1, Number(args[args.indexOf('--repeat') + 1]))
  : 1;

type Measured = Omit<Row, 'case' | 'dtype' | 'system' | 'threads'>;

/** One system of a case: how to run it once (a child process printing one JSON line). */
interface Job {
  system: string;
  threads: number;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * --warm: each run fits once untimed, then times a second fit of the same work in the same
 * process (the targets' warm fits); without it, each run times a fresh process's first fit.
 */
const warm = args.includes('--warm');

function runOnce(job: Job): Measured {
  const out = execFileSync(job.command, job.args, {
    encoding: 'utf8',
    env: { ...(job.env ?? process.env), ...(warm ? { BENCH_WARM: '1' } : {}) },
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

/** Runs the jobs `repeat` rounds, each job once a round; per job the fastest run, with the largest peak memory. */
function runRounds(jobs: Job[], onResult: (job: Job, result: Measured) => void): void {
  const best = new Map<Job, Measured>();
  for (let round = 0; round < repeat; round++) {
    for (const job of jobs) {
      if (onlySystems && !onlySystems.has(job.system)) continue;
      const result = runOnce(job);
      const kept = best.get(job);
      // The largest peak of any run, so memory is never understated.
      const peak = Math.max(kept?.maxRssMB ?? 0, result.maxRssMB);
      best.set(job, {
        ...(kept && kept.msPerIter <= result.msPerIter ? kept : result),
        maxRssMB: peak,
      });
    }
  }
  for (const job of jobs) {
    const result = best.get(job);
    if (result) onResult(job, result);
  }
}

const rows: Row[] = [];

/** Keeps a job's result as a row of the table, and says it as it comes. */
function record(caseName: string, dtype: string, job: Job, result: Measured): void {
  const row = { case: caseName, dtype, system: job.system, threads: job.threads, ...result };
  rows.push(row);
  console.error(
    `${caseName} ${dtype} ${job.system} x${job.threads}: ${row.msPerIter.toFixed(1)} ms/iter, inertia ${row.inertia.toPrecision(10)}`,
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'lloyd-bench-'));
for (const bench of cases) {
  for (const dtype of bench.dtypes ?? (['float64', 'float32'] as const)) {
    const jobs: Job[] = [];
    const lloyd = (system: string, threads: number) => {
      if (bench.systems && !bench.systems.includes(system)) return;
      jobs.push({
        system,
        threads,
        command: process.execPath,
        args: [
          // Node 20 runs the relaxed-SIMD (fused multiply-add) build only with this flag.
          ...(system === 'lloyd-relaxed' ? ['--experimental-wasm-relaxed-simd'] : []),
          '--import',
          tsxLoader,
          join(here, 'one.ts'),
          bench.name,
          system,
          dtype,
          String(threads),
        ],
      });
    };
    if (!bench.optIn) lloyd('lloyd', 1);
    if (cores > 1) lloyd('lloyd', cores);
    // X read from its file on every pass instead of held (openRows), beside the fits of X in memory.
    if (bench.file) lloyd('lloyd-streamed', cores);
    if (bench.metric !== undefined && bench.metric !== 'euclidean') {
      // k-medians and spherical k-means: lloyd's plain rows, beside the euclidean case's, and
      // k-medians with Hamerly's L1 bounds.
      if (bench.metric === 'manhattan') lloyd('lloyd-hamerly', cores);
      runRounds(jobs, (job, result) => record(bench.name, dtype, job, result));
      continue;
    }
    lloyd('lloyd-hamerly', cores);
    lloyd('lloyd-relaxed', cores);
    // The native kernels (Node, where they are built), plain and with Hamerly's bounds.
    if (nativeBuilt) {
      lloyd('lloyd-native', cores);
      lloyd('lloyd-native-hamerly', cores);
    }
    // Elkan's bounds pay off over many iterations (the run to convergence shows them), and where
    // 'auto' picks them (k large, d larger).
    // (Rows: the cases are small enough that only the k and d rules decide.)
    if (bench.tol || boundsForFit('auto', bench.k, 60_000, bench.cols, dtype) === 'elkan')
      lloyd('lloyd-elkan', cores);
    if (bench.peers && dtype === 'float64') {
      lloyd('lloyd-reference', 1);
      lloyd('ml-kmeans', 1);
      lloyd('skmeans', 1);
    }
    if (withSklearn || withFaiss) {
      // A case that is only a file (too large to load twice here) is loaded from it by numpy.
      const file = bench.optIn && bench.file ? await bench.file(dtype) : undefined;
      const X = file ? await openRows(file.path, { scale: file.scale }) : await bench.load(dtype);
      const init = initialCenters(X, bench.k);
      const xPath = file ? file.path : join(scratch, `X-${dtype}.npy`);
      const initPath = join(scratch, `init-${dtype}.npy`);
      if (!file && 'data' in X) writeFileSync(xPath, encodeNpy(X));
      writeFileSync(
        initPath,
        encodeNpy({ data: Float64Array.from(init.flat()), rows: init.length, cols: X.cols }),
      );
      // Unset as the environment notes advise, so a current numpy picks its fastest kernels.
      const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(cores) };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      // `--as-avx2`: an AVX2 machine's kernels on an AVX-512 CPU, on both sides: OpenBLAS's
      // Haswell kernels (AVX2 + FMA), and lloyd's AVX2 native build (LLOYD_NATIVE_ISA below).
      if (asAvx2) env.OPENBLAS_CORETYPE = 'Haswell';
      const pythonJob = (system: 'scikit-learn' | 'faiss') =>
        jobs.push({
          system,
          threads: cores,
          command: python,
          args: [
            join(here, 'python_bench.py'),
            xPath,
            initPath,
            String(bench.iterations),
            system === 'scikit-learn' ? 'sklearn' : 'faiss',
            String(bench.tol ?? 0),
          ],
          env,
        });
      if (withSklearn) pythonJob('scikit-learn');
      // faiss has no tolerance to match, so it runs the fixed-work cases only.
      if (withFaiss && dtype === 'float32' && !bench.tol) pythonJob('faiss');
    }
    runRounds(jobs, (job, result) => record(bench.name, dtype, job, result));
  }
}
rmSync(scratch, { recursive: true, force: true });

/** A peers' task's row: lloyd's time beside the peer's, and whether their results are equal. */
interface PeerRow {
  task: string;
  system: string;
  /** The warm call: the fastest after a first call in the same process. */
  ms: number;
  /** A fresh process's first call. */
  firstMs: number;
  maxRssMB: number;
  result: string;
  speedup?: number;
  firstSpeedup?: number;
}
const peerRows: PeerRow[] = [];
// The JavaScript peers' own tasks (Turf's clustersKmeans, simple-statistics' ckmeans): whole calls
// from the same data, in rounds as above. `--case peers` runs them alone.
const peerTasks: readonly PeerTask[] = familyOnly
  ? []
  : flag('--smoke')
    ? SMOKE_PEER_TASKS
    : !chosen || chosen === 'peers'
      ? flag('--quick')
        ? []
        : PEER_TASKS
      : [];
for (const task of peerTasks) {
  const best = new Map<string, PeerRow>();
  for (let round = 0; round < repeat; round++) {
    for (const system of task.systems) {
      const out = execFileSync(
        process.execPath,
        ['--import', tsxLoader, join(here, 'peers.ts'), task.name, system],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      const run = JSON.parse(out.trim().split('\n').pop() ?? '{}') as PeerRow;
      const kept = best.get(system);
      best.set(system, {
        ...(kept && kept.ms <= run.ms ? kept : run),
        task: task.name,
        system,
        firstMs: Math.min(kept?.firstMs ?? Number.POSITIVE_INFINITY, run.firstMs),
        maxRssMB: Math.max(kept?.maxRssMB ?? 0, run.maxRssMB),
      });
    }
  }
  const [lloydRow, peerRow] = task.systems.map((system) => best.get(system) as PeerRow);
  peerRow.speedup = peerRow.ms / lloydRow.ms;
  peerRow.firstSpeedup = peerRow.firstMs / lloydRow.firstMs;
  lloydRow.speedup = 1;
  lloydRow.firstSpeedup = 1;
  peerRows.push(lloydRow, peerRow);
  console.error(
    `${task.name}: warm lloyd ${lloydRow.ms.toFixed(0)} ms, ${peerRow.system} ${peerRow.ms.toFixed(0)} ms; first call ${lloydRow.firstMs.toFixed(0)} / ${peerRow.firstMs.toFixed(0)} ms; same result: ${lloydRow.result === peerRow.result}`,
  );
}

for (const row of rows) {
  const sk = rows.find(
    (r) => r.case === row.case && r.dtype === row.dtype && r.system === 'scikit-learn',
  );
  if (sk) row.ratioToSklearn = row.msPerIter / sk.msPerIter;
}
/** The CPU's model and whether it has AVX-512 (where OpenBLAS runs 16 float32 lanes to SIMD128's 4). */
function cpuDescription(): string {
  let avx512 = 'AVX-512 unknown';
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    avx512 = /\bavx512f\b/.test(flags) ? 'AVX-512' : 'no AVX-512';
  } catch {
    // not Linux
  }
  return `${cpus()[0]?.model ?? 'unknown CPU'} (${avx512})`;
}
const machine = `${cpuDescription()}, ${cores} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const lines = [
  `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}. Each row: the fastest of ${repeat} run${repeat > 1 ? 's' : ''} (peak RSS: the largest)${repeat > 1 ? ', in rounds that run every system of a case once each' : ''}; ${warm ? 'each a warm fit (the second of the same work in one process)' : "each a fresh process's first fit"}.`,
  '',
  '| case | dtype | system | threads | ms / iteration | x scikit-learn | peak RSS (MB) | inertia | iterations |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.case} | ${r.dtype} | ${r.system} | ${r.threads} | ${r.msPerIter.toFixed(1)} | ${r.ratioToSklearn === undefined ? '' : r.ratioToSklearn.toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${r.inertia.toPrecision(10)} | ${r.nIter} |`,
  ),
  ...(peerRows.length === 0
    ? []
    : [
        '',
        "The JavaScript peers' own tasks: whole calls, from the same data (uniform random points; values from ten bumps). Warm: the fastest of two calls after a first one in the same process; first call: a fresh process's (the fastest over the rounds). Same result: the labels (clusters) equal lloyd's.",
        '',
        '| task | system | warm ms | x lloyd | first call ms | x lloyd | peak RSS (MB) | same result |',
        '|---|---|---|---|---|---|---|---|',
        ...peerRows.map(
          (r) =>
            `| ${r.task} | ${r.system} | ${r.ms.toFixed(0)} | ${(r.speedup ?? 1).toFixed(2)} | ${r.firstMs.toFixed(0)} | ${(r.firstSpeedup ?? 1).toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${r.result === peerRows.find((l) => l.task === r.task && l.system === 'lloyd')?.result ? 'yes' : 'no'} |`,
        ),
      ]),
  ...notes.map((n) => `\nNote: ${n}.`),
];
const markdown = `${lines.join('\n')}\n`;
console.log(markdown);
// Only a full run replaces the recorded results; a chosen case or --quick just prints.
if (!familyOnly && !flag('--smoke') && !chosen && !flag('--quick')) {
  const results = join(here, 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, 'latest.json'),
    `${JSON.stringify({ machine, date: new Date().toISOString(), repeat, rows, peerRows, notes }, null, 2)}\n`,
  );
  writeFileSync(join(results, 'latest.md'), markdown);
}

if (familyOnly || (!flag('--smoke') && !chosen && !flag('--quick')))
  console.log(await runFamilyBench(args));

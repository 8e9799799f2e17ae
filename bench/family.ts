// npm run bench -- --family [--case NAME] [--smoke] [--no-python]
// MiniBatchKMeans and BisectingKMeans against scikit-learn's (issue 21): the mean inertia over
// FAMILY_SEEDS and the mean time per fit, each system from its own seeded initialisation (the two
// draw differently, so only means over seeds compare). A row passes when lloyd's mean inertia is
// within INERTIA_TOLERANCE of scikit-learn's and its time at most half. Writes
// bench/results/family-latest.json and .md on a full run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeNpy } from '../src/data/npy.js';
import { availableCores } from '../src/parallel/pool.js';
import { FAMILY_CASES, FAMILY_METHODS, FAMILY_SEEDS, INERTIA_TOLERANCE } from './family-cases.js';

interface Measured {
  msPerFit: number;
  inertia: number;
  inertias: number[];
  maxRssMB: number;
}

interface FamilyRow {
  case: string;
  method: string;
  lloyd: Measured;
  sklearn?: Measured;
  /** lloyd's mean inertia over scikit-learn's. */
  inertiaRatio?: number;
  /** lloyd's time over scikit-learn's. */
  timeRatio?: number;
  pass?: boolean;
}

/** Runs the family rows; returns the markdown table (and writes results on a full run). */
export async function runFamilyBench(args: readonly string[]): Promise<string> {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const flag = (name: string) => args.includes(name);
  const chosen = args.includes('--case') ? args[args.indexOf('--case') + 1] : undefined;
  const cases = FAMILY_CASES.filter((c) =>
    chosen
      ? c.name === chosen
      : flag('--smoke')
        ? c.name === 'family-smoke'
        : c.name !== 'family-smoke',
  );
  const python = '/usr/bin/python3';
  let withSklearn = !flag('--no-python');
  if (withSklearn)
    try {
      execFileSync(python, ['-c', 'import sklearn'], { stdio: 'ignore' });
    } catch {
      withSklearn = false;
    }
  const cores = availableCores();
  const tsxLoader = pathToFileURL(
    join(here, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs'),
  ).href;
  const run = (command: string, commandArgs: string[], env = process.env): Measured =>
    JSON.parse(
      execFileSync(command, commandArgs, { encoding: 'utf8', env, maxBuffer: 1 << 24 })
        .trim()
        .split('\n')
        .pop() ?? '{}',
    );
  const scratch = mkdtempSync(join(tmpdir(), 'lloyd-family-'));
  const rows: FamilyRow[] = [];
  try {
    for (const bench of cases) {
      const xPath = join(scratch, 'X.npy');
      if (withSklearn) writeFileSync(xPath, encodeNpy(await bench.load()));
      for (const method of FAMILY_METHODS) {
        const lloyd = run(process.execPath, [
          '--import',
          tsxLoader,
          join(here, 'family-one.ts'),
          bench.name,
          method,
          String(cores),
        ]);
        const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(cores) };
        const sklearn = withSklearn
          ? run(
              python,
              [
                join(here, 'python_family.py'),
                xPath,
                String(bench.k),
                method,
                FAMILY_SEEDS.join(','),
              ],
              env,
            )
          : undefined;
        const row: FamilyRow = { case: bench.name, method, lloyd, sklearn };
        if (sklearn) {
          row.inertiaRatio = lloyd.inertia / sklearn.inertia;
          row.timeRatio = lloyd.msPerFit / sklearn.msPerFit;
          row.pass = row.inertiaRatio <= 1 + INERTIA_TOLERANCE[method] && row.timeRatio <= 0.5;
        }
        rows.push(row);
        console.error(
          `${bench.name} ${method}: lloyd ${lloyd.msPerFit.toFixed(0)} ms, inertia ${lloyd.inertia.toPrecision(8)}${sklearn ? `; scikit-learn ${sklearn.msPerFit.toFixed(0)} ms, inertia ${sklearn.inertia.toPrecision(8)}` : ''}`,
        );
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, Node ${process.version}`;
  const lines = [
    `Machine: ${machine}. Date: ${new Date().toISOString().slice(0, 10)}. Means over seeds ${FAMILY_SEEDS.join(', ')}, float64, every core for both; each system its own initialisation.`,
    '',
    '| case | method | lloyd ms / fit | scikit-learn ms / fit | x scikit-learn | lloyd mean inertia | scikit-learn mean inertia | inertia ratio | within target |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.method} | ${r.lloyd.msPerFit.toFixed(0)} | ${r.sklearn?.msPerFit.toFixed(0) ?? ''} | ${r.timeRatio?.toFixed(2) ?? ''} | ${r.lloyd.inertia.toPrecision(10)} | ${r.sklearn?.inertia.toPrecision(10) ?? ''} | ${r.inertiaRatio?.toFixed(4) ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'yes' : 'no'} |`,
    ),
    '',
    `Targets: mean inertia within ${INERTIA_TOLERANCE.minibatch * 100}% (minibatch) or ${INERTIA_TOLERANCE.bisecting * 100}% (bisecting) of scikit-learn's, time at most 0.5x.`,
  ];
  const markdown = `${lines.join('\n')}\n`;
  if (!chosen && !flag('--smoke')) {
    const results = join(here, 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(
      join(results, 'family-latest.json'),
      `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 2)}\n`,
    );
    writeFileSync(join(results, 'family-latest.md'), markdown);
  }
  return markdown;
}

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/data/', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `lloyd` command as a user would, with stdout and stderr piped. */
function lloyd(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'lloyd-cli-'));

describe('lloyd command', () => {
  it('is built', () => {
    expect(existsSync(bin), 'run npm run build first').toBe(true);
  });

  it('fits dataset:iris with a readable summary on stdout and nothing on a piped stderr', async () => {
    const r = await lloyd('fit', 'dataset:iris', '-k', '3', '--seed', '0');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/lloyd fit: dataset:iris \(150 x 4\), k=3, metric euclidean/);
    expect(r.stdout).toMatch(/inertia 78\.85\d+ {3}iterations \d+ {3}converged yes/);
    expect(r.stdout).toMatch(/purity 0\.8\d+ {3}ARI/);
  });

  it('--json prints one parseable object', async () => {
    const args = ['fit', 'dataset:iris', '-k', '3', '--seed', '0', '--metric', 'manhattan'];
    const r = await lloyd(...args, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual([
      'centroids',
      'converged',
      'inertia',
      'labels',
      'nIter',
      'scores',
      'warnings',
    ]);
    expect(out.labels).toHaveLength(150);
    expect(out.centroids).toHaveLength(3);
    expect(Number.isFinite(out.inertia)).toBe(true);
    // Every score the text prints, computed from the labels printed.
    const { adjustedRandScore, normalizedMutualInfoScore, purityScore } = await import(
      '../src/metrics/index.js'
    );
    const { loadDataset } = await import('../src/data/node/datasets.js');
    const truth = (await loadDataset('iris')).y ?? [];
    expect(out.scores).toEqual({
      against: 'the true classes',
      purity: purityScore(truth, out.labels),
      ari: adjustedRandScore(truth, out.labels),
      nmi: normalizedMutualInfoScore(truth, out.labels),
    });
    const text = await lloyd(...args);
    expect(text.stdout).toContain(
      `purity ${out.scores.purity.toFixed(4)}   ARI ${out.scores.ari.toFixed(4)}   NMI ${out.scores.nmi.toFixed(4)}`,
    );
  });

  describe('--algorithm picks the bounds, with the same result as lloyd', () => {
    const fitWith = async (algorithm: string) => {
      const r = await lloyd(
        'fit',
        'dataset:digits',
        '-k',
        '40',
        '--seed',
        '1',
        '--json',
        '--algorithm',
        algorithm,
      );
      expect(r.code, algorithm).toBe(0);
      return JSON.parse(r.stdout);
    };
    /** The plain Lloyd fit every case compares with, run once for all of them. */
    let lloydFit: ReturnType<typeof fitWith> | undefined;

    it.each(['hamerly', 'elkan', 'auto'])('--algorithm %s', async (algorithm) => {
      lloydFit ??= fitWith('lloyd');
      const reference = await lloydFit;
      const out = await fitWith(algorithm);
      expect(out.labels, algorithm).toEqual(reference.labels);
      expect(out.inertia, algorithm).toBe(reference.inertia);
      expect(out.nIter, algorithm).toBe(reference.nIter);
    });
  });

  it('--verbose draws progress on a piped stderr', async () => {
    const r = await lloyd('fit', 'dataset:iris', '-k', '3', '--seed', '0', '--verbose');
    expect(r.stderr).toMatch(/restart 1\/1 {2}iteration 1\/300 {2}inertia/);
  });

  it('round-trips a model through predict, and writes labels and centroids', async () => {
    const dir = tmp();
    const fit = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '3',
      '--seed',
      '1',
      '--json',
      '--model-out',
      join(dir, 'model.json'),
      '--labels-out',
      join(dir, 'labels.csv'),
      '--centroids-out',
      join(dir, 'c.npy'),
    );
    expect(fit.code).toBe(0);
    // Labels written to a file are not printed again in the JSON.
    expect(JSON.parse(fit.stdout).labels).toBeUndefined();
    const labels = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).labels as number[];
    const predicted = await lloyd(
      'predict',
      '--model',
      join(dir, 'model.json'),
      'dataset:iris',
      '--json',
    );
    expect(predicted.code).toBe(0);
    expect(JSON.parse(predicted.stdout).labels).toEqual(labels);
    expect(readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n').map(Number)).toEqual(
      labels,
    );
    expect(readdirSync(dir).sort()).toEqual(['c.npy', 'labels.csv', 'model.json']);
    const evaluated = await lloyd(
      'evaluate',
      '--truth',
      'dataset:iris',
      '--pred',
      join(dir, 'labels.csv'),
    );
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/purity {8}0\.\d{4}/);
    expect(evaluated.stdout).toMatch(/V-measure {5}0\.\d{4}/);
  });

  it('clusters a CSV file with a label column and an init file', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'init.csv'), '1,2\n5,6\n');
    const r = await lloyd(
      'fit',
      join(fixtures, 'good.csv'),
      '-k',
      '2',
      '--label-column',
      'label',
      '--init',
      join(dir, 'init.csv'),
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).centroids).toEqual([
      [2, 3],
      [5, 6],
    ]);
  });

  it("takes --init 'k-means||' for fit and elbow, as the API does", async () => {
    const r = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '3',
      '--init',
      'k-means||',
      '--seed',
      '4',
      '--json',
    );
    expect(r.code).toBe(0);
    const { KMeans, loadDataset } = await import('../dist/index.js');
    const { X } = await loadDataset('iris');
    const api = new KMeans({ nClusters: 3, init: 'k-means||', randomState: 4 }).fit(X);
    expect(JSON.parse(r.stdout).inertia).toBe(api.inertia);
    const elbow = await lloyd(
      'elbow',
      'dataset:iris',
      '--k-max',
      '3',
      '--init',
      'k-means||',
      '--json',
    );
    expect(elbow.code).toBe(0);
    expect(JSON.parse(elbow.stdout).ks).toEqual([1, 2, 3]);
  });

  it('elbow prints inertia per k and the knee', async () => {
    const r = await lloyd('elbow', 'dataset:iris', '--k-max', '6', '--seed', '0', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ks).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.inertias.every((v: number) => Number.isFinite(v))).toBe(true);
  });

  it('bad flags exit 2 with the usage line', async () => {
    for (const args of [
      ['fit', 'dataset:iris', '-k', '3', '--bogus'],
      ['fit', 'dataset:iris'],
      ['fit', 'dataset:iris', '-k', 'three'],
      ['fit', 'dataset:iris', '-k', '3', '--metric', 'chebyshev'],
      ['fit', '-k', '3'],
      ['fit', 'dataset:iris', '-k', '3', '--threads', '0'],
      ['fit', 'dataset:iris', '-k', '3', '--algorithm', 'yinyang'],
      ['frobnicate'],
    ]) {
      const r = await lloyd(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^lloyd: .+\nusage: lloyd/);
    }
  });

  it('a corrupt CSV exits 1 naming the line, without a stack trace', async () => {
    const r = await lloyd('fit', join(fixtures, 'bad-value.csv'), '-k', '2');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: .*bad-value\.csv, line 3: column 2 \(b\) is "oops", not a finite number\n$/,
    );
    expect(r.stderr).not.toMatch(/\s+at /);
  });

  it('an unwritable output fails cleanly and writes nothing; the input is never clobbered', async () => {
    const dir = tmp();
    const r = await lloyd(
      'fit',
      'dataset:iris',
      '-k',
      '3',
      '--labels-out',
      join(dir, 'no-such-dir', 'labels.csv'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^lloyd: error: --labels-out: .*labels\.csv: cannot be written \(ENOENT\): folder .*no-such-dir does not exist\n$/,
    );
    expect(readdirSync(dir)).toEqual([]);
    const input = join(dir, 'data.csv');
    writeFileSync(input, '1,2\n3,4\n5,6\n');
    const clobber = await lloyd('fit', input, '-k', '2', '--labels-out', input);
    expect(clobber.code).toBe(1);
    expect(clobber.stderr).toMatch(/is an input of this command/);
    expect(readFileSync(input, 'utf8')).toBe('1,2\n3,4\n5,6\n');
  });

  it('values whose squares overflow float64 exit 1 with one line, never "inertia NaN" or a model', async () => {
    const dir = tmp();
    const input = join(dir, 'huge.csv');
    writeFileSync(input, '1e160\n2e160\n0\n1\n3e160\n');
    const model = join(dir, 'model.json');
    const r = await lloyd('fit', input, '-k', '3', '--seed', '0', '--model-out', model);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `lloyd: error: ${input}: values too large: squared distances overflow float64; rescale X (e.g. divide by a power of two)\n`,
    );
    expect(r.stdout).toBe('');
    expect(existsSync(model)).toBe(false);
  });

  it('predict names the model file, or the input, in its errors', async () => {
    const dir = tmp();
    const model = join(dir, 'm.json');
    writeFileSync(model, '{"format":"lloyd.kmeans","version":1,"inertia":null}');
    const bad = await lloyd('predict', '--model', model, 'dataset:iris');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `lloyd: error: --model: ${model}: not a lloyd KMeans model: metric must be one of euclidean, manhattan, cosine\n`,
    );
    const fit = await lloyd('fit', 'dataset:blobs?n=50', '-k', '2', '--model-out', model);
    expect(fit.code).toBe(0);
    const wrong = await lloyd('predict', '--model', model, 'dataset:iris');
    expect(wrong.stderr).toBe(
      `lloyd: error: dataset:iris (for --model ${model}): must have 2 columns; got 4\n`,
    );
  });

  it('a data error (k larger than n) exits 1 with one line', async () => {
    const r = await lloyd('fit', join(fixtures, 'rows.json'), '-k', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('lloyd: error: -k: must be at most the number of rows of X (2); got 5\n');
  });

  it('--version, --help and datasets', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect((await lloyd('--version')).stdout.trim()).toBe(pkg.version);
    expect((await lloyd('--help')).stdout).toMatch(/usage: lloyd <command>/);
    expect((await lloyd('fit', '--help')).stdout).toMatch(/^usage: lloyd fit/);
    expect((await lloyd('datasets')).stdout).toMatch(/dataset:mnist/);
  });
});

describe('fit progress', () => {
  it('passes no onIteration callback when nothing is drawn (a callback costs bounded passes a distance pass)', async () => {
    const { FitProgress } = await import('../src/cli/progress.js');
    const written: string[] = [];
    const stderr = (isTTY: boolean) => ({ isTTY, write: (text: string) => written.push(text) });
    const shape = (restarts: number) => ({ restarts, maxIter: 6, rows: 100 });
    expect(new FitProgress(stderr(false), false, shape(1)).onIteration).toBeUndefined();
    const verbose = new FitProgress(stderr(false), true, shape(1)).onIteration;
    const terminal = new FitProgress(stderr(true), false, shape(2)).onIteration;
    const info = { restart: 0, iteration: 3, inertia: 12.5, centerShift: 0.25, elapsedMs: 1 };
    verbose?.(info);
    terminal?.(info);
    expect(written[0]).toMatch(
      /^restart 1\/1 {2}iteration 3\/6 {2}inertia 12\.5 {2}shift 2\.50e-1 {2}\d+\.\ds.*\n$/,
    );
    // The bar fills with the iterations towards --max-iter, the restart its prefix: 3 of 6.
    expect(
      written[1].startsWith(
        `\r\u001b[2Krestart 1/2 [${'#'.repeat(10)}${'.'.repeat(10)}] iteration 3/6`,
      ),
    ).toBe(true);
    // Overflow mid-fit is named, never drawn as NaN.
    verbose?.({ ...info, inertia: Number.NaN, centerShift: Number.POSITIVE_INFINITY });
    expect(written[2]).toMatch(/inertia overflow {2}shift overflow /);
  });
});

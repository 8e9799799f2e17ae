import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distributedInertia, partialPass } from '../src/advanced.js';
import { parseNpy } from '../src/data/npy.js';
import { encodeNpy, KMeans, makeBlobs } from '../src/index.js';
import { sumBlockRows } from '../src/kernels/blocks.js';

const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `lloyd` in a process of its own, in `cwd`. */
function lloyd(cwd: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `lloyd` and expects success. */
async function ok(cwd: string, ...args: string[]): Promise<string> {
  const run = await lloyd(cwd, ...args);
  expect(run.stderr, `lloyd ${args.join(' ')}`).toBe('');
  expect(run.code).toBe(0);
  return run.stdout;
}

const readMatrix = (path: string) => parseNpy(readFileSync(path), path);

/**
 * The shell driver of docs/distributed.md, one process per shard per pass: every shard's pass
 * (in parallel), merge, plan; where the plan moves rows, every shard's relocation pass and their
 * merge; update. Strict (tol 0) until no label changes or the centres stop moving.
 */
async function drive(dir: string, shards: { file: string; first: number }[], n: number) {
  const total = String(n);
  let iteration = 0;
  let relocations = 0;
  let converged: string | false = false;
  while (iteration < 100 && !converged) {
    const c = `c${iteration}.npy`;
    const next = `c${iteration + 1}.npy`;
    await Promise.all(
      shards.map((s, i) =>
        ok(
          dir,
          'pass',
          s.file,
          '--centroids',
          c,
          '--first-row',
          String(s.first),
          '--total-rows',
          total,
          ...(iteration > 0 ? ['--labels-in', `l${i}-${iteration - 1}.npy`] : []),
          '--labels-out',
          `l${i}-${iteration}.npy`,
          '--out',
          `part${i}.bin`,
        ),
      ),
    );
    await ok(dir, 'merge', ...shards.map((_, i) => `part${i}.bin`), '--out', 'merged.bin');
    await ok(dir, 'plan', 'merged.bin', '--out', 'plan.json');
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    const relocated: string[] = [];
    if (plan.relocations.length > 0) {
      relocations += plan.relocations.length;
      await Promise.all(
        shards.map((s, i) =>
          ok(
            dir,
            'pass',
            s.file,
            '--relocate',
            'plan.json',
            '--labels-in',
            `l${i}-${iteration}.npy`,
            '--first-row',
            String(s.first),
            '--total-rows',
            total,
            '--out',
            `moved${i}.bin`,
          ),
        ),
      );
      // Merged in two groups, then together: the grouping does not change the bits.
      await ok(dir, 'merge', 'moved0.bin', 'moved2.bin', '--out', 'movedA.bin');
      await ok(dir, 'merge', 'moved3.bin', 'moved1.bin', '--out', 'movedB.bin');
      await ok(dir, 'merge', 'movedB.bin', 'movedA.bin', '--out', 'moved.bin');
      relocated.push('--relocated', 'moved.bin');
    }
    const report = JSON.parse(
      await ok(dir, 'update', 'merged.bin', '--centroids', c, ...relocated, '--out', next),
    );
    iteration++;
    converged = report.converged;
  }
  return { nIter: iteration, relocations, converged };
}

describe('a fit driven by lloyd pass / merge / plan / update over file shards', () => {
  it('is built', () => {
    expect(existsSync(bin), 'run npm run build first').toBe(true);
  });

  it('equals a single-process fit bit for bit, with a cluster emptied on the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-distributed-'));
    const n = 20_000;
    const d = 8;
    const { X } = makeBlobs({
      nSamples: n,
      nFeatures: d,
      centers: 6,
      clusterStd: 4,
      randomState: 3,
    });
    const blockRows = sumBlockRows(n);
    // Four shards of whole blocks, of unequal sizes; the last ends mid-block at the end.
    const firsts = [0, 3 * blockRows, 7 * blockRows, 12 * blockRows];
    const shards = firsts.map((first, i) => {
      const end = firsts[i + 1] ?? n;
      const file = `shard${i}.npy`;
      const rows = { data: X.data.slice(first * d, end * d), rows: end - first, cols: d };
      writeFileSync(join(dir, file), encodeNpy(rows));
      return { file, first };
    });
    // Rows 11 twice: the second centre is empty after the first pass and takes the farthest row.
    const initRows = [11, 11, 3333, 4444, 5555, 16666].map((r) =>
      Array.from(X.data.subarray(r * d, (r + 1) * d)),
    );
    writeFileSync(
      join(dir, 'c0.npy'),
      encodeNpy({ data: Float64Array.from(initRows.flat()), rows: 6, cols: d }),
    );

    const fit = await drive(dir, shards, n);
    expect(fit.relocations).toBeGreaterThan(0);
    expect(fit.converged).toBe('strict');

    const km = new KMeans({ nClusters: 6, init: initRows, nInit: 1, tol: 0, maxIter: 100 }).fit(X);
    expect(fit.nIter).toBe(km.nIter);
    const centres = readMatrix(join(dir, `c${fit.nIter}.npy`));
    expect(Array.from(centres.data)).toEqual(km.centroids.flat());
    // Strict: the labels are the last pass's.
    const labels = shards.flatMap((_, i) =>
      Array.from(readMatrix(join(dir, `l${i}-${fit.nIter - 1}.npy`)).data),
    );
    expect(labels).toEqual(Array.from(km.labels));

    // The final inertia: one more pass to the final centres; the distributed sum equals the
    // same sum over one shard holding every row (and a single fit's to within rounding).
    const last = `c${fit.nIter}.npy`;
    await Promise.all(
      shards.map((s, i) =>
        ok(
          dir,
          'pass',
          s.file,
          '--centroids',
          last,
          '--first-row',
          String(s.first),
          '--total-rows',
          String(n),
          '--distances-out',
          `distances${i}.npy`,
          '--out',
          `final${i}.bin`,
        ),
      ),
    );
    await ok(dir, 'merge', ...shards.map((_, i) => `final${i}.bin`), '--out', 'final.bin');
    const report = JSON.parse(
      await ok(dir, 'update', 'final.bin', '--centroids', last, '--out', 'unchanged.npy'),
    );
    const whole = partialPass(X, {
      centres: Float64Array.from(centres.data),
      k: 6,
      firstRow: 0,
      totalRows: n,
    });
    expect(report.inertia).toBe(distributedInertia(whole.partial));
    expect(report.inertia).toBeCloseTo(km.inertia, 6);
    expect(report.shift).toBe(0);

    // A single fit's inertia, bit for bit: lloyd inertia over the shards' distances in order,
    // each continuing from the carry the previous printed.
    let carry: { sum: number; compensation: number; inertia: number } | undefined;
    for (let i = 0; i < shards.length; i++) {
      const from = carry ? ['--carry', `${carry.sum},${carry.compensation}`] : [];
      carry = JSON.parse(await ok(dir, 'inertia', `distances${i}.npy`, ...from));
    }
    expect(carry?.inertia).toBe(km.inertia);
    const all = JSON.parse(await ok(dir, 'inertia', ...shards.map((_, i) => `distances${i}.npy`)));
    expect(all).toEqual(carry);
  }, 120_000);

  it('names the flag or file at fault', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-distributed-'));
    const X = makeBlobs({ nSamples: 1024, nFeatures: 2, randomState: 1 }).X;
    writeFileSync(join(dir, 'x.npy'), encodeNpy(X));
    writeFileSync(join(dir, 'c.npy'), encodeNpy({ data: X.data.slice(0, 6), rows: 3, cols: 2 }));
    const misaligned = await lloyd(
      dir,
      'pass',
      'x.npy',
      '--centroids',
      'c.npy',
      '--first-row',
      '5',
      '--total-rows',
      '2000',
    );
    expect(misaligned.code).toBe(1);
    expect(misaligned.stderr).toMatch(/^lloyd: error: --first-row: must be a multiple of 256 /);
    const missing = await lloyd(dir, 'pass', 'x.npy', '--first-row', '0', '--total-rows', '1000');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('give one of --centroids');
    await ok(
      dir,
      'pass',
      'x.npy',
      '--centroids',
      'c.npy',
      '--first-row',
      '0',
      '--total-rows',
      '2000',
      '--out',
      'half.bin',
    );
    const incomplete = await lloyd(
      dir,
      'update',
      'half.bin',
      '--centroids',
      'c.npy',
      '--out',
      'n.npy',
    );
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr).toMatch(/^lloyd: error: half\.bin: holds 4 of the 8 blocks/);
    const twice = await lloyd(dir, 'merge', 'half.bin', 'half.bin');
    expect(twice.stderr).toContain('is in half.bin and half.bin');
    expect(JSON.parse(await ok(dir, 'blocks', '--total-rows', '20000', '--shards', '4'))).toEqual({
      totalRows: 20000,
      blockRows: 1264,
      blocks: 16,
      firstRows: [0, 5056, 10112, 15168],
    });
    writeFileSync(join(dir, 'junk.bin'), 'not a partial '.repeat(8));
    const badCarry = await lloyd(dir, 'inertia', 'x.npy', '--carry', '1,x');
    expect(badCarry.code).toBe(2);
    expect(badCarry.stderr).toContain('--carry must be SUM,COMPENSATION');
    const notDistances = await lloyd(dir, 'inertia', 'x.npy');
    expect(notDistances.stderr).toMatch(/^lloyd: error: x\.npy: must be one column of distances/);
    const junk = await lloyd(dir, 'merge', 'junk.bin');
    expect(junk.stderr).toMatch(/^lloyd: error: junk\.bin: not a lloyd partial/);
  }, 60_000);
});

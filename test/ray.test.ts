import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../src/data/npy.js';
import { encodeNpy, makeBlobs } from '../src/index.js';
import { sumBlockRows } from '../src/kernels/blocks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');
// .ci/run makes this virtual environment with Ray and sets LLOYD_REQUIRE_RAY=1; elsewhere a
// missing one skips these tests, and says so.
const python = process.env.LLOYD_RAY_PYTHON ?? join(root, '.venv-ray/bin/python');
const haveRay = existsSync(python);
if (!haveRay) {
  if (process.env.LLOYD_REQUIRE_RAY === '1')
    throw new Error(`no Ray virtual environment at ${python} (.ci/run makes it)`);
  console.warn(`Ray tests skipped: no Python with Ray at ${python} (.ci/run makes .venv-ray)`);
}

/** Runs a command; resolves with its output, rejects with its standard error. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

const npyData = (path: string) => parseNpy(readFileSync(path), path).data;

interface RayFit {
  centroidsFile: string;
  labelsFiles: string[];
  nIter: number;
  converged: boolean;
  inertia: number;
  relocations: number;
  predictEqualsLabels: boolean;
  killed: string;
}

describe.skipIf(!haveRay)('lloyd_ray on a local Ray instance', () => {
  it('fits 4 NPY shards as one lloyd fit does, bit for bit, with a pass killed too', async () => {
    expect(existsSync(bin), 'run npm run build first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'lloyd-ray-'));
    const n = 20_000;
    const d = 8;
    const k = 6;
    const { X } = makeBlobs({
      nSamples: n,
      nFeatures: d,
      centers: k,
      clusterStd: 4,
      randomState: 5,
    });
    writeFileSync(join(dir, 'whole.npy'), encodeNpy(X));
    const blockRows = sumBlockRows(n);
    const shardFiles = (firsts: number[], name: string) =>
      firsts.map((first, i) => {
        const end = firsts[i + 1] ?? n;
        const file = join(dir, `${name}${i}.npy`);
        const rows = { data: X.data.slice(first * d, end * d), rows: end - first, cols: d };
        writeFileSync(file, encodeNpy(rows));
        return file;
      });
    // Four shards of whole blocks, of unequal sizes; the last ends mid-block at the end.
    const shards = shardFiles([0, 3 * blockRows, 7 * blockRows, 12 * blockRows], 'shard');
    const misaligned = shardFiles([0, 5000], 'misaligned');
    // Row 11 twice: the second centre empties on the first pass and takes the farthest row.
    const initRows = [11, 11, 3333, 4444, 5555, 16666].flatMap((r) =>
      Array.from(X.data.subarray(r * d, (r + 1) * d)),
    );
    const init = join(dir, 'c0.npy');
    writeFileSync(init, encodeNpy({ data: Float64Array.from(initRows), rows: k, cols: d }));
    const fits = [
      { name: 'strict', init, maxIter: 300, kill: false },
      { name: 'capped', init, maxIter: 3, kill: true },
    ];
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ shards, k, fits, misaligned }));
    const env = {
      ...process.env,
      LLOYD_BIN: `${process.execPath} ${bin}`,
      PYTHONPATH: join(root, 'integrations/ray'),
    };
    const script = join(root, 'integrations/ray/tests/check_ray_fit.py');
    await run(python, [script, join(dir, 'config.json'), join(dir, 'out.json')], env);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {
      fits: Record<string, RayFit>;
      misaligned: string;
      initShape: string;
      dtype: string;
      notNpy: string;
      maxIter: string;
    };

    for (const { name, maxIter } of fits) {
      const ray = out.fits[name];
      const single = JSON.parse(
        await run(process.execPath, [
          bin,
          'fit',
          join(dir, 'whole.npy'),
          '-k',
          String(k),
          '--init',
          init,
          '--tol',
          '0',
          '--max-iter',
          String(maxIter),
          '--labels-out',
          join(dir, `${name}-labels.npy`),
          '--centroids-out',
          join(dir, `${name}-centres.npy`),
          '--json',
        ]),
      );
      expect(ray.nIter, name).toBe(single.nIter);
      expect(ray.converged, name).toBe(single.converged);
      expect(readFileSync(ray.centroidsFile), name).toEqual(
        readFileSync(join(dir, `${name}-centres.npy`)),
      );
      const labels = ray.labelsFiles.flatMap((file) => Array.from(npyData(file)));
      expect(labels, name).toEqual(Array.from(npyData(join(dir, `${name}-labels.npy`))));
      expect(ray.predictEqualsLabels, name).toBe(true);
      expect(ray.inertia, name).toBe(single.inertia);
    }
    expect(out.fits.strict.converged).toBe(true);
    expect(out.fits.strict.relocations).toBeGreaterThan(0);
    expect(out.fits.strict.killed).toBe('');
    expect(out.fits.capped.converged).toBe(false);
    // A pass's node process was killed mid-pass, Ray ran the task again, and the fit is unchanged.
    expect(out.fits.capped.killed).toMatch(/^killed pass /);
    expect(out.misaligned).toMatch(
      new RegExp(
        `^shards: .*misaligned0\\.npy holds 5000 rows; every shard but the last must hold a multiple of ${blockRows} `,
      ),
    );
    expect(out.initShape).toBe(`init: must be k x d = 7 x ${d} centres; got 6 x ${d}`);
    expect(out.dtype).toBe("dtype: must be one of float64, float32; got 'int8'");
    expect(out.notNpy).toBe("shards: 'rows.csv' is not an .npy file (lloyd's passes read NPY)");
    expect(out.maxIter).toBe('max_iter: must be a whole number >= 1; got 0');
  }, 300_000);
});

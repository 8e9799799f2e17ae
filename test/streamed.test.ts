import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeNpy,
  KMeans,
  loadFile,
  type Matrix,
  makeBlobs,
  openRows,
  ValidationError,
  wasmSimdSupported,
} from '../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'lloyd-streamed-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function blobs(rows: number, cols: number, dtype: 'float32' | 'float64', seed: number): Matrix {
  return makeBlobs({ nSamples: rows, nFeatures: cols, centers: 6, randomState: seed, dtype }).X;
}

/** An IDX file of unsigned bytes, rows x cols. */
function idxBytes(rows: number, cols: number, value: (v: number) => number): Uint8Array {
  const out = new Uint8Array(4 + 8 + rows * cols);
  out.set([0, 0, 0x08, 2]);
  const view = new DataView(out.buffer);
  view.setUint32(4, rows);
  view.setUint32(8, cols);
  for (let v = 0; v < rows * cols; v++) out[12 + v] = value(v);
  return out;
}

describe.runIf(wasmSimdSupported())('fits that read a file pass by pass', () => {
  it.each([
    ['float32', 'euclidean', 1],
    ['float64', 'euclidean', 2],
    ['float32', 'cosine', 2],
  ] as const)(
    'an NPY file (%s, %s, %i thread(s)): the in-memory fit, bit for bit',
    async (dtype, metric, threads) => {
      const X = blobs(40_011, 5, dtype, 7);
      const path = join(folder, `blobs-${dtype}-${metric}.npy`);
      writeFileSync(path, encodeNpy(X));
      const options = { nClusters: 9, dtype, metric, threads, randomState: 3, tol: 1e-6 } as const;
      // A fit over rows read pass by pass starts from k-means|| unless told otherwise.
      const inMemory = new KMeans({ ...options, init: 'k-means||' }).fit(X);
      const rows = await openRows(path);
      expect([rows.rows, rows.cols]).toEqual([X.rows, X.cols]);
      const streamed = new KMeans(options).fit(rows);
      expect(Array.from(streamed.labels)).toEqual(Array.from(inMemory.labels));
      expect(streamed.centroids).toEqual(inMemory.centroids);
      expect(streamed.inertia).toBe(inMemory.inertia);
      expect(streamed.nIter).toBe(inMemory.nIter);
      expect(Array.from(streamed.predict(rows))).toEqual(Array.from(inMemory.predict(X)));
      expect(streamed.score(rows)).toBe(inMemory.score(X));
    },
  );

  it('an IDX file of bytes, gzipped, scaled to [0, 1]: the fit of the file loaded whole', async () => {
    const bytes = idxBytes(3_001, 49, (v) => (v * 2654435761) % 251);
    const path = join(folder, 'pixels-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(bytes));
    const whole = await loadFile(path, { dtype: 'float32' });
    const X = whole.X;
    // loadFile keeps IDX bytes as they are: scale them as openRows' `scale` does.
    for (let v = 0; v < X.data.length; v++) X.data[v] *= 1 / 255;
    const options = { nClusters: 5, dtype: 'float32', randomState: 1, init: 'random' } as const;
    const rows = await openRows(path, { scale: true, tempDir: folder });
    const copy = rows.layout.readPath;
    expect(copy).not.toBe(path);
    expect(existsSync(copy)).toBe(true);
    const streamed = new KMeans(options).fit(rows);
    const inMemory = new KMeans(options).fit(X);
    expect(Array.from(streamed.labels)).toEqual(Array.from(inMemory.labels));
    expect(streamed.inertia).toBe(inMemory.inertia);
    rows.close();
    expect(existsSync(copy)).toBe(false);
  });

  it('fitAsync reads the file in its worker: the same model as fit', async () => {
    const X = blobs(30_001, 4, 'float32', 13);
    const path = join(folder, 'async.npy');
    writeFileSync(path, encodeNpy(X));
    // The built package: fitAsync's worker is a file of it (dist/kmeans/fit-worker.js).
    const built = await import('../dist/index.js');
    const rows = await built.openRows(path);
    const options = { nClusters: 7, randomState: 6, dtype: 'float32', init: 'k-means++' } as const;
    const sync = new built.KMeans(options).fit(rows);
    const async = await new built.KMeans(options).fitAsync(rows);
    expect(Array.from(async.labels)).toEqual(Array.from(sync.labels));
    expect(async.centroids).toEqual(sync.centroids);
    expect(async.inertia).toBe(sync.inertia);
    await expect(new built.KMeans(options).fitAsync(built.matrixRows(X))).rejects.toThrow(
      /a RowSource crosses only as a file opened by openRows/,
    );
  });

  it('a file cut short, or changed while read, is an error naming it and the row', async () => {
    const X = blobs(5_000, 4, 'float64', 2);
    const bytes = encodeNpy(X);
    const path = join(folder, 'cut.npy');
    writeFileSync(path, bytes.subarray(0, bytes.length - 4 * 8 * 10));
    await expect(openRows(path)).rejects.toThrow(/cut\.npy: .*cut short at row 4990/);
    writeFileSync(path, bytes);
    const rows = await openRows(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));
    expect(() => new KMeans({ nClusters: 3, randomState: 1 }).fit(rows)).toThrow(
      /cut\.npy: changed size while it was being read/,
    );
  });

  it('a value that is not finite in the file is named by its row', async () => {
    const X = blobs(70_000, 4, 'float64', 5);
    X.data[66_123 * 4 + 1] = Number.POSITIVE_INFINITY;
    const path = join(folder, 'inf.npy');
    writeFileSync(path, encodeNpy(X));
    const rows = await openRows(path);
    const km = new KMeans({ nClusters: 3, randomState: 1 });
    expect(() => km.fit(rows)).toThrow(/inf\.npy.*row 66123, column 1 is Infinity/);
    expect(km.isFitted).toBe(false);
  });

  it("what reads rows of X itself, or can't stream, is a clear error before any work", async () => {
    const X = blobs(1_000, 3, 'float64', 1);
    const path = join(folder, 'small.npy');
    writeFileSync(path, encodeNpy(X));
    const rows = await openRows(path);
    const fails = (options: ConstructorParameters<typeof KMeans>[0], pattern: RegExp) => {
      const error = (() => {
        try {
          new KMeans(options).fit(rows);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(pattern);
    };
    fails({ nClusters: 3, metric: 'manhattan' }, /metric.*small\.npy whole/);
    fails({ nClusters: 3, backend: 'reference' }, /backend.*cannot read X pass by pass/);
    fails({ nClusters: 3, init: () => [[0, 0, 0]] }, /init.*pass by pass/);
    fails({ nClusters: 1_001 }, /nClusters.*1000/);
    const fitted = new KMeans({ nClusters: 3, randomState: 1 }).fit(blobs(100, 2, 'float64', 1));
    expect(() => fitted.predict(rows)).toThrow(
      /small\.npy has 3 columns; the model was fitted on 2/,
    );
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });
});

describe.runIf(wasmSimdSupported())('lloyd fit --stream and predict --stream', () => {
  it('fits and predicts an NPY file pass by pass: the loaded fit, labels written as NPY or CSV', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    const bin = join(__dirname, '..', 'dist', 'cli', 'bin.js');
    const X = blobs(6_000, 3, 'float64', 9);
    const path = join(folder, 'cli.npy');
    writeFileSync(path, encodeNpy(X));
    const common = ['-k', '4', '--seed', '2', '--init', 'k-means++', '--json'];
    const loaded = await run(process.execPath, [bin, 'fit', path, ...common]);
    const labelsNpy = join(folder, 'labels.npy');
    const model = join(folder, 'model.json');
    const streamed = await run(process.execPath, [
      bin,
      'fit',
      path,
      '--stream',
      ...common,
      '--labels-out',
      labelsNpy,
      '--model-out',
      model,
      '--verbose',
    ]);
    const a = JSON.parse(loaded.stdout);
    const b = JSON.parse(streamed.stdout);
    expect(b.labels).toBeUndefined();
    expect(b.centroids).toEqual(a.centroids);
    expect(b.inertia).toBe(a.inertia);
    expect(b.nIter).toBe(a.nIter);
    expect(streamed.stderr).toMatch(/iteration 1\/\d+ .*rows\/s {2}ETA ≤ \d+s/);
    // An NPY file of int32 labels: numpy's '<i4', the labels' own bytes.
    const bytes = readFileSync(labelsNpy);
    const npyHeaderLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
    expect(bytes.subarray(10, 10 + npyHeaderLength).toString('latin1')).toMatch(/'<i4'.*\(6000,\)/);
    const written = new Int32Array(bytes.buffer.slice(bytes.byteOffset + 10 + npyHeaderLength));
    expect(Array.from(written)).toEqual(a.labels);
    const predicted = await run(process.execPath, [
      bin,
      'predict',
      '--model',
      model,
      path,
      '--stream',
      '--labels-out',
      join(folder, 'predicted.csv'),
    ]);
    expect(predicted.stdout).toMatch(/wrote 6000 labels/);
    const csv = readFileSync(join(folder, 'predicted.csv'), 'utf8').trim().split('\n').map(Number);
    expect(csv).toEqual(a.labels);
  });
});

describe.runIf(wasmSimdSupported())('a CSV file read pass by pass', () => {
  it('with a header and a label column: the fit of the file loaded whole, bit for bit', async () => {
    const X = blobs(20_003, 4, 'float64', 12);
    const lines = ['a,b,kind,c,d'];
    for (let i = 0; i < X.rows; i++) {
      const row = Array.from(X.data.subarray(i * 4, i * 4 + 4), String);
      lines.push([row[0], row[1], i % 3 === 0 ? 'x' : 'y', row[2], row[3]].join(','));
    }
    const path = join(folder, 'rows.csv.gz');
    writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
    const whole = await loadFile(path, { labelColumn: 'kind' });
    const rows = await openRows(path, { labelColumn: 'kind', tempDir: folder });
    expect([rows.rows, rows.cols]).toEqual([20_003, 4]);
    const options = { nClusters: 6, randomState: 4, init: 'k-means++' } as const;
    const a = new KMeans(options).fit(whole.X);
    const b = new KMeans(options).fit(rows);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    rows.close();
    writeFileSync(join(folder, 'bad.csv'), 'a,b\n1,2\n3,oops\n');
    await expect(openRows(join(folder, 'bad.csv'))).rejects.toThrow(/bad\.csv, line 3: column 2/);
  });
});

describe.runIf(wasmSimdSupported())('chunks of rows from an async iterable', () => {
  it('are written once as they come: the fit of the rows held whole; a chunk of another width is named', async () => {
    const X = blobs(12_345, 3, 'float64', 21);
    async function* chunks() {
      for (let start = 0; start < X.rows; start += 1_000) {
        const end = Math.min(X.rows, start + 1_000);
        yield { data: X.data.slice(start * 3, end * 3), rows: end - start, cols: 3 };
      }
    }
    const rows = await openRows(chunks(), { tempDir: folder });
    const options = { nClusters: 5, randomState: 8, dtype: 'float32', init: 'random' } as const;
    const a = new KMeans(options).fit(X);
    const b = new KMeans(options).fit(rows);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    rows.close();
    async function* ragged() {
      yield [[1, 2, 3]];
      yield [[1, 2]];
    }
    await expect(openRows(ragged(), { tempDir: folder })).rejects.toThrow(
      /chunk at row 1: must have 3 columns; got 2/,
    );
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DATASETS,
  type DType,
  encodeNpy,
  idxToMatrix,
  loadDataset,
  loadFile,
  type Matrix,
  makeBlobs,
  parseIdx,
  parseNpy,
  readCsv,
  readIdx,
  writeCentroids,
  writeLabels,
} from '../src/index.js';

const dir = fileURLToPath(new URL('./fixtures/data/', import.meta.url));
const at = (name: string) => join(dir, name);

describe('CSV / TSV', () => {
  it('detects the header, keeps the label column apart', async () => {
    const t = await readCsv(at('good.csv'), { labelColumn: 'label' });
    expect(Array.from(t.X.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect([t.X.rows, t.X.cols]).toEqual([3, 2]);
    expect(t.columnNames).toEqual(['a', 'b']);
    expect(t.labels).toEqual(['x', 'y', 'x']);
  });

  it('chooses columns by name or index, reads .gz and .tsv', async () => {
    expect(
      Array.from((await readCsv(at('good.csv.gz'), { columns: ['b'], labelColumn: 2 })).X.data),
    ).toEqual([2, 4, 6]);
    const tsv = await loadFile(at('plain.tsv'));
    expect(Array.from(tsv.X.data)).toEqual([1, 2, 3, 4]);
    expect(tsv.columnNames).toEqual(['0', '1']);
  });

  it('rejects non-numeric, missing and ragged values naming file, line and column', async () => {
    await expect(readCsv(at('good.csv'))).rejects.toThrow(
      /good\.csv, line 2: column 3 \(label\) is "x", not a finite number/,
    );
    await expect(readCsv(at('bad-value.csv'))).rejects.toThrow(
      /bad-value\.csv, line 3: column 2 \(b\) is "oops", not a finite number/,
    );
    await expect(readCsv(at('missing.csv'))).rejects.toThrow(
      /missing\.csv, line 3: column 1 \(a\) is empty/,
    );
    await expect(readCsv(at('ragged.csv'))).rejects.toThrow(
      /ragged\.csv, line 3: has 1 fields; the first line has 2/,
    );
    await expect(readCsv(at('good.csv'), { columns: ['nope'] })).rejects.toThrow(
      /no column "nope"/,
    );
    await expect(readCsv(at('absent.csv'))).rejects.toThrow(
      /absent\.csv: cannot be read \(ENOENT\)/,
    );
  });

  it('streams a large file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lloyd-'));
    const rows = 200_000;
    const lines = ['x,y'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${i * 0.5}`);
    writeFileSync(join(tmp, 'big.csv'), lines.join('\n'));
    const t = await readCsv(join(tmp, 'big.csv'));
    expect(t.X.rows).toBe(rows);
    expect(t.X.data[2 * (rows - 1) + 1]).toBe((rows - 1) * 0.5);
  });

  it('a line longer than the record limit is one error naming the file and line, not a V8 abort', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lloyd-'));
    const path = join(tmp, 'long.csv');
    writeFileSync(path, `a,b\n1,2\n1${'0'.repeat(300)},3\n4,5\n`);
    await expect(readCsv(path, { maxRecordSize: 100 })).rejects.toThrow(
      /^file: .*long\.csv, line 3: longer than 100 characters \(the most one record may hold; is this a CSV file\?\)$/,
    );
    expect((await readCsv(path, { maxRecordSize: 1000 })).X.data[2]).toBe(1e300);
    // A long bad field is shown cut short.
    writeFileSync(path, `a,b\n${'x'.repeat(300)},3\n`);
    await expect(readCsv(path)).rejects.toThrow(
      /line 2: column 1 \(a\) is "x{40}…" \(300 characters\), not a finite number\. Leave text out/,
    );
    // The default limit: 64 MiB a record, far above real rows and far below V8's string limit.
    const { DEFAULT_MAX_RECORD_SIZE } = await import('../src/data/table.js');
    expect(DEFAULT_MAX_RECORD_SIZE).toBe(64 * 1024 * 1024);
  });
});

describe('NPY', () => {
  it('reads float64, float32, integer and big-endian arrays written by NumPy', async () => {
    const expected = [1.5, -2, 3.25, 4, 5.5, -6.75];
    expect(Array.from((await loadFile(at('f8.npy'))).X.data)).toEqual(expected);
    expect(Array.from((await loadFile(at('f4.npy'))).X.data)).toEqual(expected);
    expect(Array.from((await loadFile(at('i4.npy'))).X.data)).toEqual([1, -2, 3, 4, 5, -6]);
    expect(Array.from((await loadFile(at('u1.npy'))).X.data)).toEqual([0, 255, 7, 1, 2, 3]);
    expect(Array.from((await loadFile(at('i8-big-endian.npy'))).X.data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    const vector = (await loadFile(at('vector.npy'))).X;
    expect([vector.rows, vector.cols]).toEqual([3, 1]);
  });

  it('rejects Fortran order and unsupported dtypes clearly', async () => {
    await expect(loadFile(at('fortran.npy'))).rejects.toThrow(
      /Fortran-ordered arrays are not supported/,
    );
    await expect(loadFile(at('complex.npy'))).rejects.toThrow(/dtype '<c16' is not supported/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3]))).toThrow(/not an NPY file/);
  });

  it('round-trips what it writes', () => {
    const m = { data: new Float64Array([1, 2.5, -3, 4]), rows: 2, cols: 2 };
    expect(parseNpy(encodeNpy(m))).toEqual(m);
    const f = { data: new Float32Array([1, 2.5]), rows: 1, cols: 2 };
    expect(Array.from(parseNpy(encodeNpy(f)).data)).toEqual([1, 2.5]);
  });
});

describe('IDX and JSON', () => {
  it('reads IDX plain or gzipped, flattening images, optionally scaled', async () => {
    const plain = await readIdx(at('images.idx'));
    expect([plain.rows, plain.cols]).toEqual([2, 9]);
    expect(plain.data[17]).toBe(170);
    const scaled = await readIdx(at('images.idx.gz'), { scale: true });
    expect(scaled.data[17]).toBeCloseTo(170 / 255, 12);
    await expect(readIdx(at('truncated.idx'))).rejects.toThrow(/expected 18 values \(2 x 3 x 3\)/);
    await expect(readIdx(at('good.csv'))).rejects.toThrow(/not an IDX file/);
  });

  it('reads unsigned and signed bytes (views of the file, which stays as it was)', () => {
    const unsigned = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 255, 1, 0]);
    expect(Array.from(parseIdx(unsigned).data)).toEqual([255, 1, 0]);
    const signed = new Uint8Array([0, 0, 9, 2, 0, 0, 0, 1, 0, 0, 0, 3, 255, 1, 128]);
    const idx = parseIdx(signed);
    expect(idx.dims).toEqual([1, 3]);
    expect(Array.from(idx.data)).toEqual([-1, 1, -128]);
    expect(Array.from(idxToMatrix(idx, { dtype: 'float32' }).data)).toEqual([-1, 1, -128]);
    expect(Array.from(signed.subarray(12))).toEqual([255, 1, 128]);
  });

  it('fills the matrix an allocate option makes, and rejects one of another shape or type', () => {
    const zerosMatrix = (rows: number, cols: number, dtype: DType): Matrix => ({
      data: dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols),
      rows,
      cols,
    });
    const matrix = { data: Float64Array.of(1, 2, 3, 4), rows: 2, cols: 2 };
    const made: string[] = [];
    const allocate = (rows: number, cols: number, dtype: DType) => {
      made.push(`${rows}x${cols} ${dtype}`);
      return zerosMatrix(rows, cols, dtype);
    };
    expect(parseNpy(encodeNpy(matrix), 'm.npy', 'float32', allocate).data).toEqual(
      Float32Array.of(1, 2, 3, 4),
    );
    expect(made).toEqual(['2x2 float32']);
    const wrongType = () => zerosMatrix(2, 2, 'float64');
    expect(() => parseNpy(encodeNpy(matrix), 'm.npy', 'float32', wrongType)).toThrow(
      /^allocate: must return a zeroed 2 x 2 float32 Matrix; got 2 x 2 Float64Array \(4 values\)$/,
    );
    const wrongShape = () => zerosMatrix(1, 4, 'float64');
    expect(() => makeBlobs({ nSamples: 2, nFeatures: 2, allocate: wrongShape })).toThrow(
      /allocate: must return a zeroed 2 x 2 float64 Matrix; got 1 x 4/,
    );
    expect(() => makeBlobs({ dtype: 'int8' as DType })).toThrow(
      /^dtype: must be 'float64' or 'float32'; got "int8"$/,
    );
  });

  it('reads a JSON array of rows', async () => {
    expect(Array.from((await loadFile(at('rows.json'))).X.data)).toEqual([1, 2, 3, 4]);
  });
});

describe('writers', () => {
  it('write labels and centroids atomically, leaving no temporary files', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lloyd-'));
    await writeLabels(join(tmp, 'labels.csv'), Int32Array.from([0, 2, 1]));
    expect(readFileSync(join(tmp, 'labels.csv'), 'utf8')).toBe('0\n2\n1\n');
    await writeLabels(join(tmp, 'ids.csv'), [1, 0], ['a', 'b']);
    expect(readFileSync(join(tmp, 'ids.csv'), 'utf8')).toBe('id,label\na,1\nb,0\n');
    await writeCentroids(join(tmp, 'c.csv'), [
      [1.5, 2],
      [3, 4],
    ]);
    expect(readFileSync(join(tmp, 'c.csv'), 'utf8')).toBe('1.5,2\n3,4\n');
    await writeCentroids(join(tmp, 'c.npy'), [
      [1.5, 2],
      [3, 4],
    ]);
    expect(Array.from(parseNpy(readFileSync(join(tmp, 'c.npy'))).data)).toEqual([1.5, 2, 3, 4]);
    await expect(writeLabels(join(tmp, 'missing-dir', 'x.csv'), [1])).rejects.toThrow(
      /cannot be written \(ENOENT\)/,
    );
  });
});

describe('bundled datasets', () => {
  it('iris: 150 x 4 with three species', async () => {
    const iris = await loadDataset('iris');
    expect([iris.X.rows, iris.X.cols]).toEqual([150, 4]);
    expect(iris.targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(iris.X.data.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.y?.filter((v) => v === 2).length).toBe(50);
  });

  it('digits and mnist: images with labels, mnist scaled to [0, 1]', async () => {
    const digits = await loadDataset('digits');
    expect([digits.X.rows, digits.X.cols, Math.max(...digits.X.data)]).toEqual([1797, 64, 16]);
    expect(digits.imageShape).toEqual([8, 8]);
    const mnist = await loadDataset('mnist');
    expect([mnist.X.rows, mnist.X.cols]).toEqual([10000, 784]);
    expect(mnist.X.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(new Set(mnist.y).size).toBe(10);
  });

  it('blobs takes its parameters; unknown names and a missing fashion-mnist are clear errors', async () => {
    const blobs = await loadDataset('blobs?n=20&d=3&centers=4&seed=2');
    expect([blobs.X.rows, blobs.X.cols, new Set(blobs.y).size]).toEqual([20, 3, 4]);
    await expect(loadDataset('blobs?n=abc')).rejects.toThrow(/blobs: n="abc" is not a number/);
    await expect(loadDataset('nope')).rejects.toThrow(
      /unknown dataset "nope"; bundled: iris, digits, mnist, fashion-mnist, blobs/,
    );
    await expect(loadDataset('fashion-mnist', { fashionMnistDir: '/nonexistent' })).rejects.toThrow(
      /apt-get install dataset-fashion-mnist/,
    );
    expect(DATASETS.map((d) => d.name)).toContain('mnist');
  });
});

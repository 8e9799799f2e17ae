import { describe, expect, it } from 'vitest';
import { dropColumns, idLikeColumns } from '../src/data/id-columns.js';
import { MinMaxScaler, Scaler, StandardScaler } from '../src/index.js';

const X = [
  [1, 10, -2],
  [2, 10, 0],
  [3, 10, 2],
  [6, 10, 4],
];

describe('StandardScaler and MinMaxScaler', () => {
  it('standardize: the population mean and deviation; a constant column keeps scale 1', () => {
    const scaler = new StandardScaler().fit(X);
    expect(scaler.offset).toEqual([3, 10, 1]);
    expect(scaler.scale).toEqual([Math.sqrt(3.5), 1, Math.sqrt(5)]);
    const scaled = scaler.transform(X);
    expect(Array.from(scaled.data.subarray(0, 3))).toEqual([
      -2 / Math.sqrt(3.5),
      0,
      -3 / Math.sqrt(5),
    ]);
    const back = scaler.inverseTransform(scaled);
    for (let at = 0; at < 12; at++)
      expect(back.data[at]).toBeCloseTo(X[Math.floor(at / 3)][at % 3], 12);
  });

  it('minmax: each column to [0, 1]', () => {
    const scaler = new MinMaxScaler();
    const scaled = scaler.fitTransform(X);
    expect(scaler.offset).toEqual([1, 10, -2]);
    expect(scaler.scale).toEqual([5, 1, 6]);
    expect(Array.from(scaled.data)).toEqual([0, 0, 0, 0.2, 0, 1 / 3, 0.4, 0, 2 / 3, 1, 0, 1]);
  });

  it('never changes the caller data, and round-trips through JSON', () => {
    const copy = X.map((row) => [...row]);
    const scaler = new StandardScaler().fit(X);
    scaler.transform(X);
    expect(X).toEqual(copy);
    const loaded = Scaler.fromJSON(JSON.stringify(scaler.toJSON()));
    expect(loaded.scaling).toBe('standardize');
    expect(loaded.transform(X).data).toEqual(scaler.transform(X).data);
  });

  it('bad input: unfitted, wrong width, bad JSON and unknown scalings', () => {
    expect(() => new StandardScaler().transform(X)).toThrow(/transform needs a fitted model/);
    expect(() => new StandardScaler().fit(X).transform([[1, 2]])).toThrow(
      /X: must have 3 columns; got 2/,
    );
    expect(() => new StandardScaler().fit([[1, Number.NaN]])).toThrow(/X/);
    expect(() => Scaler.fromJSON({ scaling: 'standardize', offset: [0], scale: [0] })).toThrow(
      /json: not a lloyd scaler: scale must be a non-empty array of finite numbers > 0/,
    );
    expect(() => Scaler.fromJSON({ scaling: 'robust', offset: [0], scale: [1] })).toThrow(
      /scaling must be one of standardize, minmax; got "robust"/,
    );
    expect(() => new Scaler('robust' as 'minmax')).toThrow(
      /scaling: must be one of standardize, minmax/,
    );
  });
});

describe('id-like columns', () => {
  const m = (rows: number[][]) => ({
    data: Float64Array.from(rows.flat()),
    rows: rows.length,
    cols: rows[0].length,
  });

  it('finds whole numbers strictly increasing or decreasing, over three rows or more', () => {
    expect(
      idLikeColumns(
        m([
          [1, 5, 9, 1.5],
          [2, 5, 7, 2.5],
          [7, 4, 3, 3.5],
        ]),
      ),
    ).toEqual([0, 2]);
    expect(
      idLikeColumns(
        m([
          [1, 0],
          [2, 0],
        ]),
      ),
    ).toEqual([]);
    expect(
      idLikeColumns(
        m([
          [1, 0],
          [1, 1],
          [2, 2],
        ]),
      ),
    ).toEqual([1]);
  });

  it('dropColumns copies the rest, names and all, leaving the input alone', () => {
    const X = m([
      [1, 5, 9],
      [2, 6, 7],
    ]);
    const out = dropColumns({ X, columnNames: ['id', 'a', 'b'] }, [0]);
    expect(Array.from(out.X.data)).toEqual([5, 9, 6, 7]);
    expect(out.columnNames).toEqual(['a', 'b']);
    expect(Array.from(X.data)).toEqual([1, 5, 9, 2, 6, 7]);
  });
});

import { describe, expect, it } from 'vitest';
import { KMeans, NotFittedError, ValidationError } from '../src/index.js';
import { TOY_X } from './helpers/fixtures.js';

const X = TOY_X;

function errorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('bad input gets a clear error naming the parameter', () => {
  const fitError = (data: unknown, options: object = {}, sampleWeight?: unknown) =>
    errorOf(() =>
      new KMeans({ nClusters: 2, randomState: 0, ...options }).fit(data as number[][], {
        sampleWeight: sampleWeight as number[],
      }),
    );

  it('empty X', () => {
    expect(fitError([]).message).toMatch(
      /^X: must have at least one row and one column; got 0 x 0/,
    );
    expect(fitError([[], []]).parameter).toBe('X');
  });

  /** A 40,000 x 13 matrix (large enough for two threads) of finite values. */
  const largeFiniteMatrix = () => {
    const rows = 40_000;
    const cols = 13;
    const data = new Float64Array(rows * cols).map((_, i) => (i % 97) / 7);
    return { data, rows, cols };
  };

  it.each(['float64', 'float32'] as const)(
    'a non-finite value deep in a large matrix, found by the backend pass on every thread (%s)',
    (dtype) => {
      const matrix = largeFiniteMatrix();
      matrix.data[31_111 * matrix.cols + 12] = Number.NEGATIVE_INFINITY;
      const error = fitError(matrix, { dtype, threads: 2 });
      expect(error.message, dtype).toBe(
        'X: row 31111, column 12 is -Infinity; every value must be a finite number',
      );
    },
  );

  it('a float64 value too large for float32 is caught after conversion to float32', () => {
    const matrix = largeFiniteMatrix();
    matrix.data[31_111 * matrix.cols + 12] = 1e39;
    const converted = fitError(matrix, { dtype: 'float32', threads: 2 });
    expect(converted.message).toMatch(/row 31111, column 12 is Infinity/);
  });

  it('ragged rows', () => {
    expect(fitError([[1, 2], [3]]).message).toMatch(
      /X: rows must all have the same length: row 0 has 2 values, row 1 has 1/,
    );
  });

  it('NaN or Infinity, naming the row and column', () => {
    expect(
      fitError([
        [1, 2],
        [3, Number.NaN],
        [4, 5],
      ]).message,
    ).toMatch(/X: row 1, column 1 is NaN/);
    expect(
      fitError([
        [1, 2],
        [3, 4],
        [Number.POSITIVE_INFINITY, 5],
      ]).message,
    ).toMatch(/X: row 2, column 0 is Infinity/);
    expect(
      fitError({ data: new Float64Array([1, 2, 3, Number.NEGATIVE_INFINITY]), rows: 2, cols: 2 })
        .message,
    ).toMatch(/row 1, column 1 is -Infinity/);
  });

  it('values that are not numbers', () => {
    expect(
      fitError([
        [1, '2'],
        [3, 4],
      ]).message,
    ).toMatch(/X: row 0, column 1 is "2"/);
    expect(fitError('not data').parameter).toBe('X');
    expect(fitError([[1], 2, 3]).message).toMatch(/row 1 is not an array/);
    expect(fitError([1, [2], 3]).message).toBe(
      'X: row 1 is an array of length 1; a 1-D X holds one finite number per row (or pass rows of numbers)',
    );
    expect(fitError([1, 2, Number.NaN]).message).toBe(
      'X: row 2, column 0 is NaN; every value must be a finite number',
    );
    expect(fitError(new BigInt64Array(3)).parameter).toBe('X');
  });

  it('a Matrix whose data does not match its shape', () => {
    expect(fitError({ data: new Float64Array(5), rows: 2, cols: 3 }).message).toMatch(
      /data has 5 values but rows x cols = 2 x 3 = 6/,
    );
  });

  it('nClusters not a positive integer, or larger than the number of rows', () => {
    for (const bad of [0, -1, 2.5, Number.NaN, '3', null]) {
      const error = errorOf(() => new KMeans({ nClusters: bad as number }));
      expect(error.parameter).toBe('nClusters');
      expect(error.message).toMatch(/must be a positive integer; got/);
    }
    expect(fitError(X, { nClusters: 7 }).message).toBe(
      'nClusters: must be at most the number of rows of X (6); got 7',
    );
  });

  it('init array of the wrong shape, or with bad values', () => {
    expect(fitError(X, { init: [[1, 2]] }).message).toBe('init: must have 2 rows; got 1');
    expect(
      fitError(X, {
        init: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }).message,
    ).toBe('init: must have 2 columns; got 3');
    expect(
      fitError(X, {
        init: [
          [1, 2],
          [4, Number.NaN],
        ],
      }).message,
    ).toMatch(/init: row 1, column 1 is NaN/);
    expect(fitError(X, { init: () => [[1, 2]] }).message).toBe('init: must have 2 rows; got 1');
  });

  it('unknown init, metric or option', () => {
    expect(errorOf(() => new KMeans({ init: 'kmeans++' as 'random' })).message).toMatch(
      /init: unknown init "kmeans\+\+"; use 'k-means\+\+', 'k-means\|\|', 'random'/,
    );
    expect(errorOf(() => new KMeans({ metric: 'chebyshev' as 'cosine' })).message).toBe(
      'metric: unknown metric "chebyshev"; use one of euclidean, manhattan, cosine',
    );
    expect(errorOf(() => new KMeans({ nClusterz: 3 } as object)).parameter).toBe('nClusterz');
  });

  it('other options out of range', () => {
    expect(errorOf(() => new KMeans({ nInit: 0 })).parameter).toBe('nInit');
    expect(errorOf(() => new KMeans({ maxIter: 1.5 })).parameter).toBe('maxIter');
    expect(errorOf(() => new KMeans({ tol: -1 })).message).toBe(
      'tol: must be a finite number >= 0; got -1',
    );
    expect(errorOf(() => new KMeans({ randomState: 1.5 })).parameter).toBe('randomState');
    expect(errorOf(() => new KMeans({ dtype: 'int8' as 'float32' })).parameter).toBe('dtype');
    expect(errorOf(() => new KMeans({ onIteration: 3 as unknown as () => void })).parameter).toBe(
      'onIteration',
    );
    expect(errorOf(() => new KMeans({ algorithm: 'yinyang' as 'lloyd' })).message).toBe(
      'algorithm: must be one of auto, lloyd, hamerly, elkan, optimal-1d; got "yinyang"',
    );
    expect(errorOf(() => new KMeans({ threads: 0 })).parameter).toBe('threads');
  });

  it('negative, NaN, all-zero or mis-sized weights', () => {
    expect(fitError(X, {}, [1, 1, -1, 1, 1, 1]).message).toBe(
      'sampleWeight: weight 2 is -1; weights must be finite numbers >= 0',
    );
    expect(fitError(X, {}, [1, 1, 1, Number.NaN, 1, 1]).message).toMatch(/weight 3 is NaN/);
    expect(fitError(X, {}, [0, 0, 0, 0, 0, 0]).message).toBe(
      'sampleWeight: all weights are zero; at least one must be positive',
    );
    expect(fitError(X, {}, [1, 1]).message).toBe(
      'sampleWeight: must have one weight per row of X (6); got 2',
    );
  });

  it('predict, transform, score and attributes before fit', () => {
    const km = new KMeans({ nClusters: 2 });
    expect(() => km.predict(X)).toThrow(NotFittedError);
    expect(() => km.transform(X)).toThrow(
      /transform\(\) needs a fitted model: call fit\(X\) first/,
    );
    expect(() => km.score(X)).toThrow(NotFittedError);
    expect(() => km.labels).toThrow(NotFittedError);
    expect(() => km.centroids).toThrow(NotFittedError);
    expect(() => km.toJSON()).toThrow(NotFittedError);
  });

  it('predict or transform with the wrong number of columns', () => {
    const km = new KMeans({ nClusters: 2, randomState: 0 }).fit(X);
    expect(errorOf(() => km.predict([[1, 2, 3]])).message).toBe('X: must have 2 columns; got 3');
    expect(errorOf(() => km.transform([[1]])).message).toBe('X: must have 2 columns; got 1');
  });

  it('fromJSON of a malformed model', () => {
    const good = new KMeans({ nClusters: 2, randomState: 0 }).fit(X).toJSON();
    const bad = (patch: object) => errorOf(() => KMeans.fromJSON({ ...good, ...patch })).message;
    expect(errorOf(() => KMeans.fromJSON('{not json')).message).toMatch(
      /^json: not a lloyd KMeans model: the text is not valid JSON/,
    );
    expect(errorOf(() => KMeans.fromJSON(null)).message).toMatch(/expected an object/);
    expect(bad({ format: 'other' })).toMatch(/format must be "lloyd.kmeans"/);
    expect(bad({ centroids: [[1, 2]] })).toMatch(/centroids must be 2 rows/);
    expect(bad({ centroids: [[1, 2], [3]] })).toMatch(/centroid 1 must have 2 values/);
    expect(
      bad({
        centroids: [
          [1, 2],
          [3, null],
        ],
      }),
    ).toMatch(/centroid 1, value 1 is not a finite number/);
    expect(bad({ labels: [0, 5] })).toMatch(/label 1 is not in \[0, 2\)/);
    expect(bad({ metric: 'hamming' })).toMatch(/metric must be one of/);
    expect(bad({ nIter: -1 })).toMatch(/nIter/);
  });
});

describe('nothing is mutated', () => {
  it.each(['euclidean', 'manhattan', 'cosine'] as const)(
    "the caller's X, init and weights are left as they were (%s)",
    (metric) => {
      const data = X.map((r) => [...r]);
      const init = [
        [1, 2],
        [10, 2],
      ];
      const weights = [1, 2, 3, 4, 5, 6];
      const matrix = { data: new Float64Array(data.flat()), rows: 6, cols: 2 };
      new KMeans({ nClusters: 2, init, metric }).fit(data, { sampleWeight: weights });
      new KMeans({ nClusters: 2, init, metric }).fit(matrix);
      expect(data).toEqual(X);
      expect(Array.from(matrix.data)).toEqual(X.flat());
      expect(init).toEqual([
        [1, 2],
        [10, 2],
      ]);
      expect(weights).toEqual([1, 2, 3, 4, 5, 6]);
    },
  );

  it('a failed fit leaves an earlier fit in place', () => {
    const km = new KMeans({ nClusters: 2, randomState: 0 }).fit(X);
    const before = km.toJSON();
    expect(() =>
      km.fit([
        [1, 2],
        [Number.NaN, 1],
      ]),
    ).toThrow(ValidationError);
    expect(() => km.fit(X, { sampleWeight: [1] })).toThrow(ValidationError);
    expect(km.toJSON()).toEqual(before);
  });
});

describe('toJSON and fromJSON', () => {
  it.each(['euclidean', 'manhattan', 'cosine'] as const)(
    'a fitted model round-trips and predicts the same (%s)',
    (metric) => {
      const km = new KMeans({ nClusters: 2, randomState: 3, metric }).fit(X);
      const restored = KMeans.fromJSON(JSON.parse(JSON.stringify(km.toJSON())));
      const probe = [
        [0.5, 0.1],
        [12, 3],
        [5, 5],
        [-1, 7],
      ];
      expect(Array.from(restored.predict(probe))).toEqual(Array.from(km.predict(probe)));
      expect(restored.transform(probe)).toEqual(km.transform(probe));
      expect(restored.centroids).toEqual(km.centroids);
      expect(restored.inertia).toBe(km.inertia);
      expect(Array.from(restored.labels)).toEqual(Array.from(km.labels));
      expect(KMeans.fromJSON(JSON.stringify(km)).nIter).toBe(km.nIter);
    },
  );

  it('warns when X has fewer distinct points than k, without NaN', () => {
    const km = new KMeans({ nClusters: 3, randomState: 0 }).fit([
      [1, 1],
      [1, 1],
      [2, 2],
      [2, 2],
    ]);
    expect(km.warnings[0]).toMatch(
      /Number of distinct clusters \(2\) found smaller than nClusters \(3\)/,
    );
    expect(km.centroids.flat().every(Number.isFinite)).toBe(true);
    expect(km.inertia).toBe(0);
  });
});

describe('onIteration', () => {
  it('reports each iteration and stops the fit when it returns false', () => {
    const seen: number[] = [];
    const km = new KMeans({
      nClusters: 3,
      init: 'random',
      nInit: 5,
      randomState: 0,
      onIteration: ({ iteration, restart, elapsedMs, centerShift }) => {
        expect(restart).toBe(0);
        expect(elapsedMs).toBeGreaterThanOrEqual(0);
        expect(centerShift).toBeGreaterThanOrEqual(0);
        seen.push(iteration);
        return iteration < 1 ? undefined : false;
      },
    }).fit([[0], [1], [2], [10], [11], [12], [30], [31], [33]]);
    expect(seen).toEqual([1]);
    expect(km.nIter).toBe(1);
    expect(km.converged).toBe(false);
  });
});

describe('values too large for float64', () => {
  it('fit throws a ValidationError naming the overflow instead of a NaN inertia; the earlier fit stays', () => {
    const km = new KMeans({ nClusters: 2, randomState: 0 }).fit(X);
    const before = km.toJSON();
    const huge = [[1e160], [2e160], [0], [1], [3e160]];
    const error = errorOf(() => new KMeans({ nClusters: 3, randomState: 0 }).fit(huge));
    expect(error.parameter).toBe('X');
    expect(error.message).toBe(
      'X: values too large: squared distances overflow float64; rescale X (e.g. divide by a power of two)',
    );
    expect(() => km.fit(huge.map((r) => [r[0], r[0]]))).toThrow(/values too large/);
    expect(km.toJSON()).toEqual(before);
  });

  it('so do weights whose products overflow', () => {
    const weighted = errorOf(() =>
      new KMeans({ nClusters: 2, randomState: 0 }).fit([[0], [10], [20], [30], [40]], {
        sampleWeight: [1e308, 1e308, 1e308, 1e308, 1e308],
      }),
    );
    expect(weighted.message).toMatch(
      /^X: values too large: weighted squared distances overflow float64; rescale X or sampleWeight/,
    );
    const manhattan = errorOf(() =>
      new KMeans({ nClusters: 2, randomState: 0, metric: 'manhattan' }).fit([
        [0],
        [1e308],
        [-1e308],
        [1.5e308],
        [-1.6e308],
      ]),
    );
    expect(manhattan.message).toMatch(/^X: values too large: distances overflow float64/);
  });

  it('toJSON never writes what fromJSON rejects: a non-finite inertia is refused both ways', async () => {
    const { stateToJSON } = await import('../src/kmeans/model-json.js');
    const state = {
      metric: 'euclidean' as const,
      dtype: 'float64' as const,
      k: 1,
      cols: 1,
      centers: Float64Array.of(0),
      labels: Int32Array.of(0),
      inertia: Number.NaN,
      nIter: 1,
      converged: true,
      warnings: [],
    };
    expect(() => stateToJSON(state)).toThrow(/^inertia: must be a finite number >= 0; got NaN/);
    const json = { ...stateToJSON({ ...state, inertia: 0 }) };
    for (const inertia of [null, Number.POSITIVE_INFINITY, -1])
      expect(() => KMeans.fromJSON({ ...json, inertia })).toThrow(
        /inertia must be a finite number >= 0/,
      );
  });
});

describe('limits give clear errors, not RangeErrors', () => {
  it('options are frozen after construction (a change would skip validation)', () => {
    const km = new KMeans({ nClusters: 2 });
    expect(Object.isFrozen(km.options)).toBe(true);
    expect(() => {
      (km.options as { nClusters: number }).nClusters = 0;
    }).toThrow(TypeError);
    expect(km.options.nClusters).toBe(2);
  });

  it('fromJSON checks every centroid row before allocating nClusters x nFeatures', () => {
    const json = {
      ...new KMeans({ nClusters: 2, randomState: 0 }).fit(X).toJSON(),
      nFeatures: 2e9,
    };
    expect(() => KMeans.fromJSON(json)).toThrow(
      /^json: not a lloyd KMeans model: centroid 0 must have 2000000000 values$/,
    );
  });

  it('a huge nInit holds no array of seeds (onIteration stops it at once)', () => {
    const km = new KMeans({ nClusters: 2, randomState: 0, nInit: 2e8, onIteration: () => false });
    expect(km.fit(X).nIter).toBe(1);
  });
});

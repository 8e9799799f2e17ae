import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFileKind } from '../src/advanced.js';
import { records } from '../src/data/csv-text.js';
import {
  bundledDataset,
  encodeNpy,
  fetchDataset,
  gunzip,
  KMeans,
  loadDataset,
  makeBlobs,
  parseCsv,
  parseDataFile,
  prepareThreads,
  ValidationError,
} from '../src/index.js';

describe('the browser entries', () => {
  /** The modules a built entry reaches, statically or dynamically, and the packages outside it. */
  const reach = (entry: string) => {
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const seen = new Set<string>();
    const outside = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/(?:from\s*|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('.')) visit(normalize(join(dirname(file), spec)));
        else outside.add(spec);
      }
    };
    visit(join(dist, entry));
    return { modules: seen.size, packages: [...outside].sort() };
  };

  it('lloyd/browser reaches no Node built-in and no Node-only package', () => {
    const { modules, packages } = reach('browser.js');
    expect(modules).toBeGreaterThan(30);
    expect(packages).toEqual([]);
  });

  it("lloyd/plot's browser build reaches only its optional peers, no Node built-in", () => {
    const { packages } = reach('plot-browser.js');
    expect(packages).toEqual(['vega', 'vega-interpreter', 'vega-lite']);
  });

  it('lloyd/geo reaches no Node built-in and no package', () => {
    const { modules, packages } = reach('geo.js');
    expect(modules).toBeGreaterThan(5);
    expect(packages).toEqual([]);
  });

  it("lloyd/advanced's browser build reaches no Node built-in and no package", () => {
    const { modules, packages } = reach('advanced-browser.js');
    expect(modules).toBeGreaterThan(5);
    expect(packages).toEqual([]);
  });
});

/**
 * The public surface, by the names each entry exports at run time (types leave no trace there).
 * The main entries hold what a user calls; the machinery under it is in lloyd/advanced. A name
 * added to or moved between entries is a decision about the API, so it changes these lists.
 */
describe('the entries export the decided names', () => {
  const browserNames = [
    'BUNDLED_FILES',
    'BisectingKMeans',
    'DATASETS',
    'KMeans',
    'MinMaxScaler',
    'MiniBatchKMeans',
    'NotFittedError',
    'Random',
    'Scaler',
    'StandardScaler',
    'ValidationError',
    'adjustedMutualInfoScore',
    'adjustedRandScore',
    'bundledDataset',
    'calinskiHarabaszScore',
    'ckmeans',
    'completenessScore',
    'contingencyMatrix',
    'daviesBouldinScore',
    'elbow',
    'encodeNpy',
    'fetchDataset',
    'fowlkesMallowsScore',
    'gunzip',
    'homogeneityCompletenessVMeasure',
    'homogeneityScore',
    'idLikeColumns',
    'idxToMatrix',
    'isMatrix',
    'isRowSource',
    'kneeIndex',
    'makeBlobs',
    'matrixRows',
    'mutualInfoScore',
    'naturalBreaks',
    'normalizedMutualInfoScore',
    'parseCsv',
    'parseDataFile',
    'parseIdx',
    'parseJsonRows',
    'parseNpy',
    'prepareThreads',
    'purityScore',
    'randScore',
    'sharedMatrix',
    'silhouetteSamples',
    'silhouetteScore',
    'silhouetteSweep',
    'sniffLayout',
    'toMatrix',
    'trainTestSplit',
    'vMeasureScore',
    'wasmKernelVariant',
    'wasmSimdSupported',
  ];
  const nodeOnlyNames = [
    'labelsToCsv',
    'nativeKernelBuild',
    'loadDataset',
    'loadFile',
    'openRows',
    'readCsv',
    'readIdx',
    'readIdxValues',
    'readJsonRows',
    'readNpy',
    'rowsToCsv',
    'writeCentroids',
    'writeLabels',
    'writeModel',
  ];
  const advancedBrowserNames = [
    'PARTIAL_VERSION',
    'TableBuilder',
    'availableCores',
    'closePools',
    'continueCompensatedSum',
    'csvDelimiter',
    'dataFileKind',
    'decodePartial',
    'distributedInertia',
    'encodePartial',
    'fingerprintCentres',
    'isGzip',
    'mergePartials',
    'parseNumber',
    'partialPass',
    'referenceBackend',
    'relocationPass',
    'relocationPlan',
    'resolveBackend',
    'updateCentres',
    'wasmBackend',
  ];
  const plotBrowserNames = [
    'centroidImagesSpec',
    'clusterScatterSpec',
    'contingencySpec',
    'elbowSpec',
    'pca2',
    'renderSvg',
    'silhouetteSpec',
  ];
  const advancedNodeOnlyNames = ['bundledDataDir', 'readBytes', 'writeFileAtomic'];
  const sorted = (names: string[]) => [...names].sort();

  it('lloyd/browser', async () => {
    expect(Object.keys(await import('../src/browser.js')).sort()).toEqual(sorted(browserNames));
  });

  it('lloyd (Node)', async () => {
    expect(Object.keys(await import('../src/index.js')).sort()).toEqual(
      sorted([...browserNames, ...nodeOnlyNames]),
    );
  });

  it("lloyd/advanced's browser build", async () => {
    expect(Object.keys(await import('../src/advanced-browser.js')).sort()).toEqual(
      sorted(advancedBrowserNames),
    );
  });

  it('lloyd/advanced (Node)', async () => {
    expect(Object.keys(await import('../src/advanced.js')).sort()).toEqual(
      sorted([...advancedBrowserNames, ...advancedNodeOnlyNames]),
    );
  });

  it("lloyd/plot's browser build", async () => {
    expect(Object.keys(await import('../src/plot-browser.js')).sort()).toEqual(
      sorted(plotBrowserNames),
    );
  });

  it('lloyd/plot (Node)', async () => {
    expect(Object.keys(await import('../src/plot.js')).sort()).toEqual(
      sorted([...plotBrowserNames, 'renderPng', 'writePlot']),
    );
  });

  it('lloyd/geo (Node and browsers alike)', async () => {
    expect(Object.keys(await import('../src/geo.js')).sort()).toEqual([
      'EARTH_RADIUS_METRES',
      'clusterPoints',
      'clustersKmeans',
      'lonLatOf',
      'pointsMatrix',
      'unitVectors',
    ]);
  });

  it('package.json maps each subpath to its builds, each with its own types', async () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { exports: Record<string, unknown> };
    // A browser build first where one exists (bundlers take the first condition that matches),
    // then the ES module and the CommonJS copy; types sit inside each condition, so each
    // resolution reads the types of the file it runs.
    const condition = (file: string, cjs = false) => ({
      types: `./${cjs ? 'dist-cjs' : 'dist'}/${file}.d.ts`,
      default: `./${cjs ? 'dist-cjs' : 'dist'}/${file}.js`,
    });
    const builds = (node: string, browser?: string) => ({
      ...(browser ? { browser: condition(browser) } : {}),
      import: condition(node),
      require: condition(node, true),
    });
    expect(manifest.exports['.']).toEqual(builds('index', 'browser'));
    expect(Object.keys(manifest.exports['.'] as object)).toEqual(['browser', 'import', 'require']);
    expect(manifest.exports['./browser']).toEqual(builds('browser'));
    expect(manifest.exports['./advanced']).toEqual(builds('advanced', 'advanced-browser'));
    expect(manifest.exports['./geo']).toEqual(builds('geo'));
    expect(manifest.exports['./plot']).toEqual(builds('plot', 'plot-browser'));
    const root = fileURLToPath(new URL('../', import.meta.url));
    const files = JSON.stringify(manifest.exports).match(/\.\/dist[^"]*/g) ?? [];
    expect(files).toHaveLength(28);
    for (const file of files)
      expect(readFileSync(join(root, file), 'utf8').length, file).toBeGreaterThan(0);
    expect(readFileSync(join(root, 'dist-cjs/package.json'), 'utf8')).toContain('"commonjs"');
  });
});

describe('parseCsv (in-memory CSV, browser-safe)', () => {
  const tricky = [
    'a,b\n1,2\n',
    'a,b\r\n1,2\r\n3,4',
    '\ufeffa,b\n1,2\n\n\n3,4\n',
    '"a ""quoted"" name",b\n"1","2"\n',
    'x,"multi\nline",z\n1,2,3\n',
    'a,,c\n,,\n',
    'one\n',
  ];

  it('splits records as csv-parse does, with the line each starts on', () => {
    for (const text of tricky) {
      const ours = [...records(text, ',', 'test')];
      const theirs = parse(text, {
        skip_empty_lines: true,
        bom: true,
        relax_column_count: true,
        info: true,
      }) as {
        record: string[];
        info: { lines: number };
      }[];
      expect(ours.map((r) => r.record)).toEqual(theirs.map((r) => r.record));
    }
    expect([...records('a\n"b\nc"\nd\n', ',', 't')].map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('round-trips any fields written with RFC 4180 quoting', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r\n', ' ', '.') });
    const quote = (f: string) =>
      /[",\r\n]/.test(f) || f === '' ? `"${f.replace(/"/g, '""')}"` : f;
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const text = rows.map((r) => r.map(quote).join(',')).join('\n');
          expect([...records(text, ',', 't')].map((r) => r.record)).toEqual(rows);
        },
      ),
    );
  });

  it('parses numbers and a label column; errors name the source and line', () => {
    const t = parseCsv('x,y,kind\n1,2,a\n3,4,b\n', { labelColumn: 'kind', source: 'f.csv' });
    expect(Array.from(t.X.data)).toEqual([1, 2, 3, 4]);
    expect(t.labels).toEqual(['a', 'b']);
    expect(() => parseCsv('a,b\n1,"2\n', { source: 'f.csv' })).toThrow(
      /^file: f\.csv, line 2: a quoted field is never closed$/,
    );
    expect(() => parseCsv('a,b\n1,"2"x\n', { source: 'f.csv' })).toThrow(
      /^file: f\.csv, line 2: unexpected "x" after a quoted field$/,
    );
    expect(() => parseCsv('a,b\n1,x\n', { source: 'f.csv' })).toThrow(ValidationError);
    expect(() => parseCsv('', { source: 'f.csv' })).toThrow(/f\.csv: no data rows/);
  });
});

describe('parseDataFile and gunzip', () => {
  it('reads each kind by name from bytes, gzipped or not', async () => {
    const npy = encodeNpy({ data: Float64Array.from([1, 2, 3, 4]), rows: 2, cols: 2 });
    const json = new TextEncoder().encode('[[1,2],[3,4]]');
    const csv = new TextEncoder().encode('1,2\n3,4\n');
    const idx = Uint8Array.from([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
    for (const [name, bytes] of [
      ['m.npy', npy],
      ['m.json', json],
      ['m.csv', csv],
      ['m-idx2-ubyte', idx],
    ] as const) {
      const zipped = new Uint8Array(gzipSync(bytes));
      const data = parseDataFile(name, await gunzip(zipped, name));
      expect(Array.from(data.X.data), name).toEqual([1, 2, 3, 4]);
      expect([data.X.rows, data.X.cols]).toEqual([2, 2]);
    }
    expect(dataFileKind('a.NPY.gz')).toBe('npy');
    expect(dataFileKind('train-images-idx3-ubyte.gz')).toBe('idx');
    expect(dataFileKind('table.tsv')).toBe('csv');
    await expect(gunzip(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), 'bad.gz')).rejects.toThrow(
      /^file: bad\.gz: not valid gzip data/,
    );
  });

  it('bundledDataset builds the same dataset from any reader as loadDataset does from disk', async () => {
    const dir = fileURLToPath(new URL('../data/', import.meta.url));
    const fromReader = await bundledDataset('digits', async (file) =>
      gunzip(readFileSync(join(dir, file)), file),
    );
    const fromDisk = await loadDataset('digits');
    expect(fromReader.X).toEqual(fromDisk.X);
    expect(fromReader.y).toEqual(fromDisk.y);
    await expect(bundledDataset('nope', async () => new Uint8Array())).rejects.toThrow(
      /^dataset: unknown dataset "nope"/,
    );
  });
});

describe('fetchDataset', () => {
  it('fetches and gunzips the bundled files from a base URL, as a page would', async () => {
    const dir = fileURLToPath(new URL('../data/', import.meta.url));
    const server = createServer((request, response) => {
      const name = (request.url ?? '').replace(/^\/static\//, '');
      if (!/^[\w.-]+$/.test(name)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200).end(readFileSync(join(dir, name)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/static/`;
    try {
      const iris = await fetchDataset('iris', { baseUrl: base, dtype: 'float32' });
      expect(iris.X.data).toBeInstanceOf(Float32Array);
      expect(iris.X.data).toEqual((await loadDataset('iris', { dtype: 'float32' })).X.data);
      expect(iris.targetNames).toEqual(['setosa', 'versicolor', 'virginica']);
      await expect(
        fetchDataset('iris', {
          baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/elsewhere/x/`,
        }),
      ).rejects.toThrow(/iris\.csv\.gz: HTTP 404/);
    } finally {
      server.close();
    }
  });
});

describe('prepareThreads', () => {
  it('starts the pool without blocking; later fits use it and give the same result', async () => {
    expect(await prepareThreads(2)).toBe(2);
    expect(await prepareThreads(1)).toBe(1);
    const { X } = makeBlobs({ nSamples: 40000, nFeatures: 8, centers: 5, randomState: 1 });
    const two = new KMeans({ nClusters: 5, randomState: 0, threads: 2 }).fit(X);
    const one = new KMeans({ nClusters: 5, randomState: 0, threads: 1 }).fit(X);
    expect(two.inertia).toBe(one.inertia);
    expect(Array.from(two.labels)).toEqual(Array.from(one.labels));
  });
});

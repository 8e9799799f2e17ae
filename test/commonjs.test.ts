import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as esm from '../dist/index.js';

/** The CommonJS copy (dist-cjs), as `require('lloyd')` loads it. */
const require = createRequire(import.meta.url);
const cjs = require('../dist-cjs/index.js') as typeof esm;

describe('the CommonJS build', () => {
  it('exports what the ES module build exports, entry by entry', async () => {
    for (const entry of ['index', 'browser', 'advanced', 'geo', 'plot']) {
      const fromRequire = Object.keys(require(`../dist-cjs/${entry}.js`)).sort();
      const fromImport = Object.keys(await import(`../dist/${entry}.js`)).sort();
      expect(fromRequire, entry).toEqual(fromImport);
      expect(fromRequire.length, entry).toBeGreaterThan(5);
    }
  });

  it('fits synchronously and in a worker, with the same result as the ES module build', async () => {
    const { X } = esm.makeBlobs({ nSamples: 300, nFeatures: 4, centers: 3, randomState: 7 });
    const options = { nClusters: 3, randomState: 0, nInit: 2 };
    const expected = new esm.KMeans(options).fit(X);
    const sync = new cjs.KMeans(options).fit(X);
    expect(Array.from(sync.labels)).toEqual(Array.from(expected.labels));
    expect(sync.inertia).toBe(expected.inertia);
    const async = await new cjs.KMeans(options).fitAsync(X);
    expect(async.centroids).toEqual(expected.centroids);
  });

  it('finds the native kernels and the bundled data from dist-cjs as from dist', async () => {
    expect(cjs.nativeKernelBuild()).toEqual(esm.nativeKernelBuild());
    const advancedCjs = require('../dist-cjs/advanced.js') as typeof import('../dist/advanced.js');
    const advancedEsm = await import('../dist/advanced.js');
    expect(advancedCjs.bundledDataDir()).toBe(advancedEsm.bundledDataDir());
    expect((await cjs.loadDataset('iris')).X.rows).toBe(150);
  });
});

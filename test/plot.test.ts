import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../src/index.js';
import { importPlotPackage, PLOT_INSTALL } from '../src/plot/spec.js';
import {
  centroidImagesSpec,
  clusterScatterSpec,
  contingencySpec,
  elbowSpec,
  pca2,
  renderPng,
  renderSvg,
  silhouetteSpec,
} from '../src/plot.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('plots', () => {
  const { X, y } = makeBlobs({ nSamples: 60, nFeatures: 3, centers: 3, randomState: 1 });

  it('cluster scatter: PCA projection when d > 2, centroids as stars, titles and axes in the SVG', async () => {
    const spec = clusterScatterSpec({
      X,
      labels: y,
      centroids: [
        [0, 0, 0],
        [1, 1, 1],
        [2, 2, 2],
      ],
      title: 'Blobs',
    });
    const svg = await renderSvg(spec);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Blobs');
    expect(svg).toContain('principal component 1');
    expect(svg).toContain('cluster');
  });

  it('elbow, contingency heatmap, centroid images and silhouette render to PNG', async () => {
    const specs = [
      elbowSpec({ ks: [1, 2, 3, 4], inertias: [100, 40, 12, 10], knee: 3 }),
      contingencySpec({
        matrix: [
          [5, 1],
          [0, 7],
        ],
        classes: ['a', 'b'],
        clusters: [0, 1],
      }),
      centroidImagesSpec({
        centroids: [
          [0, 0.5, 1, 0.2],
          [1, 0, 0.3, 0.9],
        ],
        shape: [2, 2],
      }),
      silhouetteSpec({ samples: [0.5, 0.7, 0.2, -0.1], labels: [0, 0, 1, 1] }),
    ];
    expect(await renderSvg(specs[0])).toContain('knee: k = 3');
    for (const spec of specs) {
      const png = await renderPng(spec);
      expect(Array.from(png.subarray(0, 8))).toEqual(PNG_MAGIC);
      expect(png.length).toBeGreaterThan(2000);
    }
  });

  it('pca2 finds the direction of largest spread', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i, 2 * i + (i % 3) * 0.01, 5]);
    const { scores, variances } = pca2({ data: Float64Array.from(rows.flat()), rows: 50, cols: 3 });
    // All the spread lies along (1, 2, 0): the second direction carries almost none.
    expect(variances[1]).toBeLessThan(1e-3 * variances[0]);
    const first0 = Array.from({ length: 50 }, (_, i) => scores[i * 2]);
    const mean = first0.reduce((a, b) => a + b, 0) / 50;
    expect(first0.reduce((a, v) => a + (v - mean) ** 2, 0) / 50).toBeCloseTo(variances[0], 6);
    const first = Array.from({ length: 50 }, (_, i) => scores[i * 2]);
    const spread = Math.max(...first) - Math.min(...first);
    expect(spread).toBeCloseTo(Math.hypot(49, 98), 1);
  });

  it('a missing optional peer is an error that names it and the command that installs it', async () => {
    const notFound = Object.assign(new Error("Cannot find package 'vega'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const failing = importPlotPackage('vega', () => Promise.reject(notFound), 'renderSvg');
    await expect(failing).rejects.toThrow(
      'renderSvg needs the package vega, an optional peer dependency of lloyd that is not installed: npm install vega vega-lite vega-interpreter @resvg/resvg-js',
    );
    expect(PLOT_INSTALL).toBe('npm install vega vega-lite vega-interpreter @resvg/resvg-js');
    // Any other failure of the package passes through as it is.
    const broken = new TypeError('vega broke');
    await expect(importPlotPackage('vega', () => Promise.reject(broken), 'renderSvg')).rejects.toBe(
      broken,
    );
  });

  it('renders without eval, as a strict Content-Security-Policy requires', async () => {
    const original = globalThis.Function;
    const forbidden = new Proxy(original, {
      construct() {
        throw new EvalError('new Function is forbidden here');
      },
      apply() {
        throw new EvalError('Function() is forbidden here');
      },
    });
    globalThis.Function = forbidden;
    try {
      const svg = await renderSvg(
        elbowSpec({ ks: [1, 2, 3, 4], inertias: [40, 12, 8, 7], knee: 2 }),
      );
      expect(svg).toContain('knee: k = 2');
    } finally {
      globalThis.Function = original;
    }
  });
});

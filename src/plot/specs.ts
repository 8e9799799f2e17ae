import { type Matrix, type MatrixLike, toMatrix } from '../matrix.js';
import { pca2 } from './pca.js';
import type { VegaLiteSpec } from './spec.js';

/** Shared look: a font that resvg finds on common systems, no border around the view. */
const CONFIG = {
  font: 'DejaVu Sans, Arial, Helvetica, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14 },
};

/** Options of {@link clusterScatterSpec}. */
export interface ClusterScatterOptions {
  X: MatrixLike;
  labels: ArrayLike<number>;
  centroids?: number[][];
  /** Two column indices to plot; default: the first two columns when d = 2, else a 2-D PCA projection. */
  features?: [number, number];
  featureNames?: string[];
  title?: string;
  width?: number;
  height?: number;
}

/** Rows as two plotting coordinates, and the centroids in the same coordinates. */
function coordinates(
  X: Matrix,
  options: ClusterScatterOptions,
): { points: number[][]; centers: number[][]; axes: [string, string] } {
  const names = options.featureNames;
  if (options.features || X.cols <= 2) {
    const [a, b] = options.features ?? [0, Math.min(1, X.cols - 1)];
    const points = Array.from({ length: X.rows }, (_, i) => [
      X.data[i * X.cols + a],
      X.data[i * X.cols + b],
    ]);
    const centers = (options.centroids ?? []).map((c) => [c[a], c[b]]);
    return { points, centers, axes: [names?.[a] ?? `feature ${a}`, names?.[b] ?? `feature ${b}`] };
  }
  // Project rows and centroids together so the centroids land where their clusters are.
  const extra = options.centroids ?? [];
  const stacked: Matrix = {
    data: new Float64Array((X.rows + extra.length) * X.cols),
    rows: X.rows + extra.length,
    cols: X.cols,
  };
  stacked.data.set(X.data);
  extra.forEach((c, j) => {
    stacked.data.set(c, (X.rows + j) * X.cols);
  });
  const { scores } = pca2(stacked);
  const at = (i: number) => [scores[i * 2], scores[i * 2 + 1]];
  return {
    points: Array.from({ length: X.rows }, (_, i) => at(i)),
    centers: extra.map((_, j) => at(X.rows + j)),
    axes: ['principal component 1', 'principal component 2'],
  };
}

/** Scatter of the rows coloured and shaped by cluster, centroids as large stars. */
export function clusterScatterSpec(options: ClusterScatterOptions): VegaLiteSpec {
  const X = toMatrix(options.X, { name: 'X' });
  const { points, centers, axes } = coordinates(X, options);
  const values = points.map(([x, y], i) => ({ x, y, cluster: String(options.labels[i]) }));
  const centroidValues = centers.map(([x, y], j) => ({ x, y, cluster: String(j) }));
  const clusters = [...new Set(Array.from(options.labels, String))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const color = {
    field: 'cluster',
    type: 'nominal',
    title: 'cluster',
    scale: { domain: clusters, scheme: 'tableau10' },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Clusters and centroids',
    width: options.width ?? 420,
    height: options.height ?? 340,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 40, opacity: 0.7 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: axes[0], scale: { zero: false } },
          y: { field: 'y', type: 'quantitative', title: axes[1], scale: { zero: false } },
          color,
          shape: { field: 'cluster', type: 'nominal', legend: null },
        },
      },
      {
        data: { values: centroidValues },
        mark: {
          type: 'point',
          shape:
            'M0,-1L0.29,-0.4L0.95,-0.31L0.48,0.15L0.59,0.81L0,0.5L-0.59,0.81L-0.48,0.15L-0.95,-0.31L-0.29,-0.4Z',
          filled: true,
          size: 500,
          stroke: 'black',
          strokeWidth: 1.5,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          color: { ...color, legend: null },
        },
      },
    ],
  };
}

/** The elbow curve: inertia against k, the knee marked. */
export function elbowSpec(options: {
  ks: number[];
  inertias: number[];
  knee?: number | null;
  title?: string;
}): VegaLiteSpec {
  const values = options.ks.map((k, i) => ({ k, inertia: options.inertias[i] }));
  const knee = options.knee ?? null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Elbow method',
    width: 420,
    height: 280,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'k',
            type: 'quantitative',
            title: 'k (number of clusters)',
            axis: { tickMinStep: 1 },
          },
          y: { field: 'inertia', type: 'quantitative', title: 'inertia' },
        },
      },
      ...(knee === null
        ? []
        : [
            {
              data: { values: values.filter((v) => v.k === knee) },
              mark: { type: 'point' as const, size: 300, color: '#d62728', strokeWidth: 3 },
              encoding: {
                x: { field: 'k', type: 'quantitative' as const },
                y: { field: 'inertia', type: 'quantitative' as const },
              },
            },
            {
              data: { values: values.filter((v) => v.k === knee) },
              mark: {
                type: 'text' as const,
                dx: 14,
                dy: -14,
                align: 'left' as const,
                text: `knee: k = ${knee}`,
                color: '#d62728',
              },
              encoding: {
                x: { field: 'k', type: 'quantitative' as const },
                y: { field: 'inertia', type: 'quantitative' as const },
              },
            },
          ]),
    ],
  };
}

/** The contingency matrix as an annotated heatmap (rows: true classes, columns: clusters). */
export function contingencySpec(options: {
  matrix: number[][];
  classes: (number | string)[];
  clusters: (number | string)[];
  title?: string;
}): VegaLiteSpec {
  const values = options.matrix.flatMap((row, i) =>
    row.map((count, j) => ({
      truth: String(options.classes[i]),
      cluster: String(options.clusters[j]),
      count,
    })),
  );
  const max = Math.max(1, ...values.map((v) => v.count));
  const order = (list: (number | string)[]) => list.map(String);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Contingency matrix',
    config: CONFIG,
    data: { values },
    width: { step: 34 },
    height: { step: 26 },
    encoding: {
      x: {
        field: 'cluster',
        type: 'ordinal',
        title: 'predicted cluster',
        sort: order(options.clusters),
      },
      y: { field: 'truth', type: 'ordinal', title: 'true class', sort: order(options.classes) },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'count',
            type: 'quantitative',
            scale: { scheme: 'blues' },
            title: 'samples',
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: { test: `datum.count > ${max / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}

/** Each centroid drawn as an image (e.g. ten 28 x 28 MNIST centroids in a row). */
export function centroidImagesSpec(options: {
  centroids: number[][];
  shape: [number, number];
  titles?: string[];
  title?: string;
  pixel?: number;
}): VegaLiteSpec {
  const [h, w] = options.shape;
  const values = options.centroids.flatMap((c, j) =>
    c.map((v, p) => ({
      centroid: options.titles?.[j] ?? `cluster ${j}`,
      order: j,
      row: Math.floor(p / w),
      col: p % w,
      value: v,
    })),
  );
  const pixel = options.pixel ?? 3;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? 'Centroids',
    config: { ...CONFIG, view: { stroke: null }, header: { labelFontSize: 11 } },
    data: { values },
    facet: {
      column: { field: 'centroid', type: 'nominal', title: null, sort: { field: 'order' } },
    },
    spec: {
      width: w * pixel,
      height: h * pixel,
      mark: 'rect',
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null },
        y: { field: 'row', type: 'ordinal', axis: null },
        color: { field: 'value', type: 'quantitative', scale: { scheme: 'greys' }, legend: null },
      },
    },
    spacing: 6,
  };
}

/** The silhouette plot: each sample's coefficient, sorted within its cluster. */
export function silhouetteSpec(options: {
  samples: ArrayLike<number>;
  labels: ArrayLike<number>;
  title?: string;
}): VegaLiteSpec {
  const rows = Array.from(options.samples, (s, i) => ({ s, cluster: String(options.labels[i]) }));
  rows.sort((a, b) => Number(a.cluster) - Number(b.cluster) || b.s - a.s);
  const values = rows.map((r, i) => ({ ...r, index: i }));
  const mean = values.reduce((a, v) => a + v.s, 0) / Math.max(1, values.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title ?? `Silhouette (mean ${mean.toFixed(3)})`,
    width: 420,
    height: 300,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', orient: 'horizontal' },
        encoding: {
          y: { field: 'index', type: 'quantitative', axis: null },
          x: { field: 's', type: 'quantitative', title: 'silhouette coefficient' },
          color: { field: 'cluster', type: 'nominal', scale: { scheme: 'tableau10' } },
        },
      },
      {
        data: { values: [{ mean }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#d62728' },
        encoding: { x: { field: 'mean', type: 'quantitative' } },
      },
    ],
  };
}

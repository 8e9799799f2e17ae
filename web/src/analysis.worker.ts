/**
 * The analysis worker: PCA, Vega rendering and scores can take a second on MNIST, so they run
 * here and the page only inserts the finished SVG.
 */

import {
  adjustedRandScore,
  BisectingKMeans,
  contingencyMatrix,
  kneeIndex,
  type Matrix,
  MiniBatchKMeans,
  normalizedMutualInfoScore,
  purityScore,
  Random,
} from 'lloyd';
import {
  centroidImagesSpec,
  clusterScatterSpec,
  contingencySpec,
  elbowSpec,
  renderSvg,
} from 'lloyd/plot';
import type {
  AnalysisRequest,
  AnalysisResponse,
  ClusterRequest,
  FitRequest,
} from './analysis-protocol';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<AnalysisRequest>) => void) | null;
  postMessage(message: AnalysisResponse): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  answer(request).then(
    (response) => scope.postMessage(response),
    (error: Error) => scope.postMessage({ type: 'error', id: request.id, message: error.message }),
  );
};

async function answer(request: AnalysisRequest): Promise<AnalysisResponse> {
  if (request.type === 'elbow') {
    const knee = kneeIndex(request.ks, request.inertias);
    const kneeK = knee < 0 ? null : request.ks[knee];
    const svg = await renderSvg(
      elbowSpec({ ks: request.ks, inertias: request.inertias, knee: kneeK }),
    );
    return { type: 'elbow', id: request.id, svg, knee: kneeK };
  }
  if (request.type === 'fit') return fitFamily(request);
  return clusterPlots(request);
}

/** MiniBatchKMeans or BisectingKMeans with the page's options. */
function fitFamily(request: FitRequest): AnalysisResponse {
  const { id, X, nClusters, nInit, randomState, dtype, maxIter } = request;
  const common = { nClusters, nInit, randomState, dtype, maxIter, threads: 1 };
  if (request.method === 'minibatch') {
    const model = new MiniBatchKMeans({ ...common, init: request.init }).fit(X);
    const { labels, centroids, inertia, nSteps } = model;
    return { type: 'fit', id, labels, centroids, inertia, steps: nSteps };
  }
  if (request.init === 'k-means||')
    throw new Error("bisecting k-means splits with init 'random' or 'k-means++'");
  const model = new BisectingKMeans({ ...common, init: request.init }).fit(X);
  const { labels, centroids, inertia } = model;
  return { type: 'fit', id, labels, centroids, inertia, steps: nClusters - 1 };
}

async function clusterPlots(request: ClusterRequest): Promise<AnalysisResponse> {
  const { X, labels, centroids, y, targetNames, imageShape } = request;
  const rows = sampleRows(X.rows, request.maxPoints);
  const shown = pickRows(X, rows);
  const scatterSvg = await renderSvg(
    clusterScatterSpec({
      X: shown,
      labels: rows.map((i) => labels[i]),
      centroids,
      featureNames: request.featureNames,
      title:
        rows.length < X.rows
          ? `Clusters (${rows.length.toLocaleString('en')} of ${X.rows.toLocaleString('en')} points)`
          : 'Clusters',
    }),
  );
  const response: AnalysisResponse = {
    type: 'cluster',
    id: request.id,
    scatterSvg,
    shownPoints: rows.length,
  };
  if (y) {
    const truth = targetNames ? y.map((c) => targetNames[c] ?? String(c)) : y;
    const table = contingencyMatrix(truth, labels);
    response.contingencySvg = await renderSvg(
      contingencySpec({ ...table, title: 'True class against cluster' }),
    );
    response.scores = {
      purity: purityScore(truth, labels),
      adjustedRand: adjustedRandScore(truth, labels),
      normalizedMutualInfo: normalizedMutualInfoScore(truth, labels),
    };
  }
  if (imageShape)
    response.centroidImagesSvg = await renderSvg(
      centroidImagesSpec({ centroids, shape: imageShape, title: 'Centroids as images' }),
    );
  return response;
}

/** All rows, or a seeded sample of `max` of them in their original order. */
function sampleRows(n: number, max: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  const random = new Random(0);
  for (let i = 0; i < max; i++) {
    const j = i + random.nextInt(n - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, max).sort((a, b) => a - b);
}

function pickRows(X: Matrix, rows: number[]): Matrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((i, r) => {
    data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), r * X.cols);
  });
  return { data, rows: rows.length, cols: X.cols };
}

/** Messages between the page and its analysis worker (plots and scores, off the main thread). */

import type { Matrix } from 'lloyd';

/** Ask for the plots and scores of a fitted clustering. */
export interface ClusterRequest {
  type: 'cluster';
  id: number;
  X: Matrix;
  labels: number[];
  centroids: number[][];
  featureNames: string[];
  y?: number[];
  targetNames?: string[];
  imageShape?: [number, number];
  /** The scatter shows at most this many points (a seeded sample), so it stays quick to draw. */
  maxPoints: number;
}

/** Ask for the elbow plot of inertias against k. */
export interface ElbowRequest {
  type: 'elbow';
  id: number;
  ks: number[];
  inertias: number[];
}

/** The methods fitted in this worker (k-means itself runs in lloyd's fitAsync worker). */
export type FamilyMethod = 'minibatch' | 'bisecting';

/** Ask for a MiniBatchKMeans or BisectingKMeans fit (one thread: the fit is short). */
export interface FitRequest {
  type: 'fit';
  id: number;
  method: FamilyMethod;
  X: Matrix;
  nClusters: number;
  init: 'k-means++' | 'k-means||' | 'random';
  nInit: number;
  randomState: number;
  dtype: 'float64' | 'float32';
  maxIter: number;
}

export type AnalysisRequest = ClusterRequest | ElbowRequest | FitRequest;

/** Scores against the true classes. */
export interface ExternalScores {
  purity: number;
  adjustedRand: number;
  normalizedMutualInfo: number;
}

export type AnalysisResponse =
  | {
      type: 'cluster';
      id: number;
      scatterSvg: string;
      shownPoints: number;
      contingencySvg?: string;
      centroidImagesSvg?: string;
      scores?: ExternalScores;
    }
  | { type: 'elbow'; id: number; svg: string; knee: number | null }
  | {
      type: 'fit';
      id: number;
      labels: Int32Array;
      centroids: number[][];
      inertia: number;
      /** Mini-batch steps, or bisections. */
      steps: number;
    }
  | { type: 'error'; id: number; message: string };

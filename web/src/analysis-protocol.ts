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

export type AnalysisRequest = ClusterRequest | ElbowRequest;

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
  | { type: 'error'; id: number; message: string };

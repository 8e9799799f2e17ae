import { checkPair, type Label } from './labels.js';

/** Counts of samples per (true class, predicted cluster). */
export interface ContingencyMatrix {
  /** matrix[i][j]: samples of class `classes[i]` in cluster `clusters[j]`. */
  matrix: number[][];
  /** Distinct true classes, sorted. */
  classes: Label[];
  /** Distinct predicted clusters, sorted. */
  clusters: Label[];
}

/** The contingency matrix of two labellings: rows are true classes, columns predicted clusters. */
export function contingencyMatrix(
  truth: ArrayLike<Label>,
  pred: ArrayLike<Label>,
): ContingencyMatrix {
  const { truth: t, pred: p } = checkPair(truth, pred);
  const counts = countTable(t.codes, t.values.length, p.codes, p.values.length);
  return { matrix: counts, classes: t.values, clusters: p.values };
}

/** Dense count table of two code arrays. */
export function countTable(a: Int32Array, rows: number, b: Int32Array, cols: number): number[][] {
  const out = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < a.length; i++) out[a[i]][b[i]]++;
  return out;
}

/** The table plus its margins, which most scores start from. */
export interface Table {
  n: number;
  counts: number[][];
  rowSums: number[];
  colSums: number[];
}

/** Encodes both labellings and builds their table with margins. */
export function tableOf(truth: ArrayLike<Label>, pred: ArrayLike<Label>): Table {
  const { truth: t, pred: p } = checkPair(truth, pred);
  const counts = countTable(t.codes, t.values.length, p.codes, p.values.length);
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = new Array<number>(p.values.length).fill(0);
  for (const row of counts)
    row.forEach((c, j) => {
      colSums[j] += c;
    });
  return { n: t.codes.length, counts, rowSums, colSums };
}

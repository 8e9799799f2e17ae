/** A row moved into an empty cluster. */
export interface Relocation {
  cluster: number;
  row: number;
}

/**
 * scikit-learn's empty-cluster rule: each empty cluster (total weight 0), in increasing index
 * order, takes one of the rows farthest from their assigned centres, farthest first (ties to the
 * lower row index). When every row sits on its centre there is nothing to gain, and none moves.
 */
export function planRelocations(
  clusterWeights: Float64Array,
  k: number,
  distances: Float64Array,
): Relocation[] {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (clusterWeights[j] === 0) empty.push(j);
  if (empty.length === 0) return [];
  const farthest = largestIndices(distances, empty.length);
  if (farthest.length === 0 || distances[farthest[0]] === 0) return [];
  return empty.map((cluster, i) => ({ cluster, row: farthest[i] }));
}

/** Indices of the `count` largest values, largest first, ties to the lower index. */
function largestIndices(values: Float64Array, count: number): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (chosen.length === count && v <= values[chosen[count - 1]]) continue;
    let at = chosen.length;
    while (at > 0 && values[chosen[at - 1]] < v) at--;
    chosen.splice(at, 0, i);
    if (chosen.length > count) chosen.pop();
  }
  return chosen;
}

/** A copy of `labels` with the relocated rows moved; the assignment itself stays untouched. */
export function relocatedLabels(
  labels: Int32Array,
  relocations: readonly Relocation[],
): Int32Array {
  const out = labels.slice();
  for (const { cluster, row } of relocations) out[row] = cluster;
  return out;
}

/** Index of the heaviest cluster (first on ties): where scikit-learn parks a cluster left empty. */
export function heaviestCluster(clusterWeights: Float64Array, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (clusterWeights[j] > clusterWeights[best]) best = j;
  return best;
}

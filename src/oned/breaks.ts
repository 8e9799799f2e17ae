import { ckmeans } from './ckmeans.js';

/**
 * Class boundaries for a map legend or histogram, from the optimal 1-D clustering
 * ({@link ckmeans}): the smallest value of each class, then the largest value of all, as
 * simple-statistics' `jenks` returns them (k + 1 numbers, ascending; fewer when the values have
 * fewer distinct numbers than k). Class i holds the values v with breaks[i] <= v < breaks[i + 1],
 * the last class its upper break too.
 *
 * @param values n finite numbers, any order; never modified.
 * @param k the number of classes, 1 <= k <= n.
 */
export function naturalBreaks(values: ArrayLike<number>, k: number): number[] {
  const { clusters } = ckmeans(values, k);
  const breaks: number[] = [];
  for (const cluster of clusters) {
    // A value split between two clusters (more classes than distinct values) is one break.
    if (breaks[breaks.length - 1] !== cluster[0]) breaks.push(cluster[0]);
  }
  const last = clusters[clusters.length - 1];
  breaks.push(last[last.length - 1]);
  return breaks;
}

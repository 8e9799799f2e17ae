/**
 * The knee of a decreasing, convex curve by Kneedle (Satopää et al., 2011), offline form:
 * scale x and y to [0, 1], then take the point farthest below the chord from the first to the
 * last point, i.e. the maximum of (1 - x̂) - ŷ. Returns the index, or -1 when no point lies
 * below the chord (a straight or concave curve has no knee) or there are fewer than 3 points.
 */
export function kneeIndex(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length < 3) return -1;
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  if (xMax === xMin || yMax === yMin) return -1;
  let best = -1;
  let bestGap = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = (xs[i] - xMin) / (xMax - xMin);
    const y = (ys[i] - yMin) / (yMax - yMin);
    const gap = 1 - x - y;
    if (gap > bestGap + 1e-12) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}

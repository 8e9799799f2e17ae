/**
 * Longitude and latitude as points of the unit sphere, and back. On the sphere, the angle between
 * two points is their great-circle distance, so spherical k-means (cosine) clusters by it: points
 * either side of the antimeridian are neighbours, and a degree of longitude shrinks toward the poles.
 */

/** The Earth's mean radius in metres (IUGG), the one Turf uses. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

const RADIANS = Math.PI / 180;

/**
 * n x 3 unit vectors (x, y, z; float64, row-major) for n [longitude, latitude] pairs in degrees
 * (2n values, row-major). Fitted with `metric: 'cosine'`, they cluster by great-circle distance;
 * {@link lonLatOf} maps a centre back.
 */
export function unitVectors(lonLat: ArrayLike<number>): Float64Array {
  const n = lonLat.length / 2;
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const longitude = lonLat[2 * i] * RADIANS;
    const latitude = lonLat[2 * i + 1] * RADIANS;
    const cosLatitude = Math.cos(latitude);
    out[3 * i] = cosLatitude * Math.cos(longitude);
    out[3 * i + 1] = cosLatitude * Math.sin(longitude);
    out[3 * i + 2] = Math.sin(latitude);
  }
  return out;
}

/**
 * [longitude, latitude] in degrees of the direction (x, y, z), any length but not zero; longitude
 * in (-180, 180], latitude in [-90, 90].
 */
export function lonLatOf(x: number, y: number, z: number): [number, number] {
  const longitude = Math.atan2(y, x) / RADIANS;
  const latitude = Math.atan2(z, Math.hypot(x, y)) / RADIANS;
  return [longitude === -180 ? 180 : longitude, latitude];
}

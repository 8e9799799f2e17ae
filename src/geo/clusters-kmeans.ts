import { describeValue, positiveInteger, ValidationError } from '../errors.js';
import { KMeans } from '../kmeans/kmeans.js';
import type { KMeansOptions } from '../kmeans/options.js';
import { clonePointCollection } from './clone.js';
import { readPointCoordinates, readPosition } from './read-points.js';
import { EARTH_RADIUS_METRES, lonLatOf, unitVectors } from './sphere.js';
import type {
  ClusteredProperties,
  GeoPointCollection,
  GeoPointFeature,
  GeoPosition,
  GeoProperties,
} from './types.js';

/** Options of {@link clustersKmeans} and {@link clusterPoints}; Turf's first two, then lloyd's. */
export interface ClustersKmeansOptions {
  /** k. Default, as Turf: round(sqrt(n / 2)), at least 1; a k above n is lowered to n. */
  numberOfClusters?: number;
  /** Write `cluster` and `centroid` into the given features instead of a copy. Default false. */
  mutate?: boolean;
  /**
   * Cluster by great-circle distance on the sphere (spherical k-means on unit vectors) instead of
   * plain euclidean distance on [longitude, latitude] degrees, as Turf. Default false.
   */
  geodesic?: boolean;
  /** Seed for k-means++ (the start when a seed is given and `init` is not). */
  randomState?: number;
  /**
   * The start: 'first' (the first k points, as Turf; the default without a seed), 'k-means++'
   * (the default with a seed), 'random' (k distinct points, best of 10 restarts), or k positions
   * [longitude, latitude].
   */
  init?: 'first' | 'k-means++' | 'random' | GeoPosition[];
  /** Iterations at most. Default 10,000, as skmeans (under Turf): a fit runs until no label changes. */
  maxIter?: number;
}

/** A clustering of GeoJSON points by {@link clusterPoints}. */
export interface GeoClustering<P extends GeoProperties> {
  /** The points with `cluster` and `centroid` added to each feature's properties. */
  points: GeoPointCollection<ClusteredProperties<P>>;
  /** Cluster of each feature (Int32Array, n values). */
  labels: Int32Array;
  /** Centre of each cluster, [longitude, latitude] in degrees. */
  centroids: [number, number][];
  /**
   * Sum of squared distances to the centres. Geodesic: squared chord distances in square metres
   * on a sphere of the Earth's mean radius, 6,371,008.8 m (a chord of angle θ is 2R sin(θ/2);
   * spherical k-means minimises it). Otherwise squared degrees, as Turf's plane.
   */
  inertia: number;
  /** Iterations run. */
  nIter: number;
  /** Whether the fit stopped because no label changed (rather than at maxIter). */
  converged: boolean;
}

const KNOWN_OPTIONS = new Set([
  'numberOfClusters',
  'mutate',
  'geodesic',
  'randomState',
  'init',
  'maxIter',
]);

/**
 * Clusters GeoJSON points by k-means, as `@turf/clusters-kmeans` does (same defaults, same labels
 * on well-separated points), and returns the collection with `cluster` and `centroid` in each
 * feature's properties. With `geodesic: true` it clusters on the globe instead of the plane of
 * degrees. See {@link clusterPoints} for the centres and inertia too.
 *
 * @param points a GeoJSON FeatureCollection of Point features; not modified unless `mutate`.
 */
export function clustersKmeans<P extends GeoProperties>(
  points: GeoPointCollection<P>,
  options: ClustersKmeansOptions = {},
): GeoPointCollection<ClusteredProperties<P>> {
  return clusterPoints(points, options).points;
}

/** {@link clustersKmeans}, returning the labels, centres, inertia and iterations beside the points. */
export function clusterPoints<P extends GeoProperties>(
  points: GeoPointCollection<P>,
  options: ClustersKmeansOptions = {},
): GeoClustering<P> {
  checkOptionKeys(options);
  const { collection, lonLat } = readPointCoordinates(points);
  const n = lonLat.length / 2;
  const k = Math.min(
    n,
    options.numberOfClusters === undefined
      ? Math.max(1, Math.round(Math.sqrt(n / 2)))
      : positiveInteger('numberOfClusters', options.numberOfClusters),
  );
  const geodesic = booleanOption('geodesic', options.geodesic);
  const mutate = booleanOption('mutate', options.mutate);
  const X = geodesic
    ? { data: unitVectors(lonLat), rows: n, cols: 3 }
    : { data: lonLat, rows: n, cols: 2 };
  const kmeansOptions: KMeansOptions = {
    nClusters: k,
    init: startingCentres(options, X.data, X.cols, k, geodesic),
    metric: geodesic ? 'cosine' : 'euclidean',
    tol: 0,
    maxIter: options.maxIter ?? 10_000,
  };
  if (options.randomState !== undefined) kmeansOptions.randomState = options.randomState;
  const km = new KMeans(kmeansOptions).fit(X);
  const centroids = km.centroids.map((c): [number, number] =>
    geodesic ? lonLatOf(c[0], c[1], c[2]) : [c[0], c[1]],
  );
  const labels = km.labels;
  const out = (mutate ? collection : clonePointCollection(collection)) as GeoPointCollection<P>;
  out.features.forEach((feature: GeoPointFeature<P>, i) => {
    const target = feature as { properties: { [name: string]: unknown } | null };
    if (target.properties === null || typeof target.properties !== 'object') target.properties = {};
    target.properties.cluster = labels[i];
    target.properties.centroid = centroids[labels[i]];
  });
  return {
    points: out as unknown as GeoPointCollection<ClusteredProperties<P>>,
    labels,
    centroids,
    // Cosine inertia is the sum of 1 - cos θ; a chord of the unit sphere squared is 2 (1 - cos θ).
    inertia: geodesic ? 2 * EARTH_RADIUS_METRES ** 2 * km.inertia : km.inertia,
    nIter: km.nIter,
    converged: km.converged,
  };
}

/** Refuses options that are not ClustersKmeansOptions, naming the first. */
function checkOptionKeys(options: unknown): void {
  if (typeof options !== 'object' || options === null)
    throw new ValidationError('options', `must be an object; got ${describeValue(options)}`);
  for (const key of Object.keys(options))
    if (!KNOWN_OPTIONS.has(key))
      throw new ValidationError(
        key,
        `is not a clustersKmeans option; known options: ${[...KNOWN_OPTIONS].join(', ')}`,
      );
}

/** `value` when a boolean, false when undefined; else an error naming `name`. */
function booleanOption(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new ValidationError(name, `must be true or false; got ${describeValue(value)}`);
  return value;
}

/** KMeans's init for the geo options: the first k rows of X, k-means++, random, or positions. */
function startingCentres(
  options: ClustersKmeansOptions,
  X: Float64Array,
  cols: number,
  k: number,
  geodesic: boolean,
): KMeansOptions['init'] {
  const init = options.init ?? (options.randomState === undefined ? 'first' : 'k-means++');
  if (init === 'first') return { data: X.slice(0, k * cols), rows: k, cols };
  if (init === 'k-means++' || init === 'random') return init;
  if (!Array.isArray(init))
    throw new ValidationError(
      'init',
      `must be 'first', 'k-means++', 'random' or k [longitude, latitude] positions; got ${describeValue(init)}`,
    );
  if (init.length !== k)
    throw new ValidationError(
      'init',
      `must hold ${k} positions (numberOfClusters); got ${init.length}`,
    );
  const lonLat = new Float64Array(2 * k);
  init.forEach((position, i) => {
    lonLat.set(readPosition(position, `position ${i}`, 'init'), 2 * i);
  });
  return geodesic
    ? { data: unitVectors(lonLat), rows: k, cols: 3 }
    : { data: lonLat, rows: k, cols: 2 };
}

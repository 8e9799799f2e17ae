/**
 * lloyd/geo: k-means for GeoJSON points, in Node and browsers, a drop-in for Turf's
 * `clustersKmeans`, with clustering on the globe (`geodesic: true`). Only re-exports; nothing
 * runs at import.
 */

export {
  type ClustersKmeansOptions,
  clusterPoints,
  clustersKmeans,
  type GeoClustering,
} from './geo/clusters-kmeans.js';
export { pointsMatrix } from './geo/read-points.js';
export { EARTH_RADIUS_METRES, lonLatOf, unitVectors } from './geo/sphere.js';
export type {
  ClusteredProperties,
  ClusterProperties,
  GeoPoint,
  GeoPointCollection,
  GeoPointFeature,
  GeoPosition,
  GeoProperties,
} from './geo/types.js';

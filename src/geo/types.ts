/**
 * The few GeoJSON (RFC 7946) types lloyd/geo reads and writes, declared here so that lloyd's
 * public types need no third-party package. They are structurally compatible with
 * `@types/geojson`: its `FeatureCollection<Point>` may be passed where these are asked for.
 */

/** [longitude, latitude] in degrees (WGS 84), optionally followed by an altitude, which lloyd ignores. */
export type GeoPosition = number[];

/** Properties of a feature: any JSON object, or null. */
export type GeoProperties = { [name: string]: unknown } | null;

/** A GeoJSON Point geometry. */
export interface GeoPoint {
  type: 'Point';
  coordinates: GeoPosition;
  bbox?: number[];
}

/** A GeoJSON Feature whose geometry is a Point. */
export interface GeoPointFeature<P extends GeoProperties = GeoProperties> {
  type: 'Feature';
  geometry: GeoPoint;
  id?: string | number;
  properties: P;
  bbox?: number[];
}

/** A GeoJSON FeatureCollection of Point features. */
export interface GeoPointCollection<P extends GeoProperties = GeoProperties> {
  type: 'FeatureCollection';
  features: GeoPointFeature<P>[];
  bbox?: number[];
}

/**
 * What clustering adds to each feature's properties, as Turf's `clustersKmeans` does. (A type
 * alias, not an interface, so that it meets GeoProperties' index signature.)
 */
export type ClusterProperties = {
  /** The feature's cluster, 0 to k - 1. */
  cluster: number;
  /** Its cluster's centre, [longitude, latitude] (one array shared by the cluster's features). */
  centroid: [number, number];
};

/** Properties after clustering: the feature's own (null becomes {}), plus `cluster` and `centroid`. */
export type ClusteredProperties<P extends GeoProperties> = [P] extends [null]
  ? ClusterProperties
  : NonNullable<P> & ClusterProperties;

import { describeValue, ValidationError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import type { GeoPointCollection } from './types.js';

/**
 * The longitude and latitude of every feature of a GeoJSON FeatureCollection of Points, checked:
 * each feature a Feature with a Point geometry whose coordinates start with a finite longitude and
 * a latitude in [-90, 90]. Errors name the parameter and the feature.
 *
 * @returns `lonLat`: n x 2 float64 values, row-major, [longitude, latitude] per feature.
 */
export function readPointCoordinates(
  points: unknown,
  name = 'points',
): { collection: GeoPointCollection; lonLat: Float64Array } {
  if (
    typeof points !== 'object' ||
    points === null ||
    (points as { type?: unknown }).type !== 'FeatureCollection'
  )
    throw new ValidationError(
      name,
      `must be a GeoJSON FeatureCollection of Point features; got ${describeGeoJson(points)}`,
    );
  const features = (points as { features?: unknown }).features;
  if (!Array.isArray(features))
    throw new ValidationError(
      name,
      `a FeatureCollection's features must be an array; got ${describeValue(features)}`,
    );
  if (features.length === 0)
    throw new ValidationError(name, 'must hold at least one Point feature; got none');
  const lonLat = new Float64Array(features.length * 2);
  for (let i = 0; i < features.length; i++) {
    const coordinates = pointCoordinates(features[i], i, name);
    // The usual point, read without allocating; anything else is checked (and named) in full.
    if (Array.isArray(coordinates) && coordinates.length >= 2) {
      const longitude: unknown = coordinates[0];
      const latitude: unknown = coordinates[1];
      if (
        typeof longitude === 'number' &&
        typeof latitude === 'number' &&
        Number.isFinite(longitude) &&
        latitude >= -90 &&
        latitude <= 90
      ) {
        lonLat[2 * i] = longitude;
        lonLat[2 * i + 1] = latitude;
        continue;
      }
    }
    lonLat.set(readPosition(coordinates, i, name), 2 * i);
  }
  return { collection: points as GeoPointCollection, lonLat };
}

/** The coordinates of feature `i`, which must be a Feature with a Point geometry. */
function pointCoordinates(feature: unknown, i: number, name: string): unknown {
  if (
    typeof feature !== 'object' ||
    feature === null ||
    (feature as { type?: unknown }).type !== 'Feature'
  )
    throw new ValidationError(
      name,
      `feature ${i} is not a GeoJSON Feature; got ${describeGeoJson(feature)}`,
    );
  const geometry = (feature as { geometry?: unknown }).geometry;
  if (typeof geometry !== 'object' || geometry === null)
    throw new ValidationError(
      name,
      `feature ${i} has no geometry (${describeValue(geometry)}); only Point features can be clustered`,
    );
  const type = (geometry as { type?: unknown }).type;
  if (type !== 'Point')
    throw new ValidationError(
      name,
      `feature ${i} has a ${typeof type === 'string' ? type : describeValue(type)} geometry; only Point features can be clustered`,
    );
  return (geometry as { coordinates?: unknown }).coordinates;
}

/**
 * [longitude, latitude] of a position: an array of at least two numbers, the longitude finite and
 * the latitude in [-90, 90]. `what` is the feature's index (or a description) for messages.
 */
export function readPosition(
  position: unknown,
  what: number | string,
  name: string,
): [number, number] {
  const subject = typeof what === 'number' ? `feature ${what}` : what;
  if (!Array.isArray(position) || position.length < 2)
    throw new ValidationError(
      name,
      `${subject} has coordinates ${describeValue(position)}; a Point needs [longitude, latitude]`,
    );
  const [longitude, latitude] = position as unknown[];
  if (typeof longitude !== 'number' || !Number.isFinite(longitude))
    throw new ValidationError(
      name,
      `${subject} has longitude ${describeValue(longitude)}; it must be a finite number of degrees`,
    );
  if (typeof latitude !== 'number' || !Number.isFinite(latitude))
    throw new ValidationError(
      name,
      `${subject} has latitude ${describeValue(latitude)}; it must be a finite number of degrees`,
    );
  if (latitude < -90 || latitude > 90)
    throw new ValidationError(
      name,
      `${subject} has latitude ${latitude}, outside [-90, 90]; GeoJSON positions are [longitude, latitude]`,
    );
  return [longitude, latitude];
}

/** A GeoJSON object's type for a message, or the value described. */
function describeGeoJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const type = (value as { type?: unknown }).type;
    return type === undefined ? 'an object without a type' : `type ${describeValue(type)}`;
  }
  return describeValue(value);
}

/**
 * The [longitude, latitude] of each point of a GeoJSON FeatureCollection of Points, checked as
 * clustersKmeans checks them: an n x 2 float64 Matrix, to fit, plot or transform yourself.
 */
export function pointsMatrix(points: GeoPointCollection): Matrix {
  const { lonLat } = readPointCoordinates(points);
  return { data: lonLat, rows: lonLat.length / 2, cols: 2 };
}

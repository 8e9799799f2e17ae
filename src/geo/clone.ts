/**
 * A deep copy of a JSON value (what GeoJSON holds): arrays and plain objects are copied, other
 * values (numbers, strings, booleans, null, and anything else) are kept as they are.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]);
    return copy as T;
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const copy: { [key: string]: unknown } = {};
    for (const key of Object.keys(value))
      copy[key] = cloneJson((value as { [key: string]: unknown })[key]);
    return copy as T;
  }
  return value;
}

/**
 * A deep copy of a FeatureCollection of Points, as {@link cloneJson} makes it, with a fast path
 * for the usual feature ({ type, geometry: { type, coordinates }, properties } and an id): the
 * copy of 100,000 features is a small part of a clustering's time.
 */
export function clonePointCollection<T extends { features: unknown[] }>(collection: T): T {
  const copy = { ...collection };
  for (const key of Object.keys(copy))
    if (key !== 'features')
      (copy as { [key: string]: unknown })[key] = cloneJson(
        (collection as { [key: string]: unknown })[key],
      );
  const features = collection.features;
  const out = new Array(features.length);
  for (let i = 0; i < features.length; i++) out[i] = cloneFeature(features[i]);
  copy.features = out;
  return copy;
}

/** One feature copied; a feature with members beyond the usual ones goes through cloneJson. */
function cloneFeature(feature: unknown): unknown {
  const f = feature as {
    type: unknown;
    geometry: { type: unknown; coordinates: number[] };
    properties: unknown;
    id?: unknown;
  };
  const geometry = f.geometry;
  let members = 0;
  for (const _ in f) members++;
  let geometryMembers = 0;
  for (const _ in geometry) geometryMembers++;
  const usual = members === (f.id === undefined ? 3 : 4) && geometryMembers === 2;
  if (!usual) return cloneJson(feature);
  const coordinates = geometry.coordinates;
  const out: { [key: string]: unknown } = {
    type: f.type,
    geometry: {
      type: geometry.type,
      coordinates:
        coordinates.length === 2 ? [coordinates[0], coordinates[1]] : coordinates.slice(),
    },
    properties: f.properties === null ? null : cloneJson(f.properties),
  };
  if (f.id !== undefined) out.id = f.id;
  return out;
}

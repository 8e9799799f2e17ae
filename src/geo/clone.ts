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

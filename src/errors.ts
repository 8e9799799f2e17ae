/**
 * Thrown for a bad argument or option. `parameter` names what was wrong so callers
 * (and the CLI) can point at it without parsing the message.
 */
export class ValidationError extends Error {
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super(`${parameter}: ${message}`);
    this.name = 'ValidationError';
    this.parameter = parameter;
  }
}

/** Thrown when a fitted attribute or method is used before `fit`. */
export class NotFittedError extends Error {
  constructor(what: string) {
    super(`${what} needs a fitted model: call fit(X) first`);
    this.name = 'NotFittedError';
  }
}

/** `value` when it is a positive integer; else a {@link ValidationError} naming `parameter`. */
export function positiveInteger(parameter: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(parameter, `must be a positive integer; got ${describeValue(value)}`);
  }
  return value;
}

/** A short, readable rendering of a bad value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === undefined ||
    value === null
  ) {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return Object.prototype.toString.call(value).slice(8, -1);
}

/**
 * Argument checks for the public functions that JavaScript callers may hand anything: a TypeError for a wrong
 * type, a RangeError for a value out of range. Peer data never gets here as a wrong type — it arrives as strings
 * or bytes and is refused with a HandshakeError or a rejection instead.
 */

/** How a wrong value is described in a TypeError. */
export const kind = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/** Throws a TypeError naming `what` unless `value` is a string. */
export function expectString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`wsframe: ${what} must be a string, got ${kind(value)}`);
}

/** Throws a TypeError unless `value` is an object (not null, not an array). */
export function expectObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`wsframe: ${what} must be an object, got ${kind(value)}`);
  }
}

/** Throws a TypeError unless `value` is a plain record (`{}` or null-prototype): a Map or Headers is not. */
export function expectRecord(value: unknown, what: string): asserts value is Record<string, unknown> {
  expectObject(value, what);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) throw new TypeError(`wsframe: ${what} must be a plain object`);
}

/** Throws a TypeError unless `value` is an array. */
export function expectArray(value: unknown, what: string): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`wsframe: ${what} must be an array, got ${kind(value)}`);
}

/** Throws a TypeError unless `value` is an array of strings. */
export function expectStringList(value: unknown, what: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) throw new TypeError(`wsframe: ${what} must be an array of strings, got ${kind(value)}`);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'string') throw new TypeError(`wsframe: ${what}[${i}] must be a string, got ${kind(v)}`);
  }
}

/** A TypeError for a non-number, a RangeError for anything but an integer ≥ `min`. */
export function expectInteger(value: unknown, what: string, min = 0): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`wsframe: ${what} must be a number, got ${kind(value)}`);
  if (!Number.isInteger(value) || value < min) throw new RangeError(`wsframe: ${what} must be an integer ≥ ${min}`);
}

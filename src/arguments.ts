/**
 * Argument checks for the public API. JavaScript callers have no types, so every entry point checks what it is
 * given: a wrong type is a TypeError, a value of the right type outside its range a RangeError, thrown before
 * anything changes — never wrong bytes on the wire. Options are checked once, in constructors; per-call paths
 * (push, text, binary, encode) test `typeof` / `instanceof` inline and only call in here on the unusual path.
 *
 * Bytes are accepted in two forms (an "ArrayBuffer" is also a SharedArrayBuffer):
 * - payload bytes (binary/ping/pong payloads, frame payloads, chunks to decode): a Uint8Array (Buffer included),
 *   an ArrayBuffer, or any other ArrayBufferView (DataView, Int16Array, Float32Array, ...) by its bytes in
 *   memory order;
 * - UTF-8 bytes (text messages and close reasons given as bytes): a Uint8Array or an ArrayBuffer only. Other
 *   views are refused: their elements are not UTF-8 code units (a Uint16Array usually holds UTF-16).
 */

import type { BackendOption } from './backend/index.js';
import type { Bytes, Role } from './types.js';

export type { Bytes };

export const ROLES: readonly Role[] = ['server', 'client'];
export const BACKEND_OPTIONS: readonly BackendOption[] = ['auto', 'wasm', 'js'];

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A short description of `value` for error messages: `a string`, `NaN`, `-1`, `null`, `a Float32Array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'string':
      return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)})`;
    case 'undefined':
      return 'undefined';
    case 'object': {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' ? `a${/^[AEIOU]/.test(name) ? 'n' : ''} ${name}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}

/** `options` must be an object (not null, not an array); returns it for reading. */
export function optionsObject<T>(options: T, what: string): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`wsframe: ${what} options must be an object, got ${describe(options)}`);
  }
  return options;
}

/** `value` must be one of `allowed`; `undefined` gives `fallback`. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!allowed.includes(value as T)) {
    const choices = allowed.map((a) => `'${a}'`).join(' or ');
    throw new TypeError(`wsframe: ${name} must be ${choices}, got ${describe(value)}`);
  }
  return value as T;
}

/** An optional boolean option (`undefined` gives `fallback`). Truthy strings are refused: `'false'` is truthy. */
export function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`wsframe: ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** An integer in `min..max`: TypeError for a non-number, RangeError for NaN, a fraction or out of range. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`wsframe: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === MAX_SAFE ? `≥ ${min}` : `in ${min}..${max}`;
    throw new RangeError(`wsframe: ${name} must be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

/** A size limit: an integer ≥ `min`, or Infinity for none (read as 2^53 − 1); `undefined` gives `fallback`. */
export function sizeLimit(name: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (value === Infinity) return MAX_SAFE;
  return integer(name, value, min, MAX_SAFE);
}

/** A finite number (a time in ms, a duration). */
export function finite(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`wsframe: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`wsframe: ${name} must be finite, got ${describe(value)}`);
  return value;
}

/** An ArrayBuffer or SharedArrayBuffer, also from another realm (an iframe's or a vm context's). */
export function isBuffer(value: unknown): value is ArrayBufferLike {
  if (value instanceof ArrayBuffer) return true;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

/**
 * Payload bytes as a Uint8Array over the same memory (no copy): a Uint8Array (or Buffer) as it is, an
 * ArrayBuffer or any other ArrayBufferView by its bytes. Anything else, strings included, is a TypeError.
 */
export function payloadBytes(value: unknown, name: string, stringAdvice?: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (isBuffer(value)) return new Uint8Array(value);
  const advice = typeof value === 'string' && stringAdvice !== undefined ? `: ${stringAdvice}` : '';
  const got = `${describe(value)}${advice}`;
  throw new TypeError(`wsframe: ${name} must be a Uint8Array, ArrayBuffer or ArrayBufferView, got ${got}`);
}

/** UTF-8 given as bytes: a Uint8Array (or Buffer) or an ArrayBuffer; other views are a TypeError (see above). */
export function utf8Bytes(value: unknown, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  // A Uint8Array from another realm fails instanceof but is still bytes.
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]') {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (isBuffer(value)) return new Uint8Array(value);
  throw new TypeError(
    `wsframe: ${name} must be a string, or UTF-8 bytes in a Uint8Array or ArrayBuffer, got ${describe(value)}`,
  );
}

// For the handshake helpers (http.ts, handshake.ts): strings, records and lists from JavaScript callers. Peer data
// never gets here as a wrong type: it arrives as strings or bytes and is refused with a HandshakeError instead.

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

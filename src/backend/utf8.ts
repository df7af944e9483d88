/**
 * UTF-8 validation for the TS backend and the decoders (strict RFC 3629, as RFC 6455 §8.1 requires for text):
 * the scalar state machine that the WASM module runs too (assembly/utf8scalar.ts, translated into
 * src/portable/utf8scalar.ts; its state encoding is the carry between calls and between backends), and the
 * runtime's own validator for long text.
 */
import { UTF8_CARRY, UTF8_INVALID, UTF8_NON_ASCII } from '../portable/layout.js';
import { validateScalar } from '../portable/utf8scalar.js';

export { UTF8_INVALID, UTF8_NON_ASCII };

/**
 * Validate `bytes[start, end)` continuing from `state`. Returns the new state (bits 0–23), OR-ed with
 * UTF8_NON_ASCII if any byte ≥ 0x80 was seen, or UTF8_INVALID. `words`, when given, is an Int32Array over the
 * same memory as `bytes` starting at the same (4-aligned) byte, used to skip ASCII four bytes at a time.
 */
export const validateUtf8: (
  bytes: Uint8Array,
  words: Int32Array | null,
  start: number,
  end: number,
  state: number,
) => number = validateScalar;

/** Whole-buffer check (close reasons, tests): valid and complete. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const r = validateUtf8(bytes, null, 0, bytes.length, 0);
  return r >= 0 && (r & UTF8_CARRY) === 0;
}

/**
 * The runtime's own whole-buffer UTF-8 validator, if it has one: Node's `buffer.isUtf8` (simdutf; Node ≥ 18.14),
 * reached through `process.getBuiltinModule` (Node ≥ 20.16, Bun, Deno) so that nothing is imported and
 * browsers and older runtimes simply get `undefined`. It is as strict as RFC 3629 (simdutf rejects overlongs,
 * surrogates and code points above U+10FFFF), so it accepts exactly what `validateUtf8` accepts; test/backend
 * checks the two agree. Used for long text messages (C_UTF8_DEFER, validateUtf8Deferred): 38.8 vs 7.5 GB/s
 * for our WASM validator on mixed text (AVX-512 EPYC), 7.5 vs 2.6 GB/s (AVX2 Xeon), bench/kernels.bench.mjs
 * "validate UTF-8 mixed 64 KiB".
 */
export const platformIsUtf8: ((bytes: Uint8Array) => boolean) | undefined = (() => {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:buffer') as { isUtf8?: unknown } | undefined;
    const fn = mod?.isUtf8;
    if (typeof fn !== 'function') return undefined;
    const check = fn as (bytes: Uint8Array) => boolean;
    // Trust it only if it is as strict as RFC 3629 here (surrogate, overlongs, above U+10FFFF, truncated) and
    // accepts valid text.
    const ok = check(new Uint8Array([0x68, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]));
    const bad = [
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xf0, 0x80, 0x80, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xc2],
    ];
    const strict = bad.every((b) => !check(new Uint8Array(b)));
    return ok && strict ? check : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Deferred segments shorter than this go to validateUtf8: a call into the platform validator (view included)
 * costs ~57 ns whatever the length. bench/kernels.bench.mjs "validate UTF-8 mixed": the two meet at 64 B.
 */
const PLATFORM_MIN = 64;

/**
 * Validate `bytes[start, end)` continuing from `state`, like validateUtf8 (same state encoding, same verdict for
 * the segment, but no UTF8_NON_ASCII bit), with `platformIsUtf8` (which must exist) over the whole code points
 * in the middle: the state machine finishes a sequence carried in from the previous segment and keeps one cut by
 * this segment's end for the next. For text messages the backend left unvalidated (C_UTF8_DEFER, assembly/layout.ts).
 */
export function validateUtf8Deferred(bytes: Uint8Array, start: number, end: number, state: number): number {
  if (end - start < PLATFORM_MIN) {
    const r = validateUtf8(bytes, null, start, end, state);
    return r < 0 ? UTF8_INVALID : r & UTF8_CARRY;
  }
  let i = start;
  if (state !== 0) {
    const need = state & 0xff; // ≤ 3, and the segment is longer (≥ PLATFORM_MIN): these reads stay in range
    if (validateUtf8(bytes, null, i, i + need, state) < 0) return UTF8_INVALID;
    i += need;
  }
  // Back up over at most 3 continuation bytes to the last lead; if its sequence is cut short, it is carried.
  let k = end - 1;
  while (k > i && end - k < 4 && (bytes[k]! & 0xc0) === 0x80) k--;
  const lead = bytes[k]!;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  const cut = length > end - k ? k : end;
  if (cut > i && !platformIsUtf8!(new Uint8Array(bytes.buffer, bytes.byteOffset + i, cut - i))) return UTF8_INVALID;
  const r = validateUtf8(bytes, null, cut, end, 0);
  return r < 0 ? UTF8_INVALID : r & UTF8_CARRY;
}

// Streaming UTF-8 validation (strict RFC 3629, as RFC 6455 §8.1 requires for text), optionally fused with
// unmasking so masked text is read and written once.
//
// The SIMD part is the "lookup" algorithm of John Keiser and Daniel Lemire, "Validating UTF-8 In Less Than
// One Instruction Per Byte" (Software: Practice and Experience, 2021), as used in simdjson/simdutf: three
// 16-entry nibble tables classify each byte pair (previous byte's high and low nibble, current byte's high
// nibble) into error flags, a saturating subtract finds positions that must be the 3rd/4th byte of a
// sequence, and all-ASCII blocks skip the checks. Flag names follow simdutf. This is our own rendering in
// AssemblyScript.
//
// Streaming: the carry between calls is the scalar state `need | lo << 8 | hi << 16` (see utf8scalar.ts), not
// the previous SIMD block. Each call first finishes a pending sequence with the scalar machine, runs SIMD
// over whole 16-byte blocks from that code point boundary, then backs up to the last code point boundary
// and validates the rest with the scalar machine, which leaves the new carry.

import { UTF8_CARRY, UTF8_INVALID, UTF8_NON_ASCII } from './layout';
import { maskInPlace } from './mask';
import { rotateKey } from './rotate';
import { validateScalar } from './utf8scalar';

const TOO_SHORT: u8 = 1 << 0; // lead byte followed by a non-continuation
const TOO_LONG: u8 = 1 << 1; // ASCII followed by a continuation
const OVERLONG_3: u8 = 1 << 2; // E0 80..9F
const TOO_LARGE: u8 = 1 << 3; // F4 90..BF, F5..
const SURROGATE: u8 = 1 << 4; // ED A0..BF
const OVERLONG_2: u8 = 1 << 5; // C0, C1
const TOO_LARGE_1000: u8 = 1 << 6; // F5.. 80..8F
const OVERLONG_4: u8 = 1 << 6; // F0 80..8F
const TWO_CONTS: u8 = 1 << 7; // continuation after continuation
const CARRY: u8 = TOO_SHORT | TOO_LONG | TWO_CONTS;

// @ts-ignore: decorator
@inline function checkBlock(input: v128, prev: v128): v128 {
  const prev1 = i8x16.shuffle(prev, input, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
  const prev2 = i8x16.shuffle(prev, input, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29);
  const prev3 = i8x16.shuffle(prev, input, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28);
  const low = i8x16.splat(0x0f);
  // Indexed by the high nibble of the previous byte.
  const byte1High = i8x16(
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    TOO_SHORT | OVERLONG_2,
    TOO_SHORT,
    TOO_SHORT | OVERLONG_3 | SURROGATE,
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
  );
  // Indexed by the low nibble of the previous byte.
  const byte1Low = i8x16(
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4,
    CARRY | OVERLONG_2,
    CARRY,
    CARRY,
    CARRY | TOO_LARGE,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
  );
  // Indexed by the high nibble of the current byte.
  const byte2High = i8x16(
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
  );
  const special = v128.and(
    v128.and(
      i8x16.swizzle(byte1High, i8x16.shr_u(prev1, 4)),
      i8x16.swizzle(byte1Low, v128.and(prev1, low)),
    ),
    i8x16.swizzle(byte2High, i8x16.shr_u(input, 4)),
  );
  // Positions 2 or 3 after a 3-/4-byte lead must be continuations: there TWO_CONTS is expected, not an error.
  const third = i8x16.sub_sat_u(prev2, i8x16.splat(<i8>(0xe0 - 0x80)));
  const fourth = i8x16.sub_sat_u(prev3, i8x16.splat(<i8>(0xf0 - 0x80)));
  const must23 = v128.and(v128.or(third, fourth), i8x16.splat(<i8>0x80));
  return v128.xor(must23, special);
}

/** Non-zero lanes where a block ends inside a sequence (last 3 bytes hold a lead needing more bytes). */
// @ts-ignore: decorator
@inline function incompleteAtEnd(input: v128): v128 {
  return i8x16.sub_sat_u(
    input,
    i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, <i8>(0xf0 - 1), <i8>(0xe0 - 1), <i8>(0xc0 - 1)),
  );
}

/**
 * The scalar state machine (utf8scalar.ts) over [p, end), unmasking those bytes first when `key` != 0 (key
 * byte `phase` MOD 4 applies to the byte at p).
 */
function scalar(p: usize, end: usize, state: i32, key: u32, phase: usize): i32 {
  if (key != 0) maskInPlace(p, end - p, <u32>rotateKey(<i32>key, <i32>phase));
  return validateScalar(0, 0, p, end, state); // bytes and words at address 0: positions are addresses
}

/**
 * Validate (and, when `key` != 0, first unmask in place) `len` bytes at `ptr`, continuing from `state`.
 * Returns the new state, OR-ed with UTF8_NON_ASCII if a byte ≥ 0x80 was seen, or UTF8_INVALID.
 */
export function unmaskValidate(ptr: usize, len: usize, key: u32, state: i32): i32 {
  const end = ptr + len;
  let p = ptr;
  let nonAscii = 0;
  // 1. Finish a sequence left open by the previous call (at most 3 bytes).
  if ((state & 0xff) != 0) {
    const stop = min(end, p + <usize>(state & 0xff));
    const r = scalar(p, stop, state, key, 0);
    if (r == UTF8_INVALID) return UTF8_INVALID;
    nonAscii = r & UTF8_NON_ASCII;
    state = r & UTF8_CARRY;
    p = stop;
    if (p == end) return state | nonAscii;
  }
  // 2. SIMD over whole blocks, starting on a code point boundary.
  const simdStart = p;
  const k = i32x4.splat(rotateKey(<i32>key, <i32>(p - ptr)));
  const masked = key != 0;
  let prev = i8x16.splat(0);
  let prevIncomplete = i8x16.splat(0);
  let error = i8x16.splat(0);
  let high = i8x16.splat(0);
  // Two loops, so neither branches on content per block: ASCII blocks are skipped until the first non-ASCII
  // one, whose run is then checked block by block until a block is all ASCII again (against one loop with an
  // if/else per block, bench/kernels.bench.mjs "validate UTF-8 ascii 64 KiB": 1.6x). The loops repeat their
  // load/unmask and check lines on purpose: V8 schedules an inline helper per load, or one combining the four
  // checks, worse (same bench: 0.6x on ASCII, 0.9x on mixed text).
  while (p + 64 <= end) {
    // ASCII run: nothing to check (the block before it was ASCII too, or none).
    while (p + 64 <= end) {
      let a = v128.load(p);
      let b = v128.load(p + 16);
      let c = v128.load(p + 32);
      let d = v128.load(p + 48);
      if (masked) {
        a = v128.xor(a, k); b = v128.xor(b, k); c = v128.xor(c, k); d = v128.xor(d, k);
        v128.store(p, a); v128.store(p + 16, b); v128.store(p + 32, c); v128.store(p + 48, d);
      }
      p += 64;
      if (i8x16.bitmask(v128.or(v128.or(a, b), v128.or(c, d))) != 0) {
        // First non-ASCII block: check it, then stay in the checking loop below.
        high = v128.or(high, v128.or(v128.or(a, b), v128.or(c, d)));
        error = v128.or(error, checkBlock(a, prev));
        error = v128.or(error, checkBlock(b, a));
        error = v128.or(error, checkBlock(c, b));
        error = v128.or(error, checkBlock(d, c));
        prevIncomplete = incompleteAtEnd(d);
        prev = d;
        break;
      }
      // (prevIncomplete is zero throughout this loop: it is entered at the start or after an ASCII block.)
      prev = d;
    }
    // Non-ASCII run: every block fully checked, no branch on content until a block is all ASCII.
    while (p + 64 <= end) {
      let a = v128.load(p);
      let b = v128.load(p + 16);
      let c = v128.load(p + 32);
      let d = v128.load(p + 48);
      if (masked) {
        a = v128.xor(a, k); b = v128.xor(b, k); c = v128.xor(c, k); d = v128.xor(d, k);
        v128.store(p, a); v128.store(p + 16, b); v128.store(p + 32, c); v128.store(p + 48, d);
      }
      p += 64;
      const any = v128.or(v128.or(a, b), v128.or(c, d));
      high = v128.or(high, any);
      error = v128.or(error, checkBlock(a, prev));
      error = v128.or(error, checkBlock(b, a));
      error = v128.or(error, checkBlock(c, b));
      error = v128.or(error, checkBlock(d, c));
      prevIncomplete = incompleteAtEnd(d);
      prev = d;
      if (i8x16.bitmask(any) == 0) break; // back to the ASCII loop (checking an ASCII block is harmless)
    }
  }
  while (p + 16 <= end) {
    let a = v128.load(p);
    if (masked) {
      a = v128.xor(a, k);
      v128.store(p, a);
    }
    if (i8x16.bitmask(a) == 0) {
      error = v128.or(error, prevIncomplete);
      prevIncomplete = i8x16.splat(0);
    } else {
      high = v128.or(high, a);
      error = v128.or(error, checkBlock(a, prev));
      prevIncomplete = incompleteAtEnd(a);
    }
    prev = a;
    p += 16;
  }
  if (v128.any_true(error)) return UTF8_INVALID;
  if (i8x16.bitmask(high) != 0) nonAscii = UTF8_NON_ASCII;
  // 3. Back up to the last code point boundary inside the SIMD region: a sequence cut by the block end is
  //    re-validated (with the bytes after it) by the scalar machine, which also produces the carry.
  let from = p;
  for (let back: usize = 1; back <= 3 && p - back >= simdStart; back++) {
    const c = <i32>load<u8>(p - back);
    if (c < 0x80) break;
    if (c >= 0xc0) {
      const size: usize = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      if (back < size) from = p - back;
      break;
    }
  }
  // Bytes in [from, p) are already unmasked; bytes in [p, end) are unmasked by `scalar` first.
  let r = 0;
  if (from < p) {
    r = scalar(from, p, 0, 0, 0);
    if (r == UTF8_INVALID) return UTF8_INVALID;
  }
  r = scalar(p, end, r & UTF8_CARRY, key, p - ptr);
  if (r == UTF8_INVALID) return UTF8_INVALID;
  return r | nonAscii;
}

// Streaming UTF-8 validation as a byte-level state machine (strict RFC 3629: no overlongs, no surrogates
// U+D800–DFFF, nothing above U+10FFFF; RFC 6455 §8.1 requires it for text). The state between calls is
// `need | lo << 8 | hi << 16`: how many continuation bytes are still due and the allowed range of the next one
// (the second byte of E0/ED/F0/F4 sequences has a narrower range: Unicode Table 3-7). A decoder can move
// between backends mid-message because both run this machine and keep this carry.
// Portable (scripts/portable.mjs): the WASM module runs it on what its SIMD validator (utf8.ts) leaves (a
// sequence carried in, the tail after the last whole block), the TS backend on all of its text
// (src/backend/utf8.ts). Bytes are read through ./platform from `bytes` and `words`: base addresses in linear
// memory (0, so positions are addresses), or the typed arrays the TS backend passes. Parameters, not module
// variables bound before the call: those ran 0.5–0.9x as fast on the inputs of bench/kernels.bench.mjs
// "validate UTF-8" (interleaved A/B), where this is the TS validator's code as it was before translation.

import { UTF8_INVALID, UTF8_NON_ASCII } from './layout';
import { Bytes, Words, asciiWords, utf8Byte, utf8Word } from './platform';

/**
 * Validate the bytes at [start, end) of `bytes` continuing from `state`. Returns the new state (bits 0–23),
 * OR-ed with UTF8_NON_ASCII if any byte ≥ 0x80 was seen, or UTF8_INVALID. `words` reads the same memory as
 * `bytes` four bytes at a time (word w holds bytes 4w..4w+3), to skip ASCII; asciiWords(words) says if it can.
 */
export function validateScalar(bytes: Bytes, words: Words, start: usize, end: usize, state: i32): i32 {
  let need = state & 0xff;
  let lo = (state >> 8) & 0xff;
  let hi = (state >> 16) & 0xff;
  let nonAscii = 0;
  let i = start;
  while (i < end) {
    if (need == 0) {
      if (asciiWords(words) && (i & 3) == 0) {
        // ASCII fast path: 8 then 4 bytes per step while no byte has its top bit set.
        // (end ≥ 4 in WASM, where positions are addresses past the static data, so lastWord does not wrap.)
        let w = i >> 2;
        const lastWord = (end >> 2) - 1;
        while (w < lastWord && ((utf8Word(words, w) | utf8Word(words, w + 1)) & 0x80808080) == 0) w += 2;
        while (w <= lastWord && (utf8Word(words, w) & 0x80808080) == 0) w += 1;
        i = w << 2;
        if (i >= end) break;
      }
      const b = utf8Byte(bytes, i++);
      if (b < 0x80) continue;
      nonAscii = UTF8_NON_ASCII;
      if (b < 0xc2) return UTF8_INVALID; // continuation byte as lead, or C0/C1 (overlong 2-byte)
      if (b < 0xe0) {
        need = 1;
        lo = 0x80;
        hi = 0xbf;
      } else if (b < 0xf0) {
        need = 2;
        lo = b == 0xe0 ? 0xa0 : 0x80; // E0 80..9F would be overlong
        hi = b == 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
      } else if (b < 0xf5) {
        need = 3;
        lo = b == 0xf0 ? 0x90 : 0x80; // F0 80..8F would be overlong
        hi = b == 0xf4 ? 0x8f : 0xbf; // F4 90.. would be above U+10FFFF
      } else {
        return UTF8_INVALID; // F5..FF never appear in UTF-8
      }
    } else {
      const b = utf8Byte(bytes, i++);
      if (b < lo || b > hi) return UTF8_INVALID;
      need -= 1;
      lo = 0x80;
      hi = 0xbf;
    }
  }
  return (need == 0 ? 0 : need | (lo << 8) | (hi << 16)) | nonAscii;
}

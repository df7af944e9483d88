/**
 * Streaming UTF-8 validation as a byte-level state machine (strict RFC 3629: no overlongs, no surrogates
 * U+D800–DFFF, nothing above U+10FFFF; RFC 6455 §8.1 requires it for text). The state between calls is
 * `need | lo << 8 | hi << 16`: how many continuation bytes are still due and the allowed range of the next one
 * (the second byte of E0/ED/F0/F4 sequences has a narrower range — Unicode Table 3-7). `assembly/utf8.ts`
 * uses the same encoding for its carry, so a decoder can move between backends mid-message.
 */

/** Bit 24 of the result: a byte ≥ 0x80 was seen. */
export const UTF8_NON_ASCII = 0x1000000;
/** Result for invalid input. */
export const UTF8_INVALID = -1;

/**
 * Validate `bytes[start, end)` continuing from `state`. Returns the new state (bits 0–23), OR-ed with
 * UTF8_NON_ASCII if any byte ≥ 0x80 was seen, or UTF8_INVALID. `words`, when given, is an Int32Array over the
 * same memory as `bytes` starting at the same (4-aligned) byte, used to skip ASCII four bytes at a time.
 */
export function validateUtf8(
  bytes: Uint8Array,
  words: Int32Array | null,
  start: number,
  end: number,
  state: number,
): number {
  let need = state & 0xff;
  let lo = (state >>> 8) & 0xff;
  let hi = (state >>> 16) & 0xff;
  let nonAscii = 0;
  let i = start;
  while (i < end) {
    if (need === 0) {
      if (words !== null && (i & 3) === 0) {
        // ASCII fast path: 8 then 4 bytes per step while no byte has its top bit set.
        let w = i >> 2;
        const lastWord = (end >> 2) - 1;
        while (w < lastWord && ((words[w]! | words[w + 1]!) & 0x80808080) === 0) w += 2;
        while (w <= lastWord && (words[w]! & 0x80808080) === 0) w += 1;
        i = w << 2;
        if (i >= end) break;
      }
      const b = bytes[i++]!;
      if (b < 0x80) continue;
      nonAscii = UTF8_NON_ASCII;
      if (b < 0xc2) return UTF8_INVALID; // continuation byte as lead, or C0/C1 (overlong 2-byte)
      if (b < 0xe0) {
        need = 1;
        lo = 0x80;
        hi = 0xbf;
      } else if (b < 0xf0) {
        need = 2;
        lo = b === 0xe0 ? 0xa0 : 0x80; // E0 80..9F would be overlong
        hi = b === 0xed ? 0x9f : 0xbf; // ED A0..BF would be a surrogate
      } else if (b < 0xf5) {
        need = 3;
        lo = b === 0xf0 ? 0x90 : 0x80; // F0 80..8F would be overlong
        hi = b === 0xf4 ? 0x8f : 0xbf; // F4 90.. would be above U+10FFFF
      } else {
        return UTF8_INVALID; // F5..FF never appear in UTF-8
      }
    } else {
      const b = bytes[i++]!;
      if (b < lo || b > hi) return UTF8_INVALID;
      need -= 1;
      lo = 0x80;
      hi = 0xbf;
    }
  }
  return (need === 0 ? 0 : need | (lo << 8) | (hi << 16)) | nonAscii;
}

/** Whole-buffer check (close reasons, tests): valid and complete. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const r = validateUtf8(bytes, null, 0, bytes.length, 0);
  return r >= 0 && (r & 0xffffff) === 0;
}

// UTF-8 → UTF-16LE for text that has already been validated (utf8.ts), so JavaScript can build the string
// with a plain two-byte copy (Node's `ucs2Slice`): for non-ASCII text that is an order of magnitude faster
// than TextDecoder / utf8Slice on Node 20 (bench/kernels.bench.mjs "text: string creation").
//
// All-ASCII 16-byte blocks are widened with SIMD; a block holding any non-ASCII byte is decoded by code
// point up to the block's end. Input must be valid UTF-8: nothing here re-checks it.

export function utf8ToUtf16(src: usize, len: usize, dst: usize): usize {
  const end = src + len;
  let p = src;
  let q = dst;
  while (p < end) {
    let blockEnd = end;
    if (p + 16 <= end) {
      const v = v128.load(p);
      if (i8x16.bitmask(v) == 0) {
        v128.store(q, i16x8.extend_low_i8x16_u(v));
        v128.store(q + 16, i16x8.extend_high_i8x16_u(v));
        p += 16;
        q += 32;
        continue;
      }
      blockEnd = p + 16;
    }
    // Decode by code point to the end of this block (the last sequence may run past it).
    while (p < blockEnd) {
      // Runs of 8 ASCII bytes inside a mixed block: widen them together (mixed text is mostly ASCII runs).
      if (p + 8 <= end && (load<u64>(p) & 0x8080808080808080) == 0) {
        v128.store(q, i16x8.extend_low_i8x16_u(v128.load64_zero(p)));
        p += 8;
        q += 16;
        continue;
      }
      if (p + 4 <= end && (load<u32>(p) & 0x80808080) == 0) {
        store<u64>(q, i64x2.extract_lane(i16x8.extend_low_i8x16_u(v128.load32_zero(p)), 0));
        p += 4;
        q += 8;
        continue;
      }
      const b0 = <u32>load<u8>(p);
      if (b0 < 0x80) {
        store<u16>(q, <u16>b0);
        p += 1;
        q += 2;
      } else if (b0 < 0xe0) {
        store<u16>(q, <u16>(((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f)));
        p += 2;
        q += 2;
      } else if (b0 < 0xf0) {
        const b1 = <u32>load<u8>(p + 1) & 0x3f;
        store<u16>(q, <u16>(((b0 & 0x0f) << 12) | (b1 << 6) | (<u32>load<u8>(p + 2) & 0x3f)));
        p += 3;
        q += 2;
      } else {
        const cp = (((b0 & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) |
          ((<u32>load<u8>(p + 2) & 0x3f) << 6) | (<u32>load<u8>(p + 3) & 0x3f)) - 0x10000;
        store<u16>(q, <u16>(0xd800 + (cp >> 10))); // surrogate pair (Unicode §3.9, UTF-16)
        store<u16>(q + 2, <u16>(0xdc00 + (cp & 0x3ff)));
        p += 4;
        q += 4;
      }
    }
  }
  return (q - dst) >> 1;
}

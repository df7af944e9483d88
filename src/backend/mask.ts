/**
 * RFC 6455 §5.3 masking in TypeScript: the one fallback for the WASM kernel (assembly/mask.ts), used by the TS
 * backend to unmask payload and by its encoders to mask it. test/backend.test.ts checks the two against each
 * other for every length 0–300 and key phase 0–3.
 */
import { rotateKey } from '../generated/rotate.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * Below this many bytes a byte loop with the key bytes in registers beats the word loop when the caller has a
 * word view of `dst` already (bench/decode.bench.mjs bytewise "binary 20 B, 1 byte per push").
 */
const WORD_MIN = 32;
/** ... and below this many when one must be made first (bench/encode.bench.mjs "client binary 64 B"). */
const VIEW_MIN = 128;

/**
 * `dst[dstOff + i] = src[srcOff + i] ^ key byte (i MOD 4)` for i < len: `key` is little-endian, its low byte
 * applies to the first byte. `src` and `dst` may be the same bytes (unmasking in place). `dstWords`, if given,
 * is an Int32Array over all of `dst.buffer` from its first byte: the word loop then makes no view of its own.
 */
export function mask(
  src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, len: number, key: number,
  dstWords: Int32Array | null = null,
): void {
  let i = 0;
  if (len >= (dstWords === null ? VIEW_MIN : WORD_MIN) && LITTLE_ENDIAN) {
    let from = src.byteOffset + srcOff;
    const to = dst.byteOffset + dstOff;
    if (((from ^ to) & 3) !== 0) {
      // Unlike alignment: copy (memcpy), then XOR in place. Both arrays over one buffer are copied correctly
      // even if they overlap.
      dst.set(new Uint8Array(src.buffer, from, len), dstOff);
      src = dst;
      srcOff = dstOff;
      from = to;
    }
    const words = dstWords ?? new Int32Array(dst.buffer, 0, dst.buffer.byteLength >>> 2);
    const srcWords = src.buffer === dst.buffer ? words : new Int32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
    // Bytes up to the first word boundary, then whole words (four per step: fewer bounds checks and loop
    // branches, bench/kernels.bench.mjs "unmask 64 KiB"), then the bytes after the last one.
    for (; ((to + i) & 3) !== 0; i++) dst[dstOff + i] = src[srcOff + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
    const k = rotateKey(key, i);
    let s = (from + i) >>> 2;
    let d = (to + i) >>> 2;
    const end = d + ((len - i) >>> 2);
    for (; d + 4 <= end; d += 4, s += 4) {
      words[d] = srcWords[s]! ^ k;
      words[d + 1] = srcWords[s + 1]! ^ k;
      words[d + 2] = srcWords[s + 2]! ^ k;
      words[d + 3] = srcWords[s + 3]! ^ k;
    }
    for (; d < end; d++, s++) words[d] = srcWords[s]! ^ k;
    i = len - ((len - i) & 3);
  } else {
    const k0 = key & 0xff, k1 = (key >>> 8) & 0xff, k2 = (key >>> 16) & 0xff, k3 = key >>> 24;
    for (; i + 4 <= len; i += 4) {
      dst[dstOff + i] = src[srcOff + i]! ^ k0;
      dst[dstOff + i + 1] = src[srcOff + i + 1]! ^ k1;
      dst[dstOff + i + 2] = src[srcOff + i + 2]! ^ k2;
      dst[dstOff + i + 3] = src[srcOff + i + 3]! ^ k3;
    }
  }
  for (; i < len; i++) dst[dstOff + i] = src[srcOff + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
}

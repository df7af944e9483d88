/**
 * RFC 6455 §5.3 masking in TypeScript: the one fallback for the WASM kernel (assembly/mask.ts), used by the TS
 * backend to unmask payload (`unmaskAt`) and by its encoders to mask it (`mask`). Both run the same two loops,
 * over bytes and over words. test/backend.test.ts checks them against the WASM kernel for every length 0–300
 * and key phase 0–3. Keys are little-endian: the low byte applies to the first byte.
 */
import { rotateKey } from '../generated/rotate.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * Below this many bytes a byte loop with the key bytes in registers beats the word loop, when the word views
 * exist already (bench/decode.bench.mjs sweep "server binary 16 B").
 */
const WORD_MIN = 32;
/** ... and below this many when a view must be made first (bench/encode.bench.mjs "client binary 64 B"). */
const VIEW_MIN = 128;

/** `dst[d + i] = src[s + i] ^ key byte (i MOD 4)` for i < len. */
function xorBytes(src: Uint8Array, s: number, dst: Uint8Array, d: number, len: number, key: number): void {
  const k0 = key & 0xff, k1 = (key >>> 8) & 0xff, k2 = (key >>> 16) & 0xff, k3 = key >>> 24;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    dst[d + i] = src[s + i]! ^ k0;
    dst[d + i + 1] = src[s + i + 1]! ^ k1;
    dst[d + i + 2] = src[s + i + 2]! ^ k2;
    dst[d + i + 3] = src[s + i + 3]! ^ k3;
  }
  for (; i < len; i++) dst[d + i] = src[s + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
}

/** `to[w] = from[w] ^ key` for w in [start, end): four per step (fewer bounds checks and loop branches). */
function xorWords(from: Int32Array, to: Int32Array, start: number, end: number, key: number): void {
  let w = start;
  for (; w + 4 <= end; w += 4) {
    to[w] = from[w]! ^ key;
    to[w + 1] = from[w + 1]! ^ key;
    to[w + 2] = from[w + 2]! ^ key;
    to[w + 3] = from[w + 3]! ^ key;
  }
  for (; w < end; w++) to[w] = from[w]! ^ key;
}

/**
 * Unmask `src[off, off + len)` into `dst` at the same offset (the TS backend's chunk into its window, or in
 * place). `srcWords` and `dstWords` are Int32Arrays over the same memory as `src` and `dst` from their first
 * byte (which must be 4-aligned in its buffer), so word w holds bytes 4w..4w+3 of both; `srcWords` null: `src`
 * is not 4-aligned, and is copied first.
 */
export function unmaskAt(
  src: Uint8Array, srcWords: Int32Array | null, dst: Uint8Array, dstWords: Int32Array, off: number, len: number,
  key: number,
): void {
  if (len < WORD_MIN || !LITTLE_ENDIAN) return xorBytes(src, off, dst, off, len, key);
  let from = srcWords;
  if (from === null) {
    dst.set(new Uint8Array(src.buffer, src.byteOffset + off, len), off);
    src = dst;
    from = dstWords;
  }
  const head = (4 - (off & 3)) & 3;
  xorBytes(src, off, dst, off, head, key);
  const end = (off + len) >> 2;
  xorWords(from, dstWords, (off + head) >> 2, end, rotateKey(key, head));
  const tail = end << 2;
  xorBytes(src, tail, dst, tail, off + len - tail, rotateKey(key, tail - off));
}

/** Write `src[srcOff, srcOff + len)` masked with `key` into `dst` at `dstOff` (the encoders). */
export function mask(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, len: number, key: number): void {
  if (len < VIEW_MIN || !LITTLE_ENDIAN) return xorBytes(src, srcOff, dst, dstOff, len, key);
  // Copy (memcpy), then XOR in place through a view of the destination's whole words.
  dst.set(srcOff === 0 && len === src.length ? src : new Uint8Array(src.buffer, src.byteOffset + srcOff, len), dstOff);
  const start = dst.byteOffset + dstOff;
  const head = (4 - (start & 3)) & 3;
  const words = new Int32Array(dst.buffer, start + head, (len - head) >> 2);
  xorBytes(dst, dstOff, dst, dstOff, head, key);
  xorWords(words, words, 0, words.length, rotateKey(key, head));
  const done = head + (words.length << 2);
  xorBytes(dst, dstOff + done, dst, dstOff + done, len - done, rotateKey(key, done));
}

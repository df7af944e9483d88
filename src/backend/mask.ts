/**
 * RFC 6455 §5.3 masking in TypeScript: the one fallback for the WASM kernel (assembly/mask.ts), used by the TS
 * backend to unmask payload (`unmaskAt`) and by its encoders to mask it (`maskInto`, by way of `unmaskAt`): one
 * byte loop and one word loop. test/backend/kernels.test.ts checks them against the WASM kernel for every length
 * 0–300 and key phase 0–3. Keys are little-endian: the low byte applies to the first byte.
 */
import { rotateKey } from '../portable/rotate.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * Runs of this many bytes take the word loop when the word views are at hand (at least 7): word ÷ byte loop
 * time 1.05 at 8 B, 0.8 at 16 B (the segments of bench/decode.bench.mjs sweep "server binary 16 B").
 */
export const WORD_MIN = 16;
/**
 * ... and from this many when a word view must be made first: view and word loop ÷ byte loop time 1.0 at 96 B,
 * 0.84 at 128 B (bench/encode.bench.mjs "client binary 64 B" stays on the byte loop).
 */
export const VIEW_MIN = 128;

/**
 * `dst[d + i] = src[s + i] ^ key byte (i MOD 4)` for i < len: the byte loop, also for the encoder's short text
 * frames, masked in place (`MessageEncoder.text`).
 */
export function xorBytes(src: Uint8Array, s: number, dst: Uint8Array, d: number, len: number, key: number): void {
  const k0 = key & 0xff,
    k1 = (key >>> 8) & 0xff,
    k2 = (key >>> 16) & 0xff,
    k3 = key >>> 24;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    dst[d + i] = src[s + i]! ^ k0;
    dst[d + i + 1] = src[s + i + 1]! ^ k1;
    dst[d + i + 2] = src[s + i + 2]! ^ k2;
    dst[d + i + 3] = src[s + i + 3]! ^ k3;
  }
  for (; i < len; i++) dst[d + i] = src[s + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
}

/**
 * Unmask `src[off, off + len)` into `dst` at the same offset (the TS backend's chunk into its window, or in
 * place). `srcWords` and `dstWords` are Int32Arrays over the same memory as `src` and `dst` from their first
 * byte (which must be 4-aligned in its buffer), so word w holds bytes 4w..4w+3 of both; `srcWords` null: `src`
 * is not 4-aligned, and is copied first.
 */
export function unmaskAt(
  src: Uint8Array,
  srcWords: Int32Array | null,
  dst: Uint8Array,
  dstWords: Int32Array,
  off: number,
  len: number,
  key: number,
): void {
  if (len < WORD_MIN || !LITTLE_ENDIAN) return xorBytes(src, off, dst, off, len, key);
  let from = srcWords;
  if (from === null) {
    dst.set(new Uint8Array(src.buffer, src.byteOffset + off, len), off);
    src = dst;
    from = dstWords;
  }
  // Whole words, four per step (fewer bounds checks and loop branches: bench/kernels.bench.mjs "unmask 64 KiB"),
  // and the bytes before the first word boundary and after the last one, at most 3 each (loops here: a call
  // per segment end cost 1.3x on 1 KiB segments).
  const end = off + len;
  const first = (off + 3) & ~3;
  const last = end & ~3;
  for (let i = off; i < first; i++) dst[i] = src[i]! ^ ((key >>> (((i - off) & 3) << 3)) & 0xff);
  for (let i = last; i < end; i++) dst[i] = src[i]! ^ ((key >>> (((i - off) & 3) << 3)) & 0xff);
  const k = rotateKey(key, first - off);
  const words = last >> 2;
  let w = first >> 2;
  for (; w < words - 3; w += 4) {
    dstWords[w] = from[w]! ^ k;
    dstWords[w + 1] = from[w + 1]! ^ k;
    dstWords[w + 2] = from[w + 2]! ^ k;
    dstWords[w + 3] = from[w + 3]! ^ k;
  }
  for (; w < words; w++) dstWords[w] = from[w]! ^ k;
}

/** Write `payload` masked with `key` into `out` at `offset` (the encoders: JsBackend.maskInto). */
export function maskInto(out: Uint8Array, offset: number, payload: Uint8Array, key: number): void {
  const len = payload.length;
  if (len < VIEW_MIN || (out.byteOffset & 3) !== 0) return xorBytes(payload, 0, out, offset, len, key);
  // Copy (memcpy), then unmask in place through a word view.
  out.set(payload, offset);
  const words = new Int32Array(out.buffer, out.byteOffset, out.length >> 2);
  unmaskAt(out, words, out, words, offset, len, key);
}

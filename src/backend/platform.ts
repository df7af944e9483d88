/**
 * What the portable frame walk (assembly/frame.ts, translated into src/generated/frame.ts) reads and writes,
 * for the TS backend: the same functions as assembly/platform.ts, over the decoder's Int32Array state, the
 * caller's chunk (read in place), and the backend's records and window (masked payload is unmasked into the
 * window at its chunk offset). `bind` points them at one call's arrays; calls are synchronous, so one set of
 * module variables serves every decoder.
 */
import { REC_WORDS, R_FLAGS, R_FLEN_HI, R_FLEN_LO, R_LEN, R_MASK, R_OFF, R_SPARE, R_STATUS, S_HDR } from '../generated/layout.js';
import { mask } from './mask.js';
import { validateUtf8 } from './utf8.js';

const TWO32 = 4294967296;
let state: Int32Array = new Int32Array(0);
let chunk: Uint8Array = new Uint8Array(0);
let records: Int32Array = new Int32Array(0);
let window: Uint8Array = new Uint8Array(0);
let windowWords: Int32Array = new Int32Array(0);

/** Point the state and header reads at a decoder's `s` and the chunk `c`. */
export function bind(s: Int32Array, c: Uint8Array): void {
  state = s;
  chunk = c;
}

/** Point record writes and unmasking at a backend's `recs` and `win` (`words` views all of win.buffer). */
export function bindOutput(recs: Int32Array, win: Uint8Array, words: Int32Array): void {
  records = recs;
  window = win;
  windowWords = words;
}

export function getS(i: number): number {
  return state[i]!;
}
export function setS(i: number, v: number): void {
  state[i] = v;
}
/** The 64-bit state value whose low word is `i` (≤ 2^53 - 1). */
export function getS64(i: number): number {
  const hi = state[i + 1]!;
  return hi === 0 ? state[i]! >>> 0 : (hi >>> 0) * TWO32 + (state[i]! >>> 0);
}
export function setS64(i: number, v: number): void {
  state[i] = v >>> 0;
  state[i + 1] = v < TWO32 ? 0 : Math.floor(v / TWO32); // no division for the common < 4 GiB case
}

/** Byte `i` of the header that starts with the `held` bytes spilled into S_HDR and goes on at chunk `pos`. */
export function headerByte(held: number, pos: number, i: number): number {
  return i < held ? (state[S_HDR + (i >> 2)]! >>> ((i & 3) << 3)) & 0xff : chunk[pos + i - held]!;
}

/** Copy header bytes `held` to `avail` (chunk bytes from `pos`) into S_HDR, after the `held` already there. */
export function spillHeader(held: number, avail: number, pos: number): void {
  for (let i = held; i < avail; i++) {
    const w = S_HDR + (i >> 2);
    const s = (i & 3) << 3;
    state[w] = (state[w]! & ~(0xff << s)) | (chunk[pos + i - held]! << s);
  }
}

export function writeRecord(n: number, flags: number, off: number, len: number, frameLength: number, key: number, status: number): void {
  const r = n * REC_WORDS;
  records[r + R_FLAGS] = flags;
  records[r + R_OFF] = off;
  records[r + R_LEN] = len;
  records[r + R_FLEN_LO] = frameLength >>> 0;
  records[r + R_FLEN_HI] = frameLength < TWO32 ? 0 : Math.floor(frameLength / TWO32);
  records[r + R_STATUS] = status;
  records[r + R_MASK] = key;
  records[r + R_SPARE] = 0;
}

/** Unmask the `len` payload bytes at chunk offset `off` with `key` (phase 0 there) into the window. */
export function unmaskSegment(off: number, len: number, key: number): void {
  mask(chunk, off, window, off, len, key, windowWords);
}

/**
 * Validate the `len` text bytes at chunk offset `off` as UTF-8 from `carry`, unmasking them into the window
 * first when `masked`; returns the validator's result (UTF8_* in the contract).
 */
export function validateSegment(off: number, len: number, masked: boolean, key: number, carry: number): number {
  if (masked) {
    mask(chunk, off, window, off, len, key, windowWords);
    return validateUtf8(window, windowWords, off, off + len, carry);
  }
  const words = (chunk.byteOffset & 3) === 0 ? new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2) : null;
  return validateUtf8(chunk, words, off, off + len, carry);
}

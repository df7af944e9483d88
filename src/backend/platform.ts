/**
 * What the portable frame walk (assembly/frame.ts, translated into src/portable/frame.ts) reads and writes,
 * for the TS backend: the same functions as assembly/platform.ts, over the decoder's Int32Array state, the
 * caller's chunk (read in place), and the backend's records and window (masked payload is unmasked into the
 * window at its chunk offset). `bind` points them at one call's arrays; calls are synchronous, so one set of
 * module variables serves every decoder. The functions marked `@inline` are expanded where the walk calls them
 * (scripts/portable.mjs), as `asc` does with those of assembly/platform.ts: what they use is exported for that.
 */
import {
  REC_WORDS,
  R_FLAGS,
  R_FLEN_HI,
  R_FLEN_LO,
  R_LEN,
  R_MASK,
  R_OFF,
  R_SPARE,
  R_STATUS,
  S_HDR,
} from '../portable/layout.js';
import { VIEW_MIN, WORD_MIN, unmaskAt } from './mask.js';
import { validateUtf8 } from './utf8.js';

export const TWO32 = 4294967296;
export let state: Int32Array = new Int32Array(0);
export let chunk: Uint8Array = new Uint8Array(0);
export let records: Int32Array = new Int32Array(0);
/** Where header bytes are read: the chunk, or `joined` while a header held in the state is read. */
export let header: Uint8Array = chunk;
const joined = new Uint8Array(16);
const NO_BYTES = new Uint8Array(0);
export let windowBytes: Uint8Array = new Uint8Array(0);
export let windowWords: Int32Array = new Int32Array(0);
/**
 * Int32Array over the chunk from its first byte, made when first needed; null if the chunk is not 4-aligned or
 * too short to repay making it (VIEW_MIN).
 */
let chunkWords: Int32Array | null = null;
let chunkWordsMade = false;

/** Point the state and header reads at a decoder's `s` and the chunk `c`. */
export function bind(s: Int32Array, c: Uint8Array): void {
  state = s;
  chunk = c;
  header = c;
  chunkWordsMade = false;
}

/** Let go of the chunk of the last call (it may be large). */
export function unbind(): void {
  chunk = header = NO_BYTES;
  chunkWords = null;
}

export function wordsOfChunk(): Int32Array | null {
  if (!chunkWordsMade) {
    const worth = chunk.length >= VIEW_MIN && (chunk.byteOffset & 3) === 0;
    chunkWords = worth ? new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2) : null;
    chunkWordsMade = true;
  }
  return chunkWords;
}

/** Point record writes and unmasking at a backend's `recs` and `win` (`words` views all of win.buffer). */
export function bindOutput(recs: Int32Array, win: Uint8Array, words: Int32Array): void {
  records = recs;
  windowBytes = win;
  windowWords = words;
}

/** State word `i`. @inline */
export function getS(i: number): number {
  return state[i]!;
}
/** @inline */
export function setS(i: number, v: number): void {
  state[i] = v;
}
/** The 64-bit state value whose low word is `i` (≤ 2^53 - 1). @inline */
export function getS64(i: number): number {
  return state[i + 1] === 0 ? state[i]! >>> 0 : (state[i + 1]! >>> 0) * TWO32 + (state[i]! >>> 0);
}
/** @inline */
export function setS64(i: number, v: number): void {
  state[i] = v >>> 0;
  state[i + 1] = v < TWO32 ? 0 : Math.floor(v / TWO32); // no division for the common < 4 GiB case
}

/** Where the header at chunk offset `pos` is (in `header`, the chunk). @inline */
export function headerAt(pos: number): number {
  return pos;
}
/**
 * Where the header is whose first `held` bytes are spilled in S_HDR and the rest at chunk offset `pos` (`avail`
 * bytes in all): `joined`, which `header` is until `releaseHeader`.
 */
export function joinHeader(held: number, avail: number, pos: number): number {
  for (let i = 0; i < held; i++) joined[i] = (state[S_HDR + (i >> 2)]! >>> ((i & 3) << 3)) & 0xff;
  const end = Math.min(avail, 14);
  for (let i = held; i < end; i++) joined[i] = chunk[pos + i - held]!;
  header = joined;
  return 0;
}
/** The joined header has been read: read the chunk again. */
export function releaseHeader(): void {
  header = chunk;
}
/** Byte `i` of the header at `at`. @inline */
export function headerByte(at: number, i: number): number {
  return header[at + i]!;
}

/** Copy header bytes `held` to `avail` (chunk bytes from `pos`) into S_HDR, after the `held` already there. */
export function spillHeader(held: number, avail: number, pos: number): void {
  for (let i = held; i < avail; i++) {
    const w = S_HDR + (i >> 2);
    const s = (i & 3) << 3;
    state[w] = (state[w]! & ~(0xff << s)) | (chunk[pos + i - held]! << s);
  }
}

/** @inline */
export function writeRecord(
  n: number,
  flags: number,
  off: number,
  len: number,
  frameLength: number,
  key: number,
  status: number,
): void {
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

/**
 * Unmask the `len` payload bytes at chunk offset `off` with `key` (phase 0 there) into the window (the chunk's
 * words are looked at only for a segment long enough for the word loop). @inline
 */
export function unmaskSegment(off: number, len: number, key: number): void {
  unmaskAt(chunk, len < WORD_MIN ? null : wordsOfChunk(), windowBytes, windowWords, off, len, key);
}

// What the scalar UTF-8 validator (assembly/utf8scalar.ts, translated into src/portable/utf8scalar.ts) reads:
// positions are indices into `bytes`, and into `words`, an Int32Array over the same memory from the same
// (4-aligned) byte, or null.
export type Bytes = Uint8Array;
export type Words = Int32Array | null;

/** Byte `i`. @inline */
export function utf8Byte(bytes: Bytes, i: number): number {
  return bytes[i]!;
}
/** Word `w`: bytes 4w..4w+3. @inline */
export function utf8Word(words: Words, w: number): number {
  return words![w]!;
}
/** Whether utf8Word may be used (for 4-aligned positions): there is a word view. @inline */
export function asciiWords(words: Words): boolean {
  return words !== null;
}

/**
 * Validate the `len` text bytes at chunk offset `off` as UTF-8 from `carry`, unmasking them into the window
 * first when `masked`; returns the validator's result (UTF8_* in the contract).
 */
export function validateSegment(off: number, len: number, masked: boolean, key: number, carry: number): number {
  if (masked) {
    unmaskAt(chunk, len < WORD_MIN ? null : wordsOfChunk(), windowBytes, windowWords, off, len, key);
    return validateUtf8(windowBytes, windowWords, off, off + len, carry);
  }
  return validateUtf8(chunk, wordsOfChunk(), off, off + len, carry);
}

// What the portable frame walk (frame.ts) reads and writes, over linear memory: the decoder's state copied to
// STATE_PTR, the chunk copied to WINDOW_PTR (payload is unmasked there in place), the records at RECORDS_PTR.
// src/backend/platform.ts implements the same functions for the TS backend over typed arrays.
import { REC_WORDS, R_FLAGS, R_FLEN_LO, R_LEN, R_MASK, R_OFF, R_SPARE, R_STATUS, S_HDR } from './layout';
import { maskInPlace } from './mask';
import { RECORDS_PTR, STATE_PTR, WINDOW_PTR } from './memory';
import { unmaskValidate } from './utf8';

/** State word `i`. */
// @ts-ignore: decorator
@inline export function getS(i: i32): i32 {
  return load<i32>(STATE_PTR + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function setS(i: i32, v: i32): void {
  store<i32>(STATE_PTR + (<usize>i << 2), v);
}
/** The 64-bit state value whose low word is `i` (little-endian, as the TS side splits it). */
// @ts-ignore: decorator
@inline export function getS64(i: i32): u64 {
  return load<u64>(STATE_PTR + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function setS64(i: i32, v: u64): void {
  store<u64>(STATE_PTR + (<usize>i << 2), v);
}

// A header is read where its bytes are in one place: an address, in the chunk or in the spill area.

/** Where the header at chunk offset `pos` is. */
// @ts-ignore: decorator
@inline export function headerAt(pos: i32): i32 {
  return <i32>WINDOW_PTR + pos;
}
/**
 * Where the header is whose first `held` bytes are spilled in S_HDR and the rest at chunk offset `pos` (`avail`
 * bytes in all): the chunk's bytes are appended to the spill area (16 bytes, a header is at most 14).
 */
export function joinHeader(held: i32, avail: i32, pos: i32): i32 {
  const spill = STATE_PTR + (<usize>S_HDR << 2);
  const end = min(avail, 14);
  for (let i = held; i < end; i++) store<u8>(spill + <usize>i, load<u8>(WINDOW_PTR + <usize>(pos + i - held)));
  return <i32>spill;
}
/** The joined header has been read (nothing to do here: the next `headerAt` is an address in the chunk). */
// @ts-ignore: decorator
@inline export function releaseHeader(): void {}
/** Byte `i` of the header at `at`. */
// @ts-ignore: decorator
@inline export function headerByte(at: i32, i: i32): i32 {
  return <i32>load<u8>(<usize>(at + i));
}

/** Copy header bytes `held` to `avail` (chunk bytes from `pos`) into S_HDR, after the `held` already there. */
export function spillHeader(held: i32, avail: i32, pos: i32): void {
  const spill = STATE_PTR + (<usize>S_HDR << 2);
  for (let i = held; i < avail; i++) store<u8>(spill + <usize>i, load<u8>(WINDOW_PTR + <usize>(pos + i - held)));
}

// @ts-ignore: decorator
@inline export function writeRecord(
  n: i32, flags: i32, off: i32, len: i32, frameLength: u64, key: i32, status: i32,
): void {
  const r = RECORDS_PTR + (<usize>(n * REC_WORDS) << 2);
  store<i32>(r + (<usize>R_FLAGS << 2), flags);
  store<i32>(r + (<usize>R_OFF << 2), off);
  store<i32>(r + (<usize>R_LEN << 2), len);
  store<u64>(r + (<usize>R_FLEN_LO << 2), frameLength);
  store<i32>(r + (<usize>R_STATUS << 2), status);
  store<i32>(r + (<usize>R_MASK << 2), key);
  store<i32>(r + (<usize>R_SPARE << 2), 0);
}

/** Unmask the `len` payload bytes at chunk offset `off` with `key` (phase 0 there) into the window. */
// @ts-ignore: decorator
@inline export function unmaskSegment(off: i32, len: i32, key: i32): void {
  maskInPlace(WINDOW_PTR + <usize>off, <usize>len, <u32>key);
}

/**
 * Validate the `len` text bytes at chunk offset `off` as UTF-8 from `carry`, unmasking them with `key` first
 * when `masked`; returns the validator's result (UTF8_* in layout.ts).
 */
// @ts-ignore: decorator
@inline export function validateSegment(off: i32, len: i32, masked: bool, key: i32, carry: i32): i32 {
  return unmaskValidate(WINDOW_PTR + <usize>off, <usize>len, masked ? <u32>key : 0, carry);
}

// What the scalar UTF-8 validator (utf8scalar.ts) reads: `bytes` and `words` are base addresses (0 where it is
// called: positions are addresses).
export type Bytes = usize;
export type Words = usize;

/** The byte at `bytes + p`. */
// @ts-ignore: decorator
@inline export function utf8Byte(bytes: Bytes, p: usize): i32 {
  return <i32>load<u8>(bytes + p);
}
/** Word `w`: the bytes at `words + 4w` to `words + 4w + 3`. */
// @ts-ignore: decorator
@inline export function utf8Word(words: Words, w: usize): u32 {
  return load<u32>(words + (w << 2));
}
/** Whether utf8Word may be used (for 4-aligned positions): always, memory is read as words anywhere. */
// @ts-ignore: decorator
@inline export function asciiWords(words: Words): bool {
  return true;
}

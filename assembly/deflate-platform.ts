// What the portable DEFLATE compressor (deflate.ts) reads and writes, over the linear memory of the deflate
// module: a compressor context at an absolute address (its header words, window, prev and head chains), the
// shared scratch at SCRATCH (trees, heap, static tables, symbol buffer) and the output area at OUT. The message
// is not copied in whole: fill_window asks the host for each piece (readInput), straight into the window, and
// full output is handed over (drainOutput), so a message of any size costs no memory here.
// src/deflate/platform.ts implements the same functions for the TS backend over typed arrays.
import { OUT_DRAIN, SCRATCH_SIZE } from './deflate-layout';

/** Host: copy the message's bytes [pos, pos + n) to address `dst`. */
// @ts-ignore: decorator
@external('env', 'readInput')
declare function readInput(dst: usize, pos: i32, n: i32): void;
/** Host: take the first `n` bytes of the output area. */
// @ts-ignore: decorator
@external('env', 'drainOutput')
declare function drainOutput(n: i32): void;

/** The scratch every compressor shares (one call at a time: the calls are synchronous). */
export const SCRATCH: usize = (__heap_base + 63) & ~<usize>63;
/** Where the allocator (src/deflate/kernel.ts) may put context and I/O blocks. */
export const HEAP_START: usize = (SCRATCH + <usize>SCRATCH_SIZE + 63) & ~<usize>63;
let OUT: usize = 0;

/** Point the output functions at the output area (OUT_BYTES at `output`). */
export function bindOutput(output: usize): void {
  OUT = output;
}

// Context memory, by absolute address.
// @ts-ignore: decorator
@inline export function c8(a: i32): i32 {
  return <i32>load<u8>(<usize>a);
}
// @ts-ignore: decorator
@inline export function c16(a: i32): i32 {
  return <i32>load<u16>(<usize>a);
}
// @ts-ignore: decorator
@inline export function cs16(a: i32, v: i32): void {
  store<u16>(<usize>a, <u16>v);
}
// @ts-ignore: decorator
@inline export function c32(a: i32): i32 {
  return load<i32>(<usize>a);
}
// @ts-ignore: decorator
@inline export function cs32(a: i32, v: i32): void {
  store<i32>(<usize>a, v);
}
/** The 4 bytes at `a`, little-endian (what the hash reads). */
// @ts-ignore: decorator
@inline export function c8x4(a: i32): i32 {
  return load<i32>(<usize>a);
}
/** Wrapping 32-bit multiplication. */
// @ts-ignore: decorator
@inline export function mul32(a: i32, b: i32): i32 {
  return a * b;
}
/** Copy `n` context bytes from `src` to `dst` (they may overlap). */
// @ts-ignore: decorator
@inline export function copyWithin(dst: i32, src: i32, n: i32): void {
  memory.copy(<usize>dst, <usize>src, <usize>n);
}
/** Zero `n` context bytes at `a`. */
// @ts-ignore: decorator
@inline export function zero(a: i32, n: i32): void {
  memory.fill(<usize>a, 0, <usize>n);
}
/** Copy `n` input bytes from input offset `pos` to context address `dst`. */
// @ts-ignore: decorator
@inline export function readIn(dst: i32, pos: i32, n: i32): void {
  readInput(<usize>dst, pos, n);
}
/** `pos` output bytes are waiting: hand them over if the next block might not fit. Returns the new count. */
export function drainOut(pos: i32): i32 {
  if (pos < OUT_DRAIN) return pos;
  drainOutput(pos);
  return 0;
}

/**
 * The length of the match at context addresses `scan` and `match` whose first bytes are known equal: the first
 * k in [3, 258) where the bytes differ, or 258 (zlib's longest_match never compares byte 2). 8 bytes a step.
 */
export function runLength(scan: i32, match: i32): i32 {
  let k = 3;
  while (k <= 250) {
    const x = load<u64>(<usize>(scan + k)) ^ load<u64>(<usize>(match + k));
    if (x != 0) return k + <i32>(ctz(x) >> 3);
    k += 8;
  }
  while (k < 258) {
    if (load<u8>(<usize>(scan + k)) != load<u8>(<usize>(match + k))) return k;
    k++;
  }
  return 258;
}

/** The `n` 16-bit entries at `a` (n a multiple of 8): each m becomes m - wsize, or 0 below (zlib's slide_hash). */
export function slideHash(a: i32, n: i32, wsize: i32): void {
  const w = i16x8.splat(<i16>wsize);
  const end = <usize>a + (<usize>n << 1);
  for (let p = <usize>a; p < end; p += 16) v128.store(p, i16x8.sub_sat_u(v128.load(p), w));
}

// Scratch, by offset.
// @ts-ignore: decorator
@inline export function s8(o: i32): i32 {
  return <i32>load<u8>(SCRATCH + <usize>o);
}
// @ts-ignore: decorator
@inline export function ss8(o: i32, v: i32): void {
  store<u8>(SCRATCH + <usize>o, <u8>v);
}
// @ts-ignore: decorator
@inline export function s16(o: i32): i32 {
  return <i32>load<u16>(SCRATCH + <usize>o);
}
// @ts-ignore: decorator
@inline export function ss16(o: i32, v: i32): void {
  store<u16>(SCRATCH + <usize>o, <u16>v);
}
// @ts-ignore: decorator
@inline export function s32(o: i32): i32 {
  return load<i32>(SCRATCH + <usize>o);
}
// @ts-ignore: decorator
@inline export function ss32(o: i32, v: i32): void {
  store<i32>(SCRATCH + <usize>o, v);
}

// Output, by offset.
// @ts-ignore: decorator
@inline export function out8(pos: i32, v: i32): void {
  store<u8>(OUT + <usize>pos, <u8>v);
}
/** Two bytes, little-endian. */
// @ts-ignore: decorator
@inline export function out16(pos: i32, v: i32): void {
  store<u16>(OUT + <usize>pos, <u16>v);
}
/** Copy `n` context bytes at `a` to output offset `pos`. */
// @ts-ignore: decorator
@inline export function copyOut(pos: i32, a: i32, n: i32): void {
  memory.copy(OUT + <usize>pos, <usize>a, <usize>n);
}

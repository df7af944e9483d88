/**
 * What the portable DEFLATE compressor (assembly/deflate.ts, translated into src/portable/deflate.ts) reads and
 * writes, for the TS backend: the same functions as assembly/deflate-platform.ts, over typed arrays — one
 * context's ArrayBuffer (addresses are offsets into it), a module-wide scratch, the caller's input (read in
 * place) and an output array. `bind` points them at one call's arrays; calls are synchronous. The functions
 * marked `@inline` are expanded where the kernel calls them (scripts/portable.mjs).
 */
import { SCRATCH_SIZE } from '../portable/deflate-layout.js';

export let mem8: Uint8Array = new Uint8Array(0);
export let mem16: Uint16Array = new Uint16Array(0);
export let mem32: Int32Array = new Int32Array(0);
const scratch = new ArrayBuffer(SCRATCH_SIZE);
export const scr8: Uint8Array = new Uint8Array(scratch);
export const scr16: Uint16Array = new Uint16Array(scratch);
export const scr32: Int32Array = new Int32Array(scratch);
export let input: Uint8Array = new Uint8Array(0);
export let outBytes: Uint8Array = new Uint8Array(0);

/** One context's views (over the same ArrayBuffer). */
export interface ContextViews {
  u8: Uint8Array;
  u16: Uint16Array;
  i32: Int32Array;
}

/** Point the functions at a context, an input and an output (room for outputBound bytes). */
export function bind(views: ContextViews, data: Uint8Array, out: Uint8Array): void {
  mem8 = views.u8;
  mem16 = views.u16;
  mem32 = views.i32;
  input = data;
  outBytes = out;
}

/** Let go of the last call's arrays. */
export function unbind(): void {
  input = outBytes = new Uint8Array(0);
}

/** @inline */
export function c8(a: number): number {
  return mem8[a]!;
}
/** @inline */
export function c16(a: number): number {
  return mem16[a >> 1]!;
}
/** @inline */
export function cs16(a: number, v: number): void {
  mem16[a >> 1] = v;
}
/** @inline */
export function c32(a: number): number {
  return mem32[a >> 2]!;
}
/** @inline */
export function cs32(a: number, v: number): void {
  mem32[a >> 2] = v;
}
/** The 4 bytes at `a`, little-endian. @inline */
export function c8x4(a: number): number {
  return mem8[a]! | (mem8[a + 1]! << 8) | (mem8[a + 2]! << 16) | (mem8[a + 3]! << 24);
}
/** @inline */
export function mul32(a: number, b: number): number {
  return Math.imul(a, b);
}
export function copyWithin(dst: number, src: number, n: number): void {
  mem8.copyWithin(dst, src, src + n);
}
export function zero(a: number, n: number): void {
  mem8.fill(0, a, a + n);
}
export function readIn(dst: number, pos: number, n: number): void {
  mem8.set(input.subarray(pos, pos + n), dst);
}

/** The first k in [3, 258) where the bytes at `scan` + k and `match` + k differ, or 258. */
export function runLength(scan: number, match: number): number {
  const m = mem8;
  for (let k = 3; k < 258; k++) if (m[scan + k] !== m[match + k]) return k;
  return 258;
}

/** Each of the `n` 16-bit entries at `a` becomes m - wsize, or 0 below. */
export function slideHash(a: number, n: number, wsize: number): void {
  const t = mem16;
  const end = (a >> 1) + n;
  for (let p = a >> 1; p < end; p++) {
    const m = t[p]!;
    t[p] = m >= wsize ? m - wsize : 0;
  }
}

/** Output is never handed over early here: the output array has room for outputBound bytes. @inline */
export function drainOut(pos: number): number {
  return pos;
}

/** @inline */
export function s8(o: number): number {
  return scr8[o]!;
}
/** @inline */
export function ss8(o: number, v: number): void {
  scr8[o] = v;
}
/** @inline */
export function s16(o: number): number {
  return scr16[o >> 1]!;
}
/** @inline */
export function ss16(o: number, v: number): void {
  scr16[o >> 1] = v;
}
/** @inline */
export function s32(o: number): number {
  return scr32[o >> 2]!;
}
/** @inline */
export function ss32(o: number, v: number): void {
  scr32[o >> 2] = v;
}
/** @inline */
export function out8(pos: number, v: number): void {
  outBytes[pos] = v;
}
/** Two bytes, little-endian. */
export function out16(pos: number, v: number): void {
  outBytes[pos] = v;
  outBytes[pos + 1] = v >>> 8;
}
export function copyOut(pos: number, a: number, n: number): void {
  outBytes.set(mem8.subarray(a, a + n), pos);
}

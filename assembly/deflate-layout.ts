// The memory layout of the DEFLATE compressor (deflate.ts), shared by the WASM module, the TS backend and the
// allocator in src/deflate/kernel.ts. Offsets are in bytes.

/** A context: these header words, then the window (2^(wbits+1) bytes and a zero pad), prev and head chains. */
export const HEADER_BYTES: i32 = 64;
/**
 * Zero bytes after the window: the hash reads 4 bytes at a position whose 4th can be one past the window's end
 * (pako reads `undefined` there, which hashes as 0).
 */
export const WINDOW_PAD: i32 = 16;

// Header words (i32 index): the parameters, then zlib's deflate_state fields that outlive a call.
export const H_WBITS: i32 = 0;
export const H_LEVEL: i32 = 1;
export const H_MEMLEVEL: i32 = 2;
export const H_STRSTART: i32 = 3;
export const H_BLOCK_START: i32 = 4;
export const H_LOOKAHEAD: i32 = 5;
export const H_INSERT: i32 = 6;
export const H_MATCH_LENGTH: i32 = 7;
export const H_PREV_LENGTH: i32 = 8;
export const H_MATCH_AVAILABLE: i32 = 9;
export const H_INS_H: i32 = 10;
export const H_MATCH_START: i32 = 11;
export const H_PREV_MATCH: i32 = 12;
/** The end of the window bytes ever written since the context was last cleared (what a reset zeroes). */
export const H_WRITTEN: i32 = 13;

/** pako's hash (not zlib's legacy one) has 2^max(15, memLevel + 7) heads. */
export function hashBitsOf(memLevel: i32): i32 {
  return memLevel + 7 < 15 ? 15 : memLevel + 7;
}
export function windowOffset(): i32 {
  return HEADER_BYTES;
}
export function prevOffset(wbits: i32): i32 {
  return HEADER_BYTES + (2 << wbits) + WINDOW_PAD;
}
export function headOffset(wbits: i32): i32 {
  return prevOffset(wbits) + (2 << wbits);
}
/** Bytes of one context: 192 KiB + 80 B at wbits 15 / memLevel 8, 66 KiB + 80 B at 9 / 8. */
export function contextSize(wbits: i32, memLevel: i32): i32 {
  return headOffset(wbits) + (2 << hashBitsOf(memLevel));
}

// The scratch: trees as (freq|code, len|dad) u16 pairs, 4 bytes an entry, as zlib's ct_data.
export const SC_LTREE: i32 = 0; // 573 entries (HEAP_SIZE)
export const SC_DTREE: i32 = 2304; // 61
export const SC_BLTREE: i32 = 2560; // 39
export const SC_BL_COUNT: i32 = 2720; // 16 u16
export const SC_NEXT_CODE: i32 = 2752; // 16 u16
export const SC_HEAP: i32 = 2784; // 573 u16
export const SC_DEPTH: i32 = 3936; // 573 u16
export const SC_STATIC_LTREE: i32 = 5088; // 288 entries
export const SC_STATIC_DTREE: i32 = 6240; // 30 entries
export const SC_DIST_CODE: i32 = 6368; // 512 u8
export const SC_LENGTH_CODE: i32 = 6880; // 256 u8
export const SC_BASE_LENGTH: i32 = 7136; // 29 u16
export const SC_BASE_DIST: i32 = 7200; // 30 u16
export const SC_EXTRA_LBITS: i32 = 7264; // 29 u8
export const SC_EXTRA_DBITS: i32 = 7296; // 30 u8
export const SC_EXTRA_BLBITS: i32 = 7328; // 19 u8
export const SC_BL_ORDER: i32 = 7352; // 19 u8
/** The symbol buffer: one i32 (distance << 8 | length or literal) a symbol, lit_bufsize - 1 of them at most. */
export const SC_SYMS: i32 = 7376;
/** memLevel 9: lit_bufsize 2^15. */
export const SCRATCH_SIZE: i32 = SC_SYMS + (4 << 15);

/**
 * The output area of the WASM module: output is handed to the caller before a block whenever OUT_DRAIN bytes are
 * waiting, so a message of any size needs no more. A block writes at most ~127 KiB: 32,767 symbols (memLevel 9)
 * of at most 31 bits with static codes, and a stored or dynamic block is chosen only when it is no longer.
 */
export const OUT_BYTES: i32 = 512 << 10;
export const OUT_DRAIN: i32 = OUT_BYTES - (160 << 10);

// Linear memory, laid out by hand (no managed objects: built with `--runtime stub`):
//
//   [static data][STATE 128 B][RECORDS 32 KiB][64 B pad][WINDOW … grows][64 B pad]
//
// One window per WASM instance (one per realm) serves every decoder and encoder: calls are synchronous, so
// the window is only borrowed for the duration of one `parse`/`maskFrame` call. Per-decoder state lives in
// the decoder's own Int32Array and is copied into STATE for the call (88 bytes each way).
import { RECORD_CAPACITY, REC_WORDS, WINDOW_PAD } from './layout';

const PAD: usize = <usize>WINDOW_PAD;
export const STATE_PTR: usize = (__heap_base + 63) & ~<usize>63;
export const RECORDS_PTR: usize = STATE_PTR + 128;
export const WINDOW_PTR: usize = (RECORDS_PTR + <usize>(RECORD_CAPACITY * REC_WORDS * 4) + PAD + 63) & ~<usize>63;

export function statePtr(): usize {
  return STATE_PTR;
}
export function recordsPtr(): usize {
  return RECORDS_PTR;
}
export function windowPtr(): usize {
  return WINDOW_PTR;
}

/** Make the window hold at least `length` bytes (plus padding). Returns false if memory cannot grow. */
export function reserve(length: usize): bool {
  const needed = WINDOW_PTR + length + PAD;
  const have = <usize>memory.size() << 16;
  if (needed <= have) return true;
  const pages = <i32>((needed - have + 0xffff) >> 16);
  return memory.grow(pages) >= 0;
}

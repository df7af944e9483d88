// The DEFLATE compressor of permessage-deflate (RFC 7692 §7.2.1): zlib's deflate as pako 3 implements it
// (deflate.js, trees.js: zlib 1.3 with pako's 4-byte multiplicative hash), for raw DEFLATE with a sync flush per
// message — deflate_fast (levels 1–3), deflate_slow (4–9), fill_window, longest_match and the trees — so that it
// writes the bytes pako writes for the same parameters and messages. Level 0, the gzip/zlib wrappers, checksums,
// dictionaries, strategies and Z_FINISH are not here (the engine leaves level 0 to pako).
//
// State: a context (deflate-layout.ts) keeps the fields that outlive a call in its header words and holds the
// window and hash chains; a call loads the fields into module variables and saves them back. What a sync flush
// leaves empty — the trees, the symbol buffer, the bit buffer — lives in one scratch all contexts share.
// Names follow zlib's deflate.c and trees.c.
import {
  H_BLOCK_START,
  H_INSERT,
  H_INS_H,
  H_LEVEL,
  H_LOOKAHEAD,
  H_MATCH_AVAILABLE,
  H_MATCH_LENGTH,
  H_MATCH_START,
  H_MEMLEVEL,
  H_PREV_LENGTH,
  H_PREV_MATCH,
  H_STRSTART,
  H_WBITS,
  H_WRITTEN,
  SC_BASE_DIST,
  SC_BASE_LENGTH,
  SC_BLTREE,
  SC_BL_COUNT,
  SC_BL_ORDER,
  SC_DEPTH,
  SC_DIST_CODE,
  SC_DTREE,
  SC_EXTRA_BLBITS,
  SC_EXTRA_DBITS,
  SC_EXTRA_LBITS,
  SC_HEAP,
  SC_LENGTH_CODE,
  SC_LTREE,
  SC_NEXT_CODE,
  SC_STATIC_DTREE,
  SC_STATIC_LTREE,
  SC_SYMS,
  contextSize,
  hashBitsOf,
  headOffset,
  prevOffset,
  windowOffset,
} from './deflate-layout';
import {
  c16,
  c32,
  c8,
  c8x4,
  copyOut,
  copyWithin,
  cs16,
  cs32,
  drainOut,
  mul32,
  out16,
  out8,
  readIn,
  runLength,
  s16,
  s32,
  s8,
  slideHash,
  ss16,
  ss32,
  ss8,
  zero,
} from './deflate-platform';

const MIN_MATCH: i32 = 3;
const MAX_MATCH: i32 = 258;
/** MAX_MATCH + MIN_MATCH + 1: the lookahead a match search needs. */
const MIN_LOOKAHEAD: i32 = 262;
/** A 3-byte match farther than this is not worth it (deflate_slow). */
const TOO_FAR: i32 = 4096;
const LENGTH_CODES: i32 = 29;
const LITERALS: i32 = 256;
const L_CODES: i32 = 286;
const D_CODES: i32 = 30;
const BL_CODES: i32 = 19;
const HEAP_SIZE: i32 = 573;
const MAX_BITS: i32 = 15;
const MAX_BL_BITS: i32 = 7;
const END_BLOCK: i32 = 256;
const REP_3_6: i32 = 16;
const REPZ_3_10: i32 = 17;
const REPZ_11_138: i32 = 18;
const STORED_BLOCK: i32 = 0;
const STATIC_TREES: i32 = 1;
const DYN_TREES: i32 = 2;

// The context's fields while a call runs (zlib's deflate_state).
let ctx: i32 = 0;
let win: i32 = 0; // window address
let prevA: i32 = 0; // prev chain address
let headA: i32 = 0; // head table address
let wBits: i32 = 0;
let wSize: i32 = 0;
let wMask: i32 = 0;
let windowSize: i32 = 0;
let hashSize: i32 = 0;
let hashMask: i32 = 0;
let level: i32 = 0;
let maxLazy: i32 = 0;
let goodMatch: i32 = 0;
let niceMatch: i32 = 0;
let maxChain: i32 = 0;
let litBufsize: i32 = 0;
let strstart: i32 = 0;
let blockStart: i32 = 0;
let lookahead: i32 = 0;
let insert: i32 = 0;
let matchLength: i32 = 0;
let prevLength: i32 = 0;
let matchAvailable: i32 = 0;
let insH: i32 = 0;
let matchStart: i32 = 0;
let prevMatch: i32 = 0;
let written: i32 = 0;
// The call's input and output, the bit buffer and the block being built.
let availIn: i32 = 0;
let nextIn: i32 = 0;
let outPos: i32 = 0;
let biBuf: i32 = 0;
let biValid: i32 = 0;
let symNext: i32 = 0;
let symEnd: i32 = 0;
let optLen: i32 = 0;
let staticLen: i32 = 0;
let heapLen: i32 = 0;
let heapMax: i32 = 0;
let lMaxCode: i32 = 0;
let dMaxCode: i32 = 0;
let blMaxCode: i32 = 0;

// ---------------------------------------------------------------------------------------------------------------
// Contexts
// ---------------------------------------------------------------------------------------------------------------

/** Set up a context of contextSize(wbits, memLevel) bytes at `c`: zeroed, as a new zlib stream. */
export function contextInit(c: i32, wbits: i32, lvl: i32, memLevel: i32): void {
  zero(c, contextSize(wbits, memLevel));
  cs32(c + (H_WBITS << 2), wbits);
  cs32(c + (H_LEVEL << 2), lvl);
  cs32(c + (H_MEMLEVEL << 2), memLevel);
  cs32(c + (H_MATCH_LENGTH << 2), MIN_MATCH - 1);
  cs32(c + (H_PREV_LENGTH << 2), MIN_MATCH - 1);
}

/**
 * Make the context at `c` what a new one is (zlib's deflateReset, and more): zero the head table, the state, and
 * the window bytes ever written — zlib's match search reads past the data, so a stale byte could change which of
 * two equally long matches is picked, and let one message's bytes reach another's output.
 */
export function contextReset(c: i32): void {
  const wbits = c32(c + (H_WBITS << 2));
  const memLevel = c32(c + (H_MEMLEVEL << 2));
  const used = c32(c + (H_WRITTEN << 2));
  const hashBits = hashBitsOf(memLevel);
  zero(c + headOffset(wbits), 2 << hashBits);
  zero(c + windowOffset(), used);
  for (let i = H_STRSTART; i <= H_WRITTEN; i++) cs32(c + (i << 2), 0);
  cs32(c + (H_MATCH_LENGTH << 2), MIN_MATCH - 1);
  cs32(c + (H_PREV_LENGTH << 2), MIN_MATCH - 1);
}

function loadContext(c: i32): void {
  ctx = c;
  wBits = c32(c + (H_WBITS << 2));
  level = c32(c + (H_LEVEL << 2));
  const memLevel = c32(c + (H_MEMLEVEL << 2));
  wSize = 1 << wBits;
  wMask = wSize - 1;
  windowSize = 2 * wSize;
  hashSize = 1 << hashBitsOf(memLevel);
  hashMask = hashSize - 1;
  litBufsize = 1 << (memLevel + 6);
  symEnd = litBufsize - 1;
  win = c + windowOffset();
  prevA = c + prevOffset(wBits);
  headA = c + headOffset(wBits);
  // zlib's configuration_table: good_length, max_lazy, nice_length, max_chain.
  if (level == 1) config(4, 4, 8, 4);
  else if (level == 2) config(4, 5, 16, 8);
  else if (level == 3) config(4, 6, 32, 32);
  else if (level == 4) config(4, 4, 16, 16);
  else if (level == 5) config(8, 16, 32, 32);
  else if (level == 6) config(8, 16, 128, 128);
  else if (level == 7) config(8, 32, 128, 256);
  else if (level == 8) config(32, 128, 258, 1024);
  else config(32, 258, 258, 4096);
  strstart = c32(c + (H_STRSTART << 2));
  blockStart = c32(c + (H_BLOCK_START << 2));
  lookahead = c32(c + (H_LOOKAHEAD << 2));
  insert = c32(c + (H_INSERT << 2));
  matchLength = c32(c + (H_MATCH_LENGTH << 2));
  prevLength = c32(c + (H_PREV_LENGTH << 2));
  matchAvailable = c32(c + (H_MATCH_AVAILABLE << 2));
  insH = c32(c + (H_INS_H << 2));
  matchStart = c32(c + (H_MATCH_START << 2));
  prevMatch = c32(c + (H_PREV_MATCH << 2));
  written = c32(c + (H_WRITTEN << 2));
}

function config(good: i32, lazy: i32, nice: i32, chain: i32): void {
  goodMatch = good;
  maxLazy = lazy;
  niceMatch = nice;
  maxChain = chain;
}

function saveContext(): void {
  const c = ctx;
  cs32(c + (H_STRSTART << 2), strstart);
  cs32(c + (H_BLOCK_START << 2), blockStart);
  cs32(c + (H_LOOKAHEAD << 2), lookahead);
  cs32(c + (H_INSERT << 2), insert);
  cs32(c + (H_MATCH_LENGTH << 2), matchLength);
  cs32(c + (H_PREV_LENGTH << 2), prevLength);
  cs32(c + (H_MATCH_AVAILABLE << 2), matchAvailable);
  cs32(c + (H_INS_H << 2), insH);
  cs32(c + (H_MATCH_START << 2), matchStart);
  cs32(c + (H_PREV_MATCH << 2), prevMatch);
  cs32(c + (H_WRITTEN << 2), written);
}

/**
 * Compress `length` input bytes with the context at `c` and a sync flush (deflate(strm, Z_SYNC_FLUSH) with all
 * the room it wants): the output ends with the empty stored block `00 00 ff ff`. Returns the length of the output
 * not handed over by drainOut (the TS platform keeps it all: it gives room for outputBound(length) bytes).
 * `length` > 0.
 */
export function deflateSync(c: i32, length: i32): i32 {
  loadContext(c);
  availIn = length;
  nextIn = 0;
  outPos = 0;
  biBuf = 0;
  biValid = 0;
  initBlock();
  if (level <= 3) deflateFast();
  else deflateSlow();
  // deflate(): a sync flush after a finished block is an empty stored block.
  storedBlock(0, 0, 0);
  saveContext();
  return outPos;
}

/**
 * Room the output of `length` input bytes may need: blocks fall back to stored (5 bytes of header each, at most
 * one a 127-symbol block at memLevel 1) or static codes (at most 9 bits a literal, under 9 a byte for matches).
 */
export function outputBound(length: i32): i32 {
  return length + (length >> 2) + 1024;
}

// ---------------------------------------------------------------------------------------------------------------
// LZ77 (deflate.c)
// ---------------------------------------------------------------------------------------------------------------

/** pako's INSERT_STRING: a multiplicative hash of the 4 bytes at `str`; returns the previous head. */
function insertString(str: i32): i32 {
  const a = win + str;
  const h = ((mul32(c8x4(a), 66521) + 66521) >>> 16) & hashMask;
  insH = h;
  const head = c16(headA + (h << 1));
  cs16(prevA + ((str & wMask) << 1), head);
  cs16(headA + (h << 1), str);
  return head;
}

function longestMatch(start: i32): i32 {
  let curMatch = start;
  let chainLength = maxChain;
  const scan = win + strstart;
  let bestLen = prevLength;
  let nice = niceMatch;
  const limit = strstart > wSize - MIN_LOOKAHEAD ? strstart - (wSize - MIN_LOOKAHEAD) : 0;
  let scanEnd1 = c8(scan + bestLen - 1);
  let scanEnd = c8(scan + bestLen);
  const scan0 = c8(scan);
  const scan1 = c8(scan + 1);
  if (prevLength >= goodMatch) chainLength >>= 2;
  if (nice > lookahead) nice = lookahead;
  do {
    const match = win + curMatch;
    if (c8(match + bestLen) != scanEnd || c8(match + bestLen - 1) != scanEnd1) continue;
    if (c8(match) != scan0 || c8(match + 1) != scan1) continue;
    const len = runLength(scan, match);
    if (len > bestLen) {
      matchStart = curMatch;
      bestLen = len;
      if (len >= nice) break;
      scanEnd1 = c8(scan + bestLen - 1);
      scanEnd = c8(scan + bestLen);
    }
  } while ((curMatch = c16(prevA + ((curMatch & wMask) << 1))) > limit && --chainLength != 0);
  return bestLen <= lookahead ? bestLen : lookahead;
}

function fillWindow(): void {
  let more: i32;
  do {
    more = windowSize - lookahead - strstart;
    if (strstart >= wSize + (wSize - MIN_LOOKAHEAD)) {
      copyWithin(win, win + wSize, wSize - more);
      matchStart -= wSize;
      strstart -= wSize;
      blockStart -= wSize;
      if (insert > strstart) insert = strstart;
      slideHash(headA, hashSize, wSize);
      slideHash(prevA, wSize, wSize);
      more += wSize;
    }
    if (availIn == 0) break;
    const n = availIn < more ? availIn : more;
    const at = strstart + lookahead;
    readIn(win + at, nextIn, n);
    availIn -= n;
    nextIn += n;
    if (at + n > written) written = at + n;
    lookahead += n;
    if (lookahead + insert > MIN_MATCH) {
      let str = strstart - insert;
      while (insert != 0) {
        insertString(str);
        str++;
        insert--;
        if (lookahead + insert <= MIN_MATCH) break;
      }
    }
  } while (lookahead < MIN_LOOKAHEAD && availIn != 0);
}

function flushBlockOnly(last: i32): void {
  outPos = drainOut(outPos);
  flushBlock(blockStart >= 0 ? blockStart : -1, strstart - blockStart, last);
  blockStart = strstart;
}

/** Levels 1–3: no lazy evaluation; a match is taken at once. */
function deflateFast(): void {
  let hashHead: i32;
  let bflush: bool;
  for (;;) {
    if (lookahead < MIN_LOOKAHEAD) {
      fillWindow();
      if (lookahead == 0) break;
    }
    hashHead = 0;
    if (lookahead >= MIN_MATCH) hashHead = insertString(strstart);
    if (hashHead != 0 && strstart - hashHead <= wSize - MIN_LOOKAHEAD) matchLength = longestMatch(hashHead);
    if (matchLength >= MIN_MATCH) {
      bflush = tally(strstart - matchStart, matchLength - MIN_MATCH);
      lookahead -= matchLength;
      if (matchLength <= maxLazy && lookahead >= MIN_MATCH) {
        matchLength--;
        do {
          strstart++;
          insertString(strstart);
        } while (--matchLength != 0);
        strstart++;
      } else {
        strstart += matchLength;
        matchLength = 0;
      }
    } else {
      bflush = tally(0, c8(win + strstart));
      lookahead--;
      strstart++;
    }
    if (bflush) flushBlockOnly(0);
  }
  insert = strstart < MIN_MATCH - 1 ? strstart : MIN_MATCH - 1;
  if (symNext != 0) flushBlockOnly(0);
}

/** Levels 4–9: lazy evaluation; a match is taken only if the next position has no longer one. */
function deflateSlow(): void {
  let hashHead: i32;
  let bflush: bool;
  for (;;) {
    if (lookahead < MIN_LOOKAHEAD) {
      fillWindow();
      if (lookahead == 0) break;
    }
    hashHead = 0;
    if (lookahead >= MIN_MATCH) hashHead = insertString(strstart);
    prevLength = matchLength;
    prevMatch = matchStart;
    matchLength = MIN_MATCH - 1;
    if (hashHead != 0 && prevLength < maxLazy && strstart - hashHead <= wSize - MIN_LOOKAHEAD) {
      matchLength = longestMatch(hashHead);
      if (matchLength == MIN_MATCH && strstart - matchStart > TOO_FAR) matchLength = MIN_MATCH - 1;
    }
    if (prevLength >= MIN_MATCH && matchLength <= prevLength) {
      const maxInsert = strstart + lookahead - MIN_MATCH;
      bflush = tally(strstart - 1 - prevMatch, prevLength - MIN_MATCH);
      lookahead -= prevLength - 1;
      prevLength -= 2;
      do {
        if (++strstart <= maxInsert) insertString(strstart);
      } while (--prevLength != 0);
      matchAvailable = 0;
      matchLength = MIN_MATCH - 1;
      strstart++;
      if (bflush) flushBlockOnly(0);
    } else if (matchAvailable != 0) {
      bflush = tally(0, c8(win + strstart - 1));
      if (bflush) flushBlockOnly(0);
      strstart++;
      lookahead--;
    } else {
      matchAvailable = 1;
      strstart++;
      lookahead--;
    }
  }
  if (matchAvailable != 0) {
    tally(0, c8(win + strstart - 1));
    matchAvailable = 0;
  }
  insert = strstart < MIN_MATCH - 1 ? strstart : MIN_MATCH - 1;
  if (symNext != 0) flushBlockOnly(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Trees (trees.c). A tree entry n at offset t: freq or code at t + 4n, dad or len at t + 4n + 2.
// ---------------------------------------------------------------------------------------------------------------

function freq(t: i32, n: i32): i32 {
  return s16(t + (n << 2));
}
function setFreq(t: i32, n: i32, v: i32): void {
  ss16(t + (n << 2), v);
}
function len(t: i32, n: i32): i32 {
  return s16(t + (n << 2) + 2);
}
function setLen(t: i32, n: i32, v: i32): void {
  ss16(t + (n << 2) + 2, v);
}
function heapAt(i: i32): i32 {
  return s16(SC_HEAP + (i << 1));
}
function setHeap(i: i32, v: i32): void {
  ss16(SC_HEAP + (i << 1), v);
}
function depth(i: i32): i32 {
  return s16(SC_DEPTH + (i << 1));
}
function dCode(dist: i32): i32 {
  return dist < 256 ? s8(SC_DIST_CODE + dist) : s8(SC_DIST_CODE + 256 + (dist >>> 7));
}

/** tr_static_init: the static trees and the code tables. Once per module instance. */
export function staticInit(): void {
  for (let c = 0; c < LENGTH_CODES; c++) ss8(SC_EXTRA_LBITS + c, c < 8 || c == 28 ? 0 : (c - 4) >> 2);
  for (let c = 0; c < D_CODES; c++) ss8(SC_EXTRA_DBITS + c, c < 4 ? 0 : (c - 2) >> 1);
  for (let c = 0; c < BL_CODES; c++) ss8(SC_EXTRA_BLBITS + c, c == 16 ? 2 : c == 17 ? 3 : c == 18 ? 7 : 0);
  // bl_order: 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 15
  ss8(SC_BL_ORDER, 16);
  ss8(SC_BL_ORDER + 1, 17);
  ss8(SC_BL_ORDER + 2, 18);
  ss8(SC_BL_ORDER + 3, 0);
  for (let i = 4; i < BL_CODES; i++) ss8(SC_BL_ORDER + i, i & 1 ? 7 - ((i - 5) >> 1) : 8 + ((i - 4) >> 1));
  let length = 0;
  let code = 0;
  for (code = 0; code < LENGTH_CODES - 1; code++) {
    ss16(SC_BASE_LENGTH + (code << 1), length);
    for (let n = 0; n < 1 << s8(SC_EXTRA_LBITS + code); n++) ss8(SC_LENGTH_CODE + length++, code);
  }
  ss8(SC_LENGTH_CODE + length - 1, code);
  let dist = 0;
  for (code = 0; code < 16; code++) {
    ss16(SC_BASE_DIST + (code << 1), dist);
    for (let n = 0; n < 1 << s8(SC_EXTRA_DBITS + code); n++) ss8(SC_DIST_CODE + dist++, code);
  }
  dist >>= 7;
  for (; code < D_CODES; code++) {
    ss16(SC_BASE_DIST + (code << 1), dist << 7);
    for (let n = 0; n < 1 << (s8(SC_EXTRA_DBITS + code) - 7); n++) ss8(SC_DIST_CODE + 256 + dist++, code);
  }
  for (let bits = 0; bits <= MAX_BITS; bits++) ss16(SC_BL_COUNT + (bits << 1), 0);
  for (let n = 0; n <= 287; n++) {
    const bits = n <= 143 ? 8 : n <= 255 ? 9 : n <= 279 ? 7 : 8;
    setLen(SC_STATIC_LTREE, n, bits);
    ss16(SC_BL_COUNT + (bits << 1), s16(SC_BL_COUNT + (bits << 1)) + 1);
  }
  genCodes(SC_STATIC_LTREE, 287);
  for (let n = 0; n < D_CODES; n++) {
    setLen(SC_STATIC_DTREE, n, 5);
    setFreq(SC_STATIC_DTREE, n, biReverse(n, 5));
  }
}

function initBlock(): void {
  for (let n = 0; n < L_CODES; n++) setFreq(SC_LTREE, n, 0);
  for (let n = 0; n < D_CODES; n++) setFreq(SC_DTREE, n, 0);
  for (let n = 0; n < BL_CODES; n++) setFreq(SC_BLTREE, n, 0);
  setFreq(SC_LTREE, END_BLOCK, 1);
  optLen = 0;
  staticLen = 0;
  symNext = 0;
}

/** _tr_tally: record a literal (dist 0) or a match; true when the block is full. */
function tally(dist: i32, lc: i32): bool {
  ss32(SC_SYMS + (symNext << 2), (dist << 8) | lc);
  symNext++;
  if (dist == 0) {
    setFreq(SC_LTREE, lc, freq(SC_LTREE, lc) + 1);
  } else {
    const code = s8(SC_LENGTH_CODE + lc) + LITERALS + 1;
    setFreq(SC_LTREE, code, freq(SC_LTREE, code) + 1);
    const d = dCode(dist - 1);
    setFreq(SC_DTREE, d, freq(SC_DTREE, d) + 1);
  }
  return symNext == symEnd;
}

// The bit buffer: up to 31 bits, written out 16 at a time (the same bytes as zlib's 16-bit buffer).
function sendBits(value: i32, length: i32): void {
  biBuf |= value << biValid;
  biValid += length;
  if (biValid >= 16) {
    out16(outPos, biBuf);
    outPos += 2;
    biBuf >>>= 16;
    biValid -= 16;
  }
}
function sendCode(c: i32, tree: i32): void {
  sendBits(freq(tree, c), len(tree, c));
}
function biWindup(): void {
  if (biValid > 8) {
    out16(outPos, biBuf);
    outPos += 2;
  } else if (biValid > 0) {
    out8(outPos, biBuf);
    outPos++;
  }
  biBuf = 0;
  biValid = 0;
}
function biReverse(code: i32, length: i32): i32 {
  let res = 0;
  let c = code;
  let n = length;
  do {
    res |= c & 1;
    c >>>= 1;
    res <<= 1;
  } while (--n > 0);
  return res >>> 1;
}

/** gen_codes: the codes of `tree` from the bit length counts in SC_BL_COUNT. */
function genCodes(tree: i32, maxCode: i32): void {
  let code = 0;
  for (let bits = 1; bits <= MAX_BITS; bits++) {
    code = (code + s16(SC_BL_COUNT + ((bits - 1) << 1))) << 1;
    ss16(SC_NEXT_CODE + (bits << 1), code);
  }
  for (let n = 0; n <= maxCode; n++) {
    const l = len(tree, n);
    if (l == 0) continue;
    const next = s16(SC_NEXT_CODE + (l << 1));
    ss16(SC_NEXT_CODE + (l << 1), next + 1);
    setFreq(tree, n, biReverse(next, l));
  }
}

function smaller(tree: i32, n: i32, m: i32): bool {
  const fn = freq(tree, n);
  const fm = freq(tree, m);
  return fn < fm || (fn == fm && depth(n) <= depth(m));
}

function pqdownheap(tree: i32, start: i32): void {
  let k = start;
  const v = heapAt(k);
  let j = k << 1;
  while (j <= heapLen) {
    if (j < heapLen && smaller(tree, heapAt(j + 1), heapAt(j))) j++;
    if (smaller(tree, v, heapAt(j))) break;
    setHeap(k, heapAt(j));
    k = j;
    j <<= 1;
  }
  setHeap(k, v);
}

/**
 * gen_bitlen: the optimal bit lengths of `tree`, limited to `maxLength`, with opt_len and static_len.
 * `stree` is the static tree (-1 for the bit length tree), `extra`/`base` the extra bits table and first code.
 */
function genBitlen(tree: i32, maxCode: i32, stree: i32, extra: i32, base: i32, maxLength: i32): void {
  let overflow = 0;
  for (let bits = 0; bits <= MAX_BITS; bits++) ss16(SC_BL_COUNT + (bits << 1), 0);
  setLen(tree, heapAt(heapMax), 0);
  let h = heapMax + 1;
  for (; h < HEAP_SIZE; h++) {
    const n = heapAt(h);
    let bits = len(tree, len(tree, n)) + 1;
    if (bits > maxLength) {
      bits = maxLength;
      overflow++;
    }
    setLen(tree, n, bits);
    if (n > maxCode) continue;
    ss16(SC_BL_COUNT + (bits << 1), s16(SC_BL_COUNT + (bits << 1)) + 1);
    let xbits = 0;
    if (n >= base) xbits = s8(extra + n - base);
    const f = freq(tree, n);
    optLen += f * (bits + xbits);
    if (stree >= 0) staticLen += f * (len(stree, n) + xbits);
  }
  if (overflow == 0) return;
  do {
    let bits = maxLength - 1;
    while (s16(SC_BL_COUNT + (bits << 1)) == 0) bits--;
    ss16(SC_BL_COUNT + (bits << 1), s16(SC_BL_COUNT + (bits << 1)) - 1);
    ss16(SC_BL_COUNT + ((bits + 1) << 1), s16(SC_BL_COUNT + ((bits + 1) << 1)) + 2);
    ss16(SC_BL_COUNT + (maxLength << 1), s16(SC_BL_COUNT + (maxLength << 1)) - 1);
    overflow -= 2;
  } while (overflow > 0);
  for (let bits = maxLength; bits != 0; bits--) {
    let n = s16(SC_BL_COUNT + (bits << 1));
    while (n != 0) {
      const m = heapAt(--h);
      if (m > maxCode) continue;
      if (len(tree, m) != bits) {
        optLen += (bits - len(tree, m)) * freq(tree, m);
        setLen(tree, m, bits);
      }
      n--;
    }
  }
}

/** build_tree: the Huffman tree of `tree` (`elems` symbols); returns its max_code. */
function buildTree(tree: i32, stree: i32, extra: i32, base: i32, elems: i32, maxLength: i32): i32 {
  let maxCode = -1;
  heapLen = 0;
  heapMax = HEAP_SIZE;
  for (let n = 0; n < elems; n++) {
    if (freq(tree, n) != 0) {
      setHeap(++heapLen, n);
      maxCode = n;
      ss16(SC_DEPTH + (n << 1), 0);
    } else {
      setLen(tree, n, 0);
    }
  }
  // The format needs at least one distance code and two codes of any kind: force them.
  while (heapLen < 2) {
    const node = maxCode < 2 ? ++maxCode : 0;
    setHeap(++heapLen, node);
    setFreq(tree, node, 1);
    ss16(SC_DEPTH + (node << 1), 0);
    optLen--;
    if (stree >= 0) staticLen -= len(stree, node);
  }
  for (let n = heapLen >> 1; n >= 1; n--) pqdownheap(tree, n);
  let node = elems;
  do {
    const n = heapAt(1);
    setHeap(1, heapAt(heapLen--));
    pqdownheap(tree, 1);
    const m = heapAt(1);
    setHeap(--heapMax, n);
    setHeap(--heapMax, m);
    setFreq(tree, node, freq(tree, n) + freq(tree, m));
    const dn = depth(n);
    const dm = depth(m);
    ss16(SC_DEPTH + (node << 1), (dn >= dm ? dn : dm) + 1);
    setLen(tree, n, node);
    setLen(tree, m, node);
    setHeap(1, node++);
    pqdownheap(tree, 1);
  } while (heapLen >= 2);
  setHeap(--heapMax, heapAt(1));
  genBitlen(tree, maxCode, stree, extra, base, maxLength);
  genCodes(tree, maxCode);
  return maxCode;
}

function scanTree(tree: i32, maxCode: i32): void {
  let prevlen = -1;
  let nextlen = len(tree, 0);
  let count = 0;
  let maxCount = 7;
  let minCount = 4;
  if (nextlen == 0) {
    maxCount = 138;
    minCount = 3;
  }
  setLen(tree, maxCode + 1, 0xffff); // guard
  for (let n = 0; n <= maxCode; n++) {
    const curlen = nextlen;
    nextlen = len(tree, n + 1);
    if (++count < maxCount && curlen == nextlen) continue;
    if (count < minCount) setFreq(SC_BLTREE, curlen, freq(SC_BLTREE, curlen) + count);
    else if (curlen != 0) {
      if (curlen != prevlen) setFreq(SC_BLTREE, curlen, freq(SC_BLTREE, curlen) + 1);
      setFreq(SC_BLTREE, REP_3_6, freq(SC_BLTREE, REP_3_6) + 1);
    } else if (count <= 10) setFreq(SC_BLTREE, REPZ_3_10, freq(SC_BLTREE, REPZ_3_10) + 1);
    else setFreq(SC_BLTREE, REPZ_11_138, freq(SC_BLTREE, REPZ_11_138) + 1);
    count = 0;
    prevlen = curlen;
    if (nextlen == 0) {
      maxCount = 138;
      minCount = 3;
    } else if (curlen == nextlen) {
      maxCount = 6;
      minCount = 3;
    } else {
      maxCount = 7;
      minCount = 4;
    }
  }
}

function sendTree(tree: i32, maxCode: i32): void {
  let prevlen = -1;
  let nextlen = len(tree, 0);
  let count = 0;
  let maxCount = 7;
  let minCount = 4;
  if (nextlen == 0) {
    maxCount = 138;
    minCount = 3;
  }
  for (let n = 0; n <= maxCode; n++) {
    const curlen = nextlen;
    nextlen = len(tree, n + 1);
    if (++count < maxCount && curlen == nextlen) continue;
    if (count < minCount) {
      do sendCode(curlen, SC_BLTREE);
      while (--count != 0);
    } else if (curlen != 0) {
      if (curlen != prevlen) {
        sendCode(curlen, SC_BLTREE);
        count--;
      }
      sendCode(REP_3_6, SC_BLTREE);
      sendBits(count - 3, 2);
    } else if (count <= 10) {
      sendCode(REPZ_3_10, SC_BLTREE);
      sendBits(count - 3, 3);
    } else {
      sendCode(REPZ_11_138, SC_BLTREE);
      sendBits(count - 11, 7);
    }
    count = 0;
    prevlen = curlen;
    if (nextlen == 0) {
      maxCount = 138;
      minCount = 3;
    } else if (curlen == nextlen) {
      maxCount = 6;
      minCount = 3;
    } else {
      maxCount = 7;
      minCount = 4;
    }
  }
}

function buildBlTree(): i32 {
  scanTree(SC_LTREE, lMaxCode);
  scanTree(SC_DTREE, dMaxCode);
  blMaxCode = buildTree(SC_BLTREE, -1, SC_EXTRA_BLBITS, 0, BL_CODES, MAX_BL_BITS);
  let maxBlindex = BL_CODES - 1;
  for (; maxBlindex >= 3; maxBlindex--) {
    if (len(SC_BLTREE, s8(SC_BL_ORDER + maxBlindex)) != 0) break;
  }
  optLen += 3 * (maxBlindex + 1) + 5 + 5 + 4;
  return maxBlindex;
}

function sendAllTrees(lcodes: i32, dcodes: i32, blcodes: i32): void {
  sendBits(lcodes - 257, 5);
  sendBits(dcodes - 1, 5);
  sendBits(blcodes - 4, 4);
  for (let rank = 0; rank < blcodes; rank++) sendBits(len(SC_BLTREE, s8(SC_BL_ORDER + rank)), 3);
  sendTree(SC_LTREE, lcodes - 1);
  sendTree(SC_DTREE, dcodes - 1);
}

function compressBlock(ltree: i32, dtree: i32): void {
  for (let sx = 0; sx < symNext; sx++) {
    const sym = s32(SC_SYMS + (sx << 2));
    let dist = sym >>> 8;
    let lc = sym & 0xff;
    if (dist == 0) {
      sendCode(lc, ltree);
    } else {
      let code = s8(SC_LENGTH_CODE + lc);
      sendCode(code + LITERALS + 1, ltree);
      let extra = s8(SC_EXTRA_LBITS + code);
      if (extra != 0) {
        lc -= s16(SC_BASE_LENGTH + (code << 1));
        sendBits(lc, extra);
      }
      dist--;
      code = dCode(dist);
      sendCode(code, dtree);
      extra = s8(SC_EXTRA_DBITS + code);
      if (extra != 0) {
        dist -= s16(SC_BASE_DIST + (code << 1));
        sendBits(dist, extra);
      }
    }
  }
  sendCode(END_BLOCK, ltree);
}

/** _tr_stored_block: window bytes [buf, buf + storedLen) as a stored block. */
function storedBlock(buf: i32, storedLen: i32, last: i32): void {
  sendBits((STORED_BLOCK << 1) + last, 3);
  biWindup();
  out16(outPos, storedLen);
  out16(outPos + 2, ~storedLen & 0xffff);
  outPos += 4;
  if (storedLen != 0) copyOut(outPos, win + buf, storedLen);
  outPos += storedLen;
}

/** _tr_flush_block: the block as stored, static or dynamic, whichever is shortest (stored only from the window). */
function flushBlock(buf: i32, storedLen: i32, last: i32): void {
  lMaxCode = buildTree(SC_LTREE, SC_STATIC_LTREE, SC_EXTRA_LBITS, LITERALS + 1, L_CODES, MAX_BITS);
  dMaxCode = buildTree(SC_DTREE, SC_STATIC_DTREE, SC_EXTRA_DBITS, 0, D_CODES, MAX_BITS);
  const maxBlindex = buildBlTree();
  let optLenb = (optLen + 3 + 7) >>> 3;
  const staticLenb = (staticLen + 3 + 7) >>> 3;
  if (staticLenb <= optLenb) optLenb = staticLenb;
  if (storedLen + 4 <= optLenb && buf != -1) {
    storedBlock(buf, storedLen, last);
  } else if (staticLenb == optLenb) {
    sendBits((STATIC_TREES << 1) + last, 3);
    compressBlock(SC_STATIC_LTREE, SC_STATIC_DTREE);
  } else {
    sendBits((DYN_TREES << 1) + last, 3);
    sendAllTrees(lMaxCode + 1, dMaxCode + 1, maxBlindex + 1);
    compressBlock(SC_LTREE, SC_DTREE);
  }
  initBlock();
  if (last != 0) biWindup();
}

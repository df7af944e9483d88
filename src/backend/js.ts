/**
 * The pure-TypeScript backend: the same frame walk as `assembly/frame.ts`, record for record. Masked payload
 * is copied into a scratch window once (`set`, i.e. memcpy) and unmasked there in place, four bytes at a time
 * through an aligned Int32Array; text is validated by the word-skipping state machine in `utf8.ts`.
 */
import {
  C_MESSAGES, C_SERVER, C_UTF8, C_UTF8_DEFER, F_ASCII, F_END, F_FIN, F_MASKED, F_OPCODE, F_RSV1, F_START, F_TEXT, F_UNCHECKED,
  M_ASCII, M_DEFER, M_OPCODE, PHASE_CLOSED, PHASE_FAILED, PHASE_HEADER, PHASE_PAYLOAD, RECORD_CAPACITY, REC_WORDS,
  R_FLAGS, R_FLEN_HI, R_FLEN_LO, R_LEN, R_MASK, R_OFF, R_SPARE, R_STATUS, S_CONFIG, S_FRAGS, S_FRAME,
  S_HDR, S_HDR_LEN, S_MASK, S_MAXFRAGS, S_MAXFRAME_HI, S_MAXFRAME_LO, S_MAXMSG_HI, S_MAXMSG_LO, S_MSG,
  S_MSG_HI, S_MSG_LO, S_PHASE, S_POS, S_REM_HI, S_REM_LO, S_UTF8, UTF8_DEFER_MIN,
} from '../layout.js';
import { Status } from '../errors.js';
import type { Backend } from './types.js';
import { UTF8_INVALID, UTF8_NON_ASCII, validateUtf8 } from './utf8.js';

const TWO32 = 4294967296;
/**
 * Segments shorter than this are unmasked by a byte loop straight from the chunk: creating the views for
 * `set` + word XOR costs more below it (bench/decode.bench.mjs "1 byte per push", /tmp-free microbench in
 * the issue 4 note).
 */
const SMALL_SEGMENT = 32;
/** Client payloads up to this size are masked by an unrolled byte loop (bench/encode.bench.mjs "client binary 64 B"). */
const SMALL_MASK = 128;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Rotate a little-endian mask key so that byte `n & 3` comes first (RFC 6455 §5.3: j = i MOD 4). */
export function rotateKey(key: number, n: number): number {
  const s = (n & 3) << 3;
  return s === 0 ? key | 0 : (key >>> s) | (key << (32 - s));
}

/**
 * XOR `bytes[off, off+len)` in place with `key` (phase 0 at `off`). `words` views the same memory as
 * `bytes`, 4-aligned at bytes[0].
 */
export function xorInPlace(bytes: Uint8Array, words: Int32Array, off: number, len: number, key: number): void {
  if (key === 0 || len === 0) return; // an all-zero key is legal and leaves the payload unchanged
  if (!LITTLE_ENDIAN) {
    for (let i = off; i < off + len; i++) bytes[i] = bytes[i]! ^ ((key >>> (((i - off) & 3) << 3)) & 0xff);
    return;
  }
  xorCopy(words, bytes, bytes, words, off, len, key); // in place: source and destination are the same
}

/**
 * `dst[off, off+len) = src[off, off+len) XOR key` (phase 0 at `off`), where `srcWords`/`dstWords` view the
 * same memory as `src`/`dst` from their (4-aligned) first byte. Little-endian only (callers check).
 */
function xorCopy(srcWords: Int32Array, src: Uint8Array, dst: Uint8Array, dstWords: Int32Array, off: number, len: number, key: number): void {
  const end = off + len;
  let i = off;
  while (i < end && (i & 3) !== 0) {
    dst[i] = src[i]! ^ ((key >>> (((i - off) & 3) << 3)) & 0xff);
    i++;
  }
  if (i + 4 <= end) {
    // i is 4-aligned here; XOR whole words with the key rotated to this phase, four per step (fewer bounds
    // checks and loop branches: bench/kernels.bench.mjs "unmask js").
    const k = rotateKey(key, i - off);
    let w = i >> 2;
    const wEnd = end >> 2;
    const wEnd4 = wEnd - 3;
    for (; w < wEnd4; w += 4) {
      dstWords[w] = srcWords[w]! ^ k;
      dstWords[w + 1] = srcWords[w + 1]! ^ k;
      dstWords[w + 2] = srcWords[w + 2]! ^ k;
      dstWords[w + 3] = srcWords[w + 3]! ^ k;
    }
    for (; w < wEnd; w++) dstWords[w] = srcWords[w]! ^ k;
    i = w << 2;
  }
  for (; i < end; i++) dst[i] = src[i]! ^ ((key >>> (((i - off) & 3) << 3)) & 0xff);
}

function readU64(state: Int32Array, lo: number): number {
  const hi = state[lo + 1]!;
  return hi === 0 ? state[lo]! >>> 0 : (hi >>> 0) * TWO32 + (state[lo]! >>> 0);
}
function writeU64(target: Int32Array, lo: number, value: number): void {
  target[lo] = value >>> 0;
  target[lo + 1] = value < TWO32 ? 0 : Math.floor(value / TWO32); // no division for the common < 4 GiB case
}

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly records = new Int32Array(RECORD_CAPACITY * REC_WORDS);
  window = new Uint8Array(0);
  private words = new Int32Array(0);

  private ensureWindow(length: number): void {
    if (this.window.length >= length) return;
    const size = Math.max(length + 3, 4096) & ~3;
    const buffer = new ArrayBuffer(Math.max(size, this.window.length * 2));
    this.window = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
  }

  parse(state: Int32Array, chunk: Uint8Array, pos: number): number {
    const len = chunk.length;
    const recs = this.records;
    let phase = state[S_PHASE]!;
    let n = 0;
    if (phase >= PHASE_CLOSED) {
      state[S_POS] = len;
      return 0;
    }
    if (pos === 0) this.ensureWindow(len);
    const config = state[S_CONFIG]!;
    let start = 0; // F_START for the record that follows a header

    while (n < RECORD_CAPACITY) {
      if (phase === PHASE_PAYLOAD) {
        if (pos >= len && start === 0) break;
        let flags = state[S_FRAME]!;
        const remaining = readU64(state, S_REM_LO);
        const take = Math.min(remaining, len - pos);
        let status = take > 0 ? this.segment(state, chunk, pos, take, flags) : Status.Ok;
        const left = remaining - take;
        writeU64(state, S_REM_LO, left);
        flags |= start;
        if ((state[S_MSG]! & M_ASCII) !== 0) flags |= F_ASCII;
        if (left === 0 && status === Status.Ok) {
          flags |= F_END;
          status = endFrame(state, flags, config);
          phase = (flags & F_OPCODE) === 0x8 ? PHASE_CLOSED : PHASE_HEADER;
        }
        const r = n * REC_WORDS;
        recs[r + R_FLAGS] = flags;
        recs[r + R_OFF] = pos;
        recs[r + R_LEN] = take;
        recs[r + R_FLEN_LO] = this.frameLengthLo;
        recs[r + R_FLEN_HI] = this.frameLengthHi;
        recs[r + R_STATUS] = status;
        recs[r + R_MASK] = this.headerKey;
        recs[r + R_SPARE] = 0;
        n++;
        pos += take;
        start = 0;
        if (status !== Status.Ok) {
          phase = PHASE_FAILED;
          break;
        }
        if (phase === PHASE_CLOSED) break;
        continue;
      }

      // PHASE_HEADER: gather the header, possibly continuing one spilled from the previous chunk.
      if (pos >= len) break;
      const held = state[S_HDR_LEN]!;
      const avail = held + (len - pos);
      if (avail < 2) {
        spill(state, chunk, pos, len, held);
        pos = len;
        break;
      }
      const b0 = held > 0 ? heldByte(state, 0) : chunk[pos]!;
      const b1 = held > 1 ? heldByte(state, 1) : chunk[pos + 1 - held]!;
      const opcode = b0 & F_OPCODE;
      let flags = b0 | (b1 & 0x80 ? F_MASKED : 0);
      // The header rules need only the first two bytes: fail as soon as they arrive (as ws does), not when
      // a peer that may have stalled completes the header. Then the length encoding, then the limits.
      let status: number = checkHeader(state, config, b0, b1, opcode);
      let payloadLength = 0;
      let key = 0;
      if (status === Status.Ok) {
        const len7 = b1 & 0x7f;
        const headerLength = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
        if (avail < headerLength) {
          spill(state, chunk, pos, len, held);
          pos = len;
          break;
        }
        // Header bytes come straight from the chunk, or (split header) from the spill area joined with it.
        let h = chunk;
        let hp = pos;
        if (held > 0) {
          h = joinHeader(state, chunk, pos, held, headerLength);
          hp = 0;
        }
        payloadLength = len7;
        let k = 2;
        if (len7 === 126) {
          payloadLength = (h[hp + 2]! << 8) | h[hp + 3]!;
          k = 4;
          if (payloadLength < 126) status = Status.NonMinimalLength; // RFC 6455 §5.2: minimal number of bytes
        } else if (len7 === 127) {
          const hi = ((h[hp + 2]! << 24) | (h[hp + 3]! << 16) | (h[hp + 4]! << 8) | h[hp + 5]!) >>> 0;
          const lo = ((h[hp + 6]! << 24) | (h[hp + 7]! << 16) | (h[hp + 8]! << 8) | h[hp + 9]!) >>> 0;
          k = 10;
          if (hi >= 0x80000000) status = Status.InvalidPayloadLength; // RFC 6455 §5.2: MSB must be 0
          else if (hi > 0x1fffff) status = Status.UnsupportedDataPayloadLength; // above 2^53 - 1
          else if (hi === 0 && lo < 65536) status = Status.NonMinimalLength;
          payloadLength = hi * TWO32 + lo;
        }
        if (b1 & 0x80) key = h[hp + k]! | (h[hp + k + 1]! << 8) | (h[hp + k + 2]! << 16) | (h[hp + k + 3]! << 24);
        pos += headerLength - held;
        state[S_HDR_LEN] = 0;
        if (status === Status.Ok) status = checkLimits(state, config, opcode, payloadLength);
      }
      this.frameLengthLo = payloadLength >>> 0;
      this.frameLengthHi = payloadLength < TWO32 ? 0 : Math.floor(payloadLength / TWO32);
      this.headerKey = key;
      if (status !== Status.Ok) {
        const r = n * REC_WORDS;
        recs[r + R_FLAGS] = flags | F_START;
        recs[r + R_OFF] = pos;
        recs[r + R_LEN] = 0;
        recs[r + R_FLEN_LO] = this.frameLengthLo;
        recs[r + R_FLEN_HI] = this.frameLengthHi;
        recs[r + R_STATUS] = status;
        recs[r + R_MASK] = key;
        recs[r + R_SPARE] = 0;
        n++;
        phase = PHASE_FAILED;
        break;
      }
      if (opcode < 8 && (config & C_MESSAGES) !== 0) {
        // RFC 6455 §5.4: a data frame with a non-zero opcode starts a message; continuations extend it.
        let msg = state[S_MSG]!;
        if (opcode !== 0) {
          msg = opcode | M_ASCII;
          state[S_UTF8] = 0;
          writeU64(state, S_MSG_LO, 0);
          state[S_FRAGS] = 0;
        }
        state[S_MSG] = msg;
        state[S_FRAGS] = state[S_FRAGS]! + 1;
        writeU64(state, S_MSG_LO, readU64(state, S_MSG_LO) + payloadLength);
        if ((msg & M_OPCODE) === 1 && (config & C_UTF8) !== 0) {
          // C_UTF8_DEFER: a text message whose first frame is large is left to the decoder's validator.
          if (opcode === 1 && (config & C_UTF8_DEFER) !== 0 && payloadLength >= UTF8_DEFER_MIN) {
            msg = (msg & ~M_ASCII) | M_DEFER;
            state[S_MSG] = msg;
          }
          flags |= (msg & M_DEFER) !== 0 ? F_UNCHECKED : F_TEXT;
        }
      }
      state[S_FRAME] = flags;
      state[S_MASK] = key;
      writeU64(state, S_REM_LO, payloadLength);
      phase = PHASE_PAYLOAD;
      start = F_START;
    }
    state[S_PHASE] = phase;
    state[S_POS] = pos;
    return n;
  }

  private frameLengthLo = 0;
  private frameLengthHi = 0;
  private headerKey = 0;

  /** Unmask and validate one payload segment; returns a Status. */
  private segment(state: Int32Array, chunk: Uint8Array, off: number, take: number, flags: number): number {
    let src = chunk;
    let words: Int32Array | null = null;
    if ((flags & F_MASKED) !== 0) {
      const key = state[S_MASK]!;
      const window = this.window;
      if (take < SMALL_SEGMENT) {
        for (let i = 0; i < take; i++) window[off + i] = chunk[off + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
      } else if ((chunk.byteOffset & 3) === 0 && LITTLE_ENDIAN) {
        // Chunk and window share 4-byte alignment at every offset: XOR word by word while copying (one pass).
        xorCopy(new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2), chunk, window, this.words, off, take, key);
      } else {
        window.set(new Uint8Array(chunk.buffer, chunk.byteOffset + off, take), off);
        xorInPlace(window, this.words, off, take, key);
      }
      state[S_MASK] = rotateKey(key, take);
      src = window;
      words = this.words;
    }
    if ((flags & F_TEXT) !== 0) {
      if (words === null && (chunk.byteOffset & 3) === 0) {
        words = new Int32Array(chunk.buffer, chunk.byteOffset, chunk.length >> 2);
      }
      const r = validateUtf8(src, words, off, off + take, state[S_UTF8]!);
      if (r === UTF8_INVALID) return Status.InvalidUtf8;
      state[S_UTF8] = r & 0xffffff;
      if ((r & UTF8_NON_ASCII) !== 0) state[S_MSG] = state[S_MSG]! & ~M_ASCII;
    }
    return Status.Ok;
  }

  maskInto(out: Uint8Array, offset: number, payload: Uint8Array, maskKey: number): void {
    const length = payload.length;
    if (length <= SMALL_MASK) {
      // Short payloads: a byte loop with the key bytes in registers beats creating the word view.
      const k0 = maskKey & 0xff, k1 = (maskKey >>> 8) & 0xff, k2 = (maskKey >>> 16) & 0xff, k3 = maskKey >>> 24;
      let i = 0;
      for (; i + 4 <= length; i += 4) {
        out[offset + i] = payload[i]! ^ k0;
        out[offset + i + 1] = payload[i + 1]! ^ k1;
        out[offset + i + 2] = payload[i + 2]! ^ k2;
        out[offset + i + 3] = payload[i + 3]! ^ k3;
      }
      for (; i < length; i++) out[offset + i] = payload[i]! ^ ((maskKey >>> ((i & 3) << 3)) & 0xff);
      return;
    }
    out.set(payload, offset);
    const words = (out.byteOffset & 3) === 0 ? new Int32Array(out.buffer, out.byteOffset, out.length >> 2) : null;
    if (words === null) {
      for (let i = 0; i < length; i++) out[offset + i] = out[offset + i]! ^ ((maskKey >>> ((i & 3) << 3)) & 0xff);
    } else {
      xorInPlace(out, words, offset, length, maskKey);
    }
  }
}

const joined = new Uint8Array(16);
function joinHeader(state: Int32Array, chunk: Uint8Array, pos: number, held: number, headerLength: number): Uint8Array {
  for (let i = 0; i < held; i++) joined[i] = heldByte(state, i);
  for (let i = held; i < headerLength; i++) joined[i] = chunk[pos + i - held]!;
  return joined;
}

function heldByte(state: Int32Array, i: number): number {
  return (state[S_HDR + (i >> 2)]! >>> ((i & 3) << 3)) & 0xff;
}

/** Keep the bytes of an incomplete header for the next chunk (at most 13 of them). */
function spill(state: Int32Array, chunk: Uint8Array, pos: number, len: number, held: number): void {
  for (let i = pos; i < len; i++, held++) {
    const w = S_HDR + (held >> 2);
    const s = (held & 3) << 3;
    state[w] = (state[w]! & ~(0xff << s)) | (chunk[i]! << s);
  }
  state[S_HDR_LEN] = held;
}

/**
 * The header rules, in the order `ws` applies them (so the first violation reported matches):
 * RSV bits (RFC 6455 §5.2: MUST be 0 unless an extension defines them), opcode (§5.2: reserved opcodes fail),
 * control frames (§5.5: FIN set, payload ≤ 125; §5.5.1: a close body is empty or ≥ 2 bytes), message
 * sequencing (§5.4), masking direction (§5.1), then the size limits (checked here, before any payload is
 * buffered).
 */
function checkHeader(state: Int32Array, config: number, b0: number, b1: number, opcode: number): number {
  if ((b0 & 0x30) !== 0) return Status.UnexpectedRsv23;
  if ((b0 & F_RSV1) !== 0) return Status.UnexpectedRsv1;
  if ((opcode > 2 && opcode < 8) || opcode > 10) return Status.InvalidOpcode;
  const len7 = b1 & 0x7f;
  if (opcode >= 8) {
    if ((b0 & F_FIN) === 0) return Status.ExpectedFin;
    if (len7 > 125 || (opcode === 8 && len7 === 1)) return Status.InvalidControlPayloadLength;
  } else if ((config & C_MESSAGES) !== 0) {
    const open = state[S_MSG]! & M_OPCODE;
    if (opcode === 0 && open === 0) return Status.UnexpectedContinuation;
    if (opcode !== 0 && open !== 0) return Status.ExpectedContinuation;
  }
  const masked = (b1 & 0x80) !== 0;
  if ((config & C_SERVER) !== 0) {
    if (!masked) return Status.ExpectedMask;
  } else if (masked) return Status.UnexpectedMask;
  return Status.Ok;
}

/**
 * Size limits, from the header, before any payload is buffered. The message limit is checked first so that
 * with the default maxFrameSize (= maxMessageSize) an oversized message reports WS_ERR_UNSUPPORTED_MESSAGE_LENGTH.
 */
function checkLimits(state: Int32Array, config: number, opcode: number, payloadLength: number): number {
  if (opcode < 8 && (config & C_MESSAGES) !== 0) {
    const sofar = opcode === 0 ? readU64(state, S_MSG_LO) : 0;
    if (sofar + payloadLength > readU64(state, S_MAXMSG_LO)) return Status.MessageTooLarge;
    const frags = opcode === 0 ? state[S_FRAGS]! : 0;
    if (frags + 1 > state[S_MAXFRAGS]!) return Status.TooManyFragments;
  }
  if (payloadLength > readU64(state, S_MAXFRAME_LO)) return Status.FrameTooLarge;
  return Status.Ok;
}

/** Bookkeeping when a frame's last payload byte has been read; returns a Status. */
function endFrame(state: Int32Array, flags: number, config: number): number {
  const opcode = flags & F_OPCODE;
  if (opcode >= 8 || (config & C_MESSAGES) === 0 || (flags & F_FIN) === 0) return Status.Ok;
  // FIN on a data frame completes the message (RFC 6455 §5.4). A text message must end on a code point
  // boundary (RFC 6455 §8.1: the whole message is UTF-8).
  const incomplete = (flags & F_TEXT) !== 0 && state[S_UTF8] !== 0;
  state[S_MSG] = 0;
  state[S_FRAGS] = 0;
  state[S_MSG_LO] = 0;
  state[S_MSG_HI] = 0;
  state[S_UTF8] = 0;
  return incomplete ? Status.InvalidUtf8 : Status.Ok;
}

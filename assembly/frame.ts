// The frame walk: one call per chunk, and every RFC 6455 §5 rule the backends apply, written once. This file
// is portable (scripts/portable.mjs): `asc` compiles it into the WASM module and scripts/build-wasm.mjs
// translates it into src/portable/frame.ts for the TS backend. It reaches memory only through ./platform
// (assembly/platform.ts over linear memory, src/backend/platform.ts over typed arrays), so a decoder may
// switch backend between chunks, even inside a frame, and the state means the same to both.
//
// Records (layout.ts R_*) give payload offsets in the chunk; masked payload is unmasked into the backend's
// window at the same offsets, and text is validated in the same pass. The rules' helpers are `@inline`: each
// runs once per frame, and both sides inline them (the TS translation expands them as labelled blocks).

import {
  B1_LENGTH, B1_MASK, C_DEFLATE, C_MESSAGES, C_SERVER, C_UTF8, C_UTF8_DEFER, F_ASCII, F_END, F_FIN, F_KIND,
  F_MASKED, F_OPCODE, F_RSV1, F_RSV2, F_RSV3, F_START, KIND_BYTES, KIND_DEFERRED_TEXT, KIND_TEXT, LENGTH_16,
  LENGTH_64, MAX_CONTROL_PAYLOAD, M_ASCII, M_COMPRESSED, M_DEFER, M_OPCODE, OP_BINARY, OP_CLOSE, OP_CONTINUATION,
  OP_CONTROL, OP_PONG, OP_TEXT, PHASE_CLOSED, PHASE_FAILED, PHASE_HEADER, PHASE_PAYLOAD, RECORD_CAPACITY, S_CONFIG,
  S_FRAGS, S_FRAME, S_HDR_LEN, S_MASK, S_MAXFRAGS, S_MAXFRAME_LO, S_MAXMSG_LO, S_MSG, S_MSG_LO, S_PHASE, S_POS,
  S_REM_LO, S_UTF8, ST_EXPECTED_CONTINUATION, ST_EXPECTED_FIN, ST_EXPECTED_MASK, ST_FRAME_TOO_LARGE,
  ST_INVALID_CONTROL_PAYLOAD_LENGTH, ST_INVALID_OPCODE, ST_INVALID_PAYLOAD_LENGTH, ST_INVALID_UTF8,
  ST_MESSAGE_TOO_LARGE, ST_NON_MINIMAL_LENGTH, ST_OK, ST_TOO_MANY_FRAGMENTS, ST_UNEXPECTED_CONTINUATION,
  ST_UNEXPECTED_MASK, ST_UNEXPECTED_RSV_1, ST_UNEXPECTED_RSV_2_3, ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH,
  UTF8_CARRY, UTF8_INVALID, UTF8_NON_ASCII,
} from './layout';
import {
  getS, getS64, headerAt, headerByte, joinHeader, releaseHeader, setS, setS64, spillHeader, unmaskSegment,
  validateSegment, writeRecord,
} from './platform';
import { rotateKey } from './rotate';

/**
 * Under C_UTF8_DEFER, text messages whose first frame announces at least this many bytes are validated by the
 * decoder (the runtime's validator), not here. bench/decode.bench.mjs sweep, text as bytes: 1.04–1.15x at 384 B.
 */
export const UTF8_DEFER_MIN: i32 = 384;

const TWO_32: u64 = 4294967296;
/** The high word of a 64-bit length above this is above 2^53 - 1 (Number.MAX_SAFE_INTEGER). */
const MAX_SAFE_HIGH: i32 = 0x1fffff;

/** The payload length read by `readLength`; `parse` keeps it for the frame's first record. */
let frameLength: u64 = 0;

/** Bytes `i` to `i + 3` of the header at `at` as a big-endian word. */
// @ts-ignore: decorator
@inline function word(at: i32, i: i32): i32 {
  return (headerByte(at, i) << 24) | (headerByte(at, i + 1) << 16) | (headerByte(at, i + 2) << 8) |
    headerByte(at, i + 3);
}

/**
 * The header rules that need only its first two bytes, in the order `ws` applies them (so the first violation
 * reported matches): RSV bits (RFC 6455 §5.2: 0 unless an extension defines them; RFC 7692 §6.1: with
 * permessage-deflate, RSV1 on the first frame of a data message, never on a continuation or control frame,
 * §6: "the RSV1 bit is set only on the first frame"), opcode (§5.2: reserved
 * opcodes fail), control frames (§5.5: FIN set, payload ≤ 125; §5.5.1: a close body is empty or ≥ 2 bytes),
 * message sequencing (§5.4), masking direction (§5.1).
 */
// @ts-ignore: decorator
@inline function checkHeader(config: i32, b0: i32, b1: i32): i32 {
  const opcode = b0 & F_OPCODE;
  if ((b0 & (F_RSV2 | F_RSV3)) != 0) return ST_UNEXPECTED_RSV_2_3;
  if ((b0 & F_RSV1) != 0 && ((config & C_DEFLATE) == 0 || opcode == OP_CONTINUATION || opcode >= OP_CONTROL)) {
    return ST_UNEXPECTED_RSV_1;
  }
  if ((opcode > OP_BINARY && opcode < OP_CONTROL) || opcode > OP_PONG) return ST_INVALID_OPCODE;
  const len7 = b1 & B1_LENGTH;
  if (opcode >= OP_CONTROL) {
    if ((b0 & F_FIN) == 0) return ST_EXPECTED_FIN;
    if (len7 > MAX_CONTROL_PAYLOAD || (opcode == OP_CLOSE && len7 == 1)) return ST_INVALID_CONTROL_PAYLOAD_LENGTH;
  } else if ((config & C_MESSAGES) != 0) {
    const open = getS(S_MSG) & M_OPCODE;
    if (opcode == OP_CONTINUATION && open == 0) return ST_UNEXPECTED_CONTINUATION;
    if (opcode != OP_CONTINUATION && open != 0) return ST_EXPECTED_CONTINUATION;
  }
  const masked = (b1 & B1_MASK) != 0;
  if ((config & C_SERVER) != 0) {
    if (!masked) return ST_EXPECTED_MASK;
  } else if (masked) return ST_UNEXPECTED_MASK;
  return ST_OK;
}

/** Bytes in a header whose second byte is `b1` (RFC 6455 §5.2): 2, + 2 or 8 of extended length, + 4 of key. */
// @ts-ignore: decorator
@inline function headerLength(b1: i32): i32 {
  return 2 + ((b1 & B1_LENGTH) < LENGTH_16 ? 0 : (b1 & B1_LENGTH) == LENGTH_16 ? 2 : 8) + ((b1 & B1_MASK) != 0 ? 4 : 0);
}

/**
 * Read the extended payload length of a complete header whose 7-bit length is `len7` (LENGTH_16 or LENGTH_64)
 * into `frameLength`; returns the status of its encoding (RFC 6455 §5.2: the minimal number of bytes; a 64-bit
 * length has its most significant bit 0).
 */
// @ts-ignore: decorator
@inline function readLength(at: i32, len7: i32): i32 {
  if (len7 == LENGTH_16) {
    const length = (headerByte(at, 2) << 8) | headerByte(at, 3);
    frameLength = <u64>length;
    return length < LENGTH_16 ? ST_NON_MINIMAL_LENGTH : ST_OK;
  }
  const high = word(at, 2);
  frameLength = 0;
  if (high < 0) return ST_INVALID_PAYLOAD_LENGTH;
  if (high > MAX_SAFE_HIGH) return ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH;
  frameLength = <u64>high * TWO_32 + <u64><u32>word(at, 6);
  return frameLength <= 0xffff ? ST_NON_MINIMAL_LENGTH : ST_OK;
}

/**
 * Size limits, from the header, before any payload is buffered. The message limit is checked first so that
 * with the default maxFrameSize (= maxMessageSize) an oversized message reports WS_ERR_UNSUPPORTED_MESSAGE_LENGTH.
 */
// @ts-ignore: decorator
@inline function checkLimits(config: i32, opcode: i32, payloadLength: u64): i32 {
  if (opcode < OP_CONTROL && (config & C_MESSAGES) != 0) {
    const sofar: u64 = opcode == OP_CONTINUATION ? getS64(S_MSG_LO) : 0;
    if (sofar + payloadLength > getS64(S_MAXMSG_LO)) return ST_MESSAGE_TOO_LARGE;
    const frags = opcode == OP_CONTINUATION ? getS(S_FRAGS) : 0;
    if (frags + 1 > getS(S_MAXFRAGS)) return ST_TOO_MANY_FRAGMENTS;
  }
  if (payloadLength > getS64(S_MAXFRAME_LO)) return ST_FRAME_TOO_LARGE;
  return ST_OK;
}

/**
 * Message bookkeeping for a data frame whose header passed (C_MESSAGES; RFC 6455 §5.4): a non-zero opcode
 * starts a message, a continuation extends it. Returns the frame's F_KIND. A message that starts with RSV1
 * (checkHeader let it through: C_DEFLATE) is compressed, bytes until the decoder inflates it (RFC 7692 §6.2).
 */
// @ts-ignore: decorator
@inline function dataFrame(config: i32, b0: i32, payloadLength: u64): i32 {
  const opcode = b0 & F_OPCODE;
  let msg = getS(S_MSG);
  if (opcode != OP_CONTINUATION) {
    msg = opcode | M_ASCII | ((b0 & F_RSV1) != 0 ? M_COMPRESSED : 0);
    setS(S_UTF8, 0);
    setS64(S_MSG_LO, 0);
    setS(S_FRAGS, 0);
  }
  setS(S_FRAGS, getS(S_FRAGS) + 1);
  const announced = getS64(S_MSG_LO) + payloadLength;
  setS64(S_MSG_LO, announced);
  if ((msg & M_OPCODE) != OP_TEXT || (config & C_UTF8) == 0 || (msg & M_COMPRESSED) != 0) {
    setS(S_MSG, msg);
    return KIND_BYTES;
  }
  // C_UTF8_DEFER: a text message whose first frame is long is left to the decoder's validator, all its frames;
  // they are unmasked like binary, and its ASCII-ness is unknown.
  if (opcode == OP_TEXT && (config & C_UTF8_DEFER) != 0 && payloadLength >= <u64>UTF8_DEFER_MIN) {
    msg = (msg & ~M_ASCII) | M_DEFER;
  }
  setS(S_MSG, msg);
  return (msg & M_DEFER) != 0 ? KIND_DEFERRED_TEXT : KIND_TEXT;
}

/** Unmask and validate one payload segment at chunk offset `off`; returns a status. */
// @ts-ignore: decorator
@inline function segment(off: i32, take: i32, flags: i32): i32 {
  const masked = (flags & F_MASKED) != 0;
  const key = getS(S_MASK);
  if (masked) setS(S_MASK, rotateKey(key, take));
  if ((flags & F_KIND) != KIND_TEXT) {
    if (masked) unmaskSegment(off, take, key);
    return ST_OK;
  }
  const r = validateSegment(off, take, masked, key, getS(S_UTF8));
  if (r == UTF8_INVALID) return ST_INVALID_UTF8;
  setS(S_UTF8, r & UTF8_CARRY);
  if ((r & UTF8_NON_ASCII) != 0) setS(S_MSG, getS(S_MSG) & ~M_ASCII);
  return ST_OK;
}

/** Bookkeeping when a frame's last payload byte has been read; returns a status. */
// @ts-ignore: decorator
@inline function endFrame(flags: i32, config: i32): i32 {
  if ((flags & F_OPCODE) >= OP_CONTROL || (config & C_MESSAGES) == 0 || (flags & F_FIN) == 0) return ST_OK;
  // FIN on a data frame completes the message (RFC 6455 §5.4). A text message must end on a code point
  // boundary (RFC 6455 §8.1: the whole message is UTF-8).
  const incomplete = (flags & F_KIND) == KIND_TEXT && getS(S_UTF8) != 0;
  setS(S_MSG, 0);
  setS(S_FRAGS, 0);
  setS64(S_MSG_LO, 0);
  setS(S_UTF8, 0);
  return incomplete ? ST_INVALID_UTF8 : ST_OK;
}

/**
 * Walk the chunk of `len` bytes from `pos`: every complete frame header and every payload segment, updating
 * the state, unmasking and validating, one record each. Returns the record count; S_POS says where it stopped
 * (before the chunk's end only when RECORD_CAPACITY records were written). R_FLEN and R_MASK are set on a
 * frame's F_START record, 0 on the others.
 */
export function parse(len: i32, pos: i32): i32 {
  let phase = getS(S_PHASE);
  let n = 0;
  if (phase >= PHASE_CLOSED) {
    setS(S_POS, len);
    return 0;
  }
  const config = getS(S_CONFIG);
  let start = 0; // F_START for the record that follows a header
  let key = 0; // the mask key of that header, as on the wire
  while (n < RECORD_CAPACITY) {
    if (phase == PHASE_PAYLOAD) {
      if (pos >= len && start == 0) break;
      let flags = getS(S_FRAME);
      const remaining = getS64(S_REM_LO);
      const avail = <u64>(len - pos);
      const take = <i32>(remaining < avail ? remaining : avail);
      let status = ST_OK;
      if (take > 0) status = segment(pos, take, flags);
      const left = remaining - <u64>take;
      setS64(S_REM_LO, left);
      flags |= start;
      if ((getS(S_MSG) & M_ASCII) != 0) flags |= F_ASCII;
      if (left == 0 && status == ST_OK) {
        flags |= F_END;
        status = endFrame(flags, config);
        phase = (flags & F_OPCODE) == OP_CLOSE ? PHASE_CLOSED : PHASE_HEADER;
      }
      const length = start != 0 ? frameLength : 0;
      writeRecord(n, flags, pos, take, length, start != 0 ? key : 0, status);
      n++;
      pos += take;
      start = 0;
      if (status != ST_OK) {
        phase = PHASE_FAILED;
        break;
      }
      if (phase == PHASE_CLOSED) break;
      continue;
    }

    // PHASE_HEADER: gather the header, possibly continuing one spilled from the previous chunk.
    if (pos >= len) break;
    const held = getS(S_HDR_LEN);
    const avail = held + (len - pos);
    if (avail < 2) {
      spillHeader(held, avail, pos);
      setS(S_HDR_LEN, avail);
      pos = len;
      break;
    }
    // The header's bytes, in one place: the chunk's, or those held joined with the chunk's.
    const at = held == 0 ? headerAt(pos) : joinHeader(held, avail, pos);
    const b0 = headerByte(at, 0);
    const b1 = headerByte(at, 1);
    const opcode = b0 & F_OPCODE;
    let flags = b0 | ((b1 & B1_MASK) != 0 ? F_MASKED : 0);
    // The rules that need only the first two bytes fail as soon as they arrive (as ws does), not when a peer
    // that may have stalled completes the header. Then the length encoding, then the limits.
    let status = checkHeader(config, b0, b1);
    frameLength = 0;
    key = 0;
    if (status == ST_OK) {
      const size = headerLength(b1);
      if (avail < size) {
        spillHeader(held, avail, pos);
        setS(S_HDR_LEN, avail);
        pos = len;
        break;
      }
      const len7 = b1 & B1_LENGTH;
      frameLength = <u64>len7;
      if (len7 >= LENGTH_16) status = readLength(at, len7);
      if ((b1 & B1_MASK) != 0) {
        const k = size - 4;
        key = headerByte(at, k) | (headerByte(at, k + 1) << 8) | (headerByte(at, k + 2) << 16) |
          (headerByte(at, k + 3) << 24);
      }
      pos += size - held;
      if (held != 0) {
        setS(S_HDR_LEN, 0);
        releaseHeader();
      }
      if (status == ST_OK) status = checkLimits(config, opcode, frameLength);
    }
    if (status != ST_OK) {
      writeRecord(n, flags | F_START, pos, 0, frameLength, key, status);
      n++;
      phase = PHASE_FAILED;
      break;
    }
    if (opcode < OP_CONTROL && (config & C_MESSAGES) != 0) flags |= dataFrame(config, b0, frameLength);
    setS(S_FRAME, flags);
    setS(S_MASK, key);
    setS64(S_REM_LO, frameLength);
    phase = PHASE_PAYLOAD;
    start = F_START;
  }
  setS(S_PHASE, phase);
  setS(S_POS, pos);
  return n;
}

/**
 * Whether the rest of the chunk (`len` bytes) holds only payload that neither backend unmasks or validates:
 * the rest of the frame being read, then whole or cut-off frames announcing at least `minLength` bytes each
 * (`minLength` ≥ UTF8_DEFER_MIN), each unmasked binary, or text the decoder validates itself (C_UTF8_DEFER) or nobody
 * does (no C_UTF8), or a continuation of either. At most len / minLength headers are read; one cut off by the chunk's
 * end (fewer than 10 bytes left) is not, nor one split across chunks at its start. For the TS side's choice of
 * backend (src/backend/index.ts `pick`): only a guess at the cheaper one, as both decode identically.
 */
export function onlyLargePlainFrames(len: i32, minLength: i32): bool {
  const phase = getS(S_PHASE);
  let pos: u64 = 0;
  if (phase == PHASE_PAYLOAD) {
    const frame = getS(S_FRAME);
    if ((frame & F_MASKED) != 0 || (frame & F_KIND) == KIND_TEXT) return false;
    pos = getS64(S_REM_LO);
  } else if (phase != PHASE_HEADER || getS(S_HDR_LEN) != 0) {
    return false;
  }
  const config = getS(S_CONFIG);
  const plainText = (config & C_UTF8_DEFER) != 0 || (config & C_UTF8) == 0;
  const msg = getS(S_MSG);
  let plain = (msg & M_OPCODE) == OP_BINARY || (msg & M_DEFER) != 0;
  while (pos + 10 <= <u64>len) {
    const at = headerAt(<i32>pos);
    const opcode = headerByte(at, 0) & F_OPCODE;
    const b1 = headerByte(at, 1);
    if (opcode == OP_BINARY || (opcode == OP_TEXT && plainText)) plain = true;
    else if (opcode != OP_CONTINUATION || !plain) return false;
    const len7 = b1 & B1_LENGTH;
    if ((b1 & B1_MASK) != 0 || len7 < LENGTH_16) return false; // (masked, or shorter than any minLength)
    const status = readLength(at, len7);
    if (status != ST_OK || frameLength < <u64>minLength) return false;
    pos += <u64>headerLength(b1) + frameLength;
  }
  return true;
}

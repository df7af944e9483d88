// The frame walk: one call per chunk. Mirrors src/backend/js.ts `JsBackend.parse` record for record
// (see that file and src/layout.ts for the state and record formats; the rules cite RFC 6455 there too).
//
// The chunk has been copied to WINDOW_PTR; payload offsets in records are chunk offsets. Masked payload is
// unmasked in place; masked text is unmasked and validated in one pass (utf8.ts `unmaskValidate`).

import {
  C_MESSAGES, C_SERVER, C_UTF8, C_UTF8_DEFER, F_ASCII, F_END, F_FIN, F_MASKED, F_OPCODE, F_RSV1, F_START, F_TEXT, F_UNCHECKED,
  M_ASCII, M_DEFER, M_OPCODE, PHASE_CLOSED, PHASE_FAILED, PHASE_HEADER, PHASE_PAYLOAD, RECORD_CAPACITY, REC_WORDS,
  R_FLAGS, R_FLEN_LO, R_LEN, R_MASK, R_OFF, R_SPARE, R_STATUS, S_CONFIG, S_FRAGS, S_FRAME, S_HDR, S_HDR_LEN,
  S_MASK, S_MAXFRAGS, S_MAXFRAME_LO, S_MAXMSG_LO, S_MSG, S_MSG_LO, S_PHASE, S_POS, S_REM_LO, S_UTF8,
  ST_EXPECTED_CONTINUATION, ST_EXPECTED_FIN, ST_EXPECTED_MASK, ST_FRAME_TOO_LARGE,
  ST_INVALID_CONTROL_PAYLOAD_LENGTH, ST_INVALID_OPCODE, ST_INVALID_PAYLOAD_LENGTH, ST_INVALID_UTF8,
  ST_MESSAGE_TOO_LARGE, ST_NON_MINIMAL_LENGTH, ST_OK, ST_TOO_MANY_FRAGMENTS, ST_UNEXPECTED_CONTINUATION,
  ST_UNEXPECTED_MASK, ST_UNEXPECTED_RSV_1, ST_UNEXPECTED_RSV_2_3, ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH,
  UTF8_DEFER_MIN,
} from './layout';
import { RECORDS_PTR, STATE_PTR, WINDOW_PTR } from './memory';
import { maskInPlace, rotateKey } from './mask';
import { UTF8_INVALID, UTF8_NON_ASCII, unmaskValidate } from './utf8';

// @ts-ignore: decorator
@inline function getS(i: i32): i32 {
  return load<i32>(STATE_PTR + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function setS(i: i32, v: i32): void {
  store<i32>(STATE_PTR + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline function getS64(i: i32): u64 {
  return load<u64>(STATE_PTR + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function setS64(i: i32, v: u64): void {
  store<u64>(STATE_PTR + (<usize>i << 2), v);
}

let frameLength: u64 = 0;
let headerKey: u32 = 0;

// @ts-ignore: decorator
@inline function writeRecord(n: i32, flags: i32, off: usize, len: usize, status: i32): void {
  const r = RECORDS_PTR + (<usize>(n * REC_WORDS) << 2);
  store<i32>(r + (<usize>R_FLAGS << 2), flags);
  store<i32>(r + (<usize>R_OFF << 2), <i32>off);
  store<i32>(r + (<usize>R_LEN << 2), <i32>len);
  store<u64>(r + (<usize>R_FLEN_LO << 2), frameLength);
  store<i32>(r + (<usize>R_STATUS << 2), status);
  store<i32>(r + (<usize>R_MASK << 2), <i32>headerKey);
  store<i32>(r + (<usize>R_SPARE << 2), 0);
}

/** Unmask and validate one payload segment at window offset `off`; returns a status. */
function segment(off: usize, take: usize, flags: i32): i32 {
  const p = WINDOW_PTR + off;
  const masked = (flags & F_MASKED) != 0;
  const key = <u32>getS(S_MASK);
  if ((flags & F_TEXT) != 0) {
    const r = unmaskValidate(p, take, masked ? key : 0, getS(S_UTF8));
    if (masked) setS(S_MASK, <i32>rotateKey(key, take));
    if (r == UTF8_INVALID) return ST_INVALID_UTF8;
    setS(S_UTF8, r & 0xffffff);
    if ((r & UTF8_NON_ASCII) != 0) setS(S_MSG, getS(S_MSG) & ~M_ASCII);
    return ST_OK;
  }
  if (masked) {
    maskInPlace(p, take, key);
    setS(S_MASK, <i32>rotateKey(key, take));
  }
  return ST_OK;
}

function checkHeader(config: i32, b0: i32, b1: i32, opcode: i32): i32 {
  if ((b0 & 0x30) != 0) return ST_UNEXPECTED_RSV_2_3;
  if ((b0 & F_RSV1) != 0) return ST_UNEXPECTED_RSV_1;
  if ((opcode > 2 && opcode < 8) || opcode > 10) return ST_INVALID_OPCODE;
  const len7 = b1 & 0x7f;
  if (opcode >= 8) {
    if ((b0 & F_FIN) == 0) return ST_EXPECTED_FIN;
    if (len7 > 125 || (opcode == 8 && len7 == 1)) return ST_INVALID_CONTROL_PAYLOAD_LENGTH;
  } else if ((config & C_MESSAGES) != 0) {
    const open = getS(S_MSG) & M_OPCODE;
    if (opcode == 0 && open == 0) return ST_UNEXPECTED_CONTINUATION;
    if (opcode != 0 && open != 0) return ST_EXPECTED_CONTINUATION;
  }
  const masked = (b1 & 0x80) != 0;
  if ((config & C_SERVER) != 0) {
    if (!masked) return ST_EXPECTED_MASK;
  } else if (masked) return ST_UNEXPECTED_MASK;
  return ST_OK;
}

function checkLimits(config: i32, opcode: i32, payloadLength: u64): i32 {
  if (opcode < 8 && (config & C_MESSAGES) != 0) {
    const sofar: u64 = opcode == 0 ? getS64(S_MSG_LO) : 0;
    if (sofar + payloadLength > getS64(S_MAXMSG_LO)) return ST_MESSAGE_TOO_LARGE;
    const frags = opcode == 0 ? getS(S_FRAGS) : 0;
    if (frags + 1 > getS(S_MAXFRAGS)) return ST_TOO_MANY_FRAGMENTS;
  }
  if (payloadLength > getS64(S_MAXFRAME_LO)) return ST_FRAME_TOO_LARGE;
  return ST_OK;
}

function endFrame(flags: i32, config: i32): i32 {
  const opcode = flags & F_OPCODE;
  if (opcode >= 8 || (config & C_MESSAGES) == 0 || (flags & F_FIN) == 0) return ST_OK;
  const incomplete = (flags & F_TEXT) != 0 && getS(S_UTF8) != 0;
  setS(S_MSG, 0);
  setS(S_FRAGS, 0);
  setS64(S_MSG_LO, 0);
  setS(S_UTF8, 0);
  return incomplete ? ST_INVALID_UTF8 : ST_OK;
}

// @ts-ignore: decorator
@inline function headerByte(held: i32, pos: usize, i: i32): i32 {
  return i < held
    ? <i32>load<u8>(STATE_PTR + (<usize>S_HDR << 2) + <usize>i)
    : <i32>load<u8>(WINDOW_PTR + pos + <usize>(i - held));
}

/** Keep the bytes of an incomplete header in the state for the next chunk (at most 13). */
function spillHeader(held: i32, avail: i32, pos: usize): void {
  const spill = STATE_PTR + (<usize>S_HDR << 2);
  for (let i = held; i < avail; i++) store<u8>(spill + <usize>i, load<u8>(WINDOW_PTR + pos + <usize>(i - held)));
  setS(S_HDR_LEN, avail);
}

/** Walk the chunk of `len` bytes in the window from `pos`; see JsBackend.parse. Returns the record count. */
export function parse(len: usize, pos: usize): i32 {
  let phase = getS(S_PHASE);
  let n = 0;
  if (phase >= PHASE_CLOSED) {
    setS(S_POS, <i32>len);
    return 0;
  }
  const config = getS(S_CONFIG);
  let start = 0;
  while (n < RECORD_CAPACITY) {
    if (phase == PHASE_PAYLOAD) {
      if (pos >= len && start == 0) break;
      let flags = getS(S_FRAME);
      const remaining = getS64(S_REM_LO);
      const avail = <u64>(len - pos);
      const take = <usize>(remaining < avail ? remaining : avail);
      let status = take > 0 ? segment(pos, take, flags) : ST_OK;
      const left = remaining - <u64>take;
      setS64(S_REM_LO, left);
      flags |= start;
      if ((getS(S_MSG) & M_ASCII) != 0) flags |= F_ASCII;
      if (left == 0 && status == ST_OK) {
        flags |= F_END;
        status = endFrame(flags, config);
        phase = (flags & F_OPCODE) == 0x8 ? PHASE_CLOSED : PHASE_HEADER;
      }
      writeRecord(n, flags, pos, take, status);
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

    if (pos >= len) break;
    const held = getS(S_HDR_LEN);
    const avail = held + <i32>(len - pos);
    if (avail < 2) {
      spillHeader(held, avail, pos);
      pos = len;
      break;
    }
    const b0 = headerByte(held, pos, 0);
    const b1 = headerByte(held, pos, 1);
    const opcode = b0 & F_OPCODE;
    let flags = b0 | ((b1 & 0x80) != 0 ? F_MASKED : 0);
    // Rules from the first two bytes first (fail as soon as they arrive), then length encoding, then limits.
    let status = checkHeader(config, b0, b1, opcode);
    let payloadLength: u64 = 0;
    let key: u32 = 0;
    if (status == ST_OK) {
      const len7 = b1 & 0x7f;
      const headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
      if (avail < headerLength) {
        spillHeader(held, avail, pos);
        pos = len;
        break;
      }
      payloadLength = <u64>len7;
      let k = 2;
      if (len7 == 126) {
        payloadLength = <u64>((headerByte(held, pos, 2) << 8) | headerByte(held, pos, 3));
        k = 4;
        if (payloadLength < 126) status = ST_NON_MINIMAL_LENGTH;
      } else if (len7 == 127) {
        payloadLength = 0;
        for (let i = 2; i < 10; i++) payloadLength = (payloadLength << 8) | <u64>headerByte(held, pos, i);
        k = 10;
        if ((payloadLength >> 63) != 0) status = ST_INVALID_PAYLOAD_LENGTH;
        else if (payloadLength > 0x1fffffffffffff) status = ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH;
        else if (payloadLength < 65536) status = ST_NON_MINIMAL_LENGTH;
      }
      if ((b1 & 0x80) != 0) {
        key = <u32>headerByte(held, pos, k) | (<u32>headerByte(held, pos, k + 1) << 8) |
          (<u32>headerByte(held, pos, k + 2) << 16) | (<u32>headerByte(held, pos, k + 3) << 24);
      }
      pos += <usize>(headerLength - held);
      setS(S_HDR_LEN, 0);
      if (status == ST_OK) status = checkLimits(config, opcode, payloadLength);
    }
    frameLength = payloadLength;
    headerKey = key;
    if (status != ST_OK) {
      writeRecord(n, flags | F_START, pos, 0, status);
      n++;
      phase = PHASE_FAILED;
      break;
    }
    if (opcode < 8 && (config & C_MESSAGES) != 0) {
      let msg = getS(S_MSG);
      if (opcode != 0) {
        msg = opcode | M_ASCII;
        setS(S_UTF8, 0);
        setS64(S_MSG_LO, 0);
        setS(S_FRAGS, 0);
      }
      setS(S_MSG, msg);
      setS(S_FRAGS, getS(S_FRAGS) + 1);
      setS64(S_MSG_LO, getS64(S_MSG_LO) + payloadLength);
      if ((msg & M_OPCODE) == 1 && (config & C_UTF8) != 0) {
        // C_UTF8_DEFER (src/layout.ts): a text message whose first frame is large is left to the decoder's
        // validator, all its frames; they are unmasked like binary and its ASCII-ness is unknown.
        if (opcode == 1 && (config & C_UTF8_DEFER) != 0 && payloadLength >= <u64>UTF8_DEFER_MIN) {
          msg = (msg & ~M_ASCII) | M_DEFER;
          setS(S_MSG, msg);
        }
        flags |= (msg & M_DEFER) != 0 ? F_UNCHECKED : F_TEXT;
      }
    }
    setS(S_FRAME, flags);
    setS(S_MASK, <i32>key);
    setS64(S_REM_LO, payloadLength);
    phase = PHASE_PAYLOAD;
    start = F_START;
  }
  setS(S_PHASE, phase);
  setS(S_POS, <i32>pos);
  return n;
}

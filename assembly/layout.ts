// Mirror of src/layout.ts (state words, record words, flag bits). `layoutChecksum()` lets the TS side verify
// that both files still agree (test/backend.test.ts).

export const STATE_WORDS: i32 = 22;
export const S_PHASE: i32 = 0;
export const S_HDR_LEN: i32 = 1;
export const S_HDR: i32 = 2;
export const S_FRAME: i32 = 6;
export const S_MASK: i32 = 7;
export const S_REM_LO: i32 = 8;
export const S_MSG: i32 = 10;
export const S_UTF8: i32 = 11;
export const S_MSG_LO: i32 = 12;
export const S_FRAGS: i32 = 14;
export const S_CONFIG: i32 = 15;
export const S_MAXFRAME_LO: i32 = 16;
export const S_MAXMSG_LO: i32 = 18;
export const S_MAXFRAGS: i32 = 20;
export const S_POS: i32 = 21;

export const PHASE_HEADER: i32 = 0;
export const PHASE_PAYLOAD: i32 = 1;
export const PHASE_CLOSED: i32 = 2;
export const PHASE_FAILED: i32 = 3;

export const F_FIN: i32 = 0x80;
export const F_RSV1: i32 = 0x40;
export const F_OPCODE: i32 = 0x0f;
export const F_MASKED: i32 = 0x100;
export const F_START: i32 = 0x200;
export const F_END: i32 = 0x400;
export const F_ASCII: i32 = 0x800;
export const F_TEXT: i32 = 0x1000;
export const F_UNCHECKED: i32 = 0x2000;

export const M_OPCODE: i32 = 0x0f;
export const M_ASCII: i32 = 0x10;
export const M_DEFER: i32 = 0x20;

export const C_SERVER: i32 = 1;
export const C_MESSAGES: i32 = 2;
export const C_UTF8: i32 = 4;
export const C_UTF8_DEFER: i32 = 8;
export const UTF8_DEFER_MIN: i32 = 384;

export const REC_WORDS: i32 = 8;
export const R_FLAGS: i32 = 0;
export const R_OFF: i32 = 1;
export const R_LEN: i32 = 2;
export const R_FLEN_LO: i32 = 3;
export const R_STATUS: i32 = 5;
export const R_MASK: i32 = 6;
export const R_SPARE: i32 = 7;
export const RECORD_CAPACITY: i32 = 1024;

// Status numbers (src/errors.ts).
export const ST_OK: i32 = 0;
export const ST_UNEXPECTED_RSV_1: i32 = 1;
export const ST_UNEXPECTED_RSV_2_3: i32 = 2;
export const ST_INVALID_OPCODE: i32 = 3;
export const ST_UNEXPECTED_CONTINUATION: i32 = 4;
export const ST_EXPECTED_CONTINUATION: i32 = 5;
export const ST_EXPECTED_FIN: i32 = 6;
export const ST_INVALID_CONTROL_PAYLOAD_LENGTH: i32 = 7;
export const ST_EXPECTED_MASK: i32 = 8;
export const ST_UNEXPECTED_MASK: i32 = 9;
export const ST_NON_MINIMAL_LENGTH: i32 = 10;
export const ST_INVALID_PAYLOAD_LENGTH: i32 = 11;
export const ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH: i32 = 12;
export const ST_FRAME_TOO_LARGE: i32 = 13;
export const ST_MESSAGE_TOO_LARGE: i32 = 14;
export const ST_TOO_MANY_FRAGMENTS: i32 = 15;
export const ST_INVALID_UTF8: i32 = 16;

const S_MSG_HI_UNUSED: i32 = 0; // (64-bit values are read as one u64 at the _LO word)

export function layoutChecksum(): i32 {
  return STATE_WORDS * 1 + S_POS * 3 + S_MAXFRAGS * 5 + S_CONFIG * 7 + REC_WORDS * 11 + R_MASK * 13 +
    F_TEXT * 17 + F_ASCII * 19 + C_UTF8 * 23 + M_ASCII * 29 + RECORD_CAPACITY * 31 + PHASE_FAILED * 37 +
    F_UNCHECKED * 41 + C_UTF8_DEFER * 43 + UTF8_DEFER_MIN * 47 + M_DEFER * 53 + S_MSG_HI_UNUSED;
}

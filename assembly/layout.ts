// The contract between the two backends and the decoders: the per-decoder parser state and the frame-record
// table as word indices into `Int32Array`s, their bit fields, and the statuses with the errors they raise.
// This file is its only definition: `asc` compiles it into the WASM module, and scripts/build-wasm.mjs
// translates it into src/portable/layout.ts for the TS side (with the ST_* error table below), so the two
// cannot disagree.
//
// Because the state is plain words with one meaning on both sides, a decoder may switch backend between two
// chunks (that is how `backend: 'auto'` dispatches by chunk size) and get byte-identical results.

// ---- RFC 6455 §5.2 frame header ----
/** Opcodes (RFC 6455 §5.2, §11.8); 3–7 and 11–15 are reserved. */
export const OP_CONTINUATION: i32 = 0x0;
export const OP_TEXT: i32 = 0x1;
export const OP_BINARY: i32 = 0x2;
export const OP_CLOSE: i32 = 0x8;
export const OP_PING: i32 = 0x9;
export const OP_PONG: i32 = 0xa;
/** Opcodes from here up are control frames (RFC 6455 §5.5: the opcode's most significant bit is set). */
export const OP_CONTROL: i32 = 0x8;
/** Header byte 1: the MASK bit and the 7-bit payload length (RFC 6455 §5.2). */
export const B1_MASK: i32 = 0x80;
export const B1_LENGTH: i32 = 0x7f;
/** 7-bit lengths that announce a 16-bit and a 64-bit extended payload length. */
export const LENGTH_16: i32 = 126;
export const LENGTH_64: i32 = 127;
/** Largest control frame payload (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD: i32 = 125;

// ---- parser state (one Int32Array per decoder; 22 words = 88 bytes) ----
export const STATE_WORDS: i32 = 22;
/** PHASE_* below. */
export const S_PHASE: i32 = 0;
/** Bytes of a header split across chunks that are held in S_HDR (0..13). uWebSockets calls this "spill". */
export const S_HDR_LEN: i32 = 1;
/** 4 words = 16 bytes for the partial header (a header is at most 2 + 8 + 4 = 14 bytes), little-endian. */
export const S_HDR: i32 = 2;
/** F_* bits of the frame whose payload is being read: header byte 0 in bits 0–7, F_MASKED, F_KIND. */
export const S_FRAME: i32 = 6;
/** Mask key (little-endian u32), rotated so its low byte applies to the next payload byte. */
export const S_MASK: i32 = 7;
/** Payload bytes of the current frame still to come (64-bit: low word here, high word next). */
export const S_REM_LO: i32 = 8;
export const S_REM_HI: i32 = 9;
/** M_* bits: opcode of the open data message (0 = none, OP_TEXT, OP_BINARY) and what is known of it. */
export const S_MSG: i32 = 10;
/** Streaming UTF-8 state: 0 at a code point boundary, else need | lo << 8 | hi << 16 for the next byte. */
export const S_UTF8: i32 = 11;
/** Data payload bytes announced so far for the open message (64-bit), for maxMessageSize. */
export const S_MSG_LO: i32 = 12;
export const S_MSG_HI: i32 = 13;
/** Data frames of the open message so far, for maxFragments. */
export const S_FRAGS: i32 = 14;
/** C_* bits: role and which rules apply. */
export const S_CONFIG: i32 = 15;
/** maxFrameSize and maxMessageSize (64-bit each), maxFragments. */
export const S_MAXFRAME_LO: i32 = 16;
export const S_MAXFRAME_HI: i32 = 17;
export const S_MAXMSG_LO: i32 = 18;
export const S_MAXMSG_HI: i32 = 19;
export const S_MAXFRAGS: i32 = 20;
/** Where the last parse call stopped in the chunk (== chunk length unless the record table filled up). */
export const S_POS: i32 = 21;

export const PHASE_HEADER: i32 = 0;
export const PHASE_PAYLOAD: i32 = 1;
/** A close frame was completed: RFC 6455 §5.5.1 — nothing after it is data; everything is ignored. */
export const PHASE_CLOSED: i32 = 2;
export const PHASE_FAILED: i32 = 3;

// ---- flags shared by S_FRAME and record R_FLAGS ----
/** Header byte 0 as on the wire: FIN 0x80, RSV1 0x40, RSV2 0x20, RSV3 0x10, opcode 0x0F (RFC 6455 §5.2). */
export const F_FIN: i32 = 0x80;
export const F_RSV1: i32 = 0x40;
export const F_RSV2: i32 = 0x20;
export const F_RSV3: i32 = 0x10;
export const F_OPCODE: i32 = 0x0f;
export const F_MASKED: i32 = 0x100;
/** This record carries the frame's first payload bytes (header just parsed). */
export const F_START: i32 = 0x200;
/** This record carries the frame's last payload bytes. */
export const F_END: i32 = 0x400;
/** Every byte of the open text message so far was ASCII (only meaningful for KIND_TEXT). */
export const F_ASCII: i32 = 0x800;
/** What the payload is to the backends: one of the KIND_* values (0x3000 is free). */
export const F_KIND: i32 = 0x3000;
/** Bytes nobody here validates: binary, control, or text with C_UTF8 off (FrameDecoder, validateUtf8: false). */
export const KIND_BYTES: i32 = 0;
/** Text the backend validates as UTF-8 while it streams in (a text message under C_MESSAGES | C_UTF8). */
export const KIND_TEXT: i32 = 0x1000;
/**
 * Text the backend unmasked but did not validate, because C_UTF8_DEFER asked it to (the message is marked
 * M_DEFER): the decoder validates it, with the same streaming carry, before handing anything out.
 */
export const KIND_DEFERRED_TEXT: i32 = 0x2000;

// ---- S_MSG bits ----
export const M_OPCODE: i32 = 0x0f;
export const M_ASCII: i32 = 0x10;
/** This text message is validated by the decoder, not the backend (C_UTF8_DEFER; KIND_DEFERRED_TEXT frames). */
export const M_DEFER: i32 = 0x20;
/**
 * This message's first frame had RSV1 set under C_DEFLATE: its payload is compressed (RFC 7692 §6.2), bytes to
 * the backends (KIND_BYTES) until the decoder inflates and, for text, validates it.
 */
export const M_COMPRESSED: i32 = 0x40;

// ---- S_CONFIG bits ----
/** Server role: every frame must be masked (RFC 6455 §5.1); client role: none may be. */
export const C_SERVER: i32 = 1;
/** Apply message rules: continuation sequencing, maxMessageSize, maxFragments (RFC 6455 §5.4). */
export const C_MESSAGES: i32 = 2;
/** Validate text messages as UTF-8 while streaming (RFC 6455 §8.1). Needs C_MESSAGES. */
export const C_UTF8: i32 = 4;
/**
 * Leave long text messages unvalidated (M_DEFER, records KIND_DEFERRED_TEXT; the walk in assembly/frame.ts
 * says how long): the decoder has a faster validator for long runs (Node's `isUtf8`, simdutf). Needs C_UTF8.
 */
export const C_UTF8_DEFER: i32 = 8;
/**
 * permessage-deflate was agreed (RFC 7692 §6.1): RSV1 may be set on the first frame of a text or binary message,
 * which then is compressed (M_COMPRESSED). Needs C_MESSAGES.
 */
export const C_DEFLATE: i32 = 16;

// ---- frame records (one per frame segment in a chunk) ----
export const REC_WORDS: i32 = 8;
export const R_FLAGS: i32 = 0;
/** Offset of the segment's payload bytes in the chunk (and in the backend's window). */
export const R_OFF: i32 = 1;
export const R_LEN: i32 = 2;
/** Total payload length of the frame (64-bit), set on every record. */
export const R_FLEN_LO: i32 = 3;
export const R_FLEN_HI: i32 = 4;
/** Status (ST_* below), ST_OK = fine. A record with another status is always the last one. */
export const R_STATUS: i32 = 5;
/** Mask key as it appeared in the header (little-endian u32). */
export const R_MASK: i32 = 6;
export const R_SPARE: i32 = 7;

/** Records per parse call; the parser stops and resumes when the table is full. */
export const RECORD_CAPACITY: i32 = 1024;

/** Bytes of padding on each side of the WASM window, so SIMD code may over-read without leaving memory. */
export const WINDOW_PAD: i32 = 64;

// ---- UTF-8 validator results (both validators, and the S_UTF8 carry) ----
/** The carry: bits 0–23 of a result. */
export const UTF8_CARRY: i32 = 0xffffff;
/** Bit 24 of a result: a byte ≥ 0x80 was seen. */
export const UTF8_NON_ASCII: i32 = 0x1000000;
/** The result for invalid input. */
export const UTF8_INVALID: i32 = -1;

// ---- statuses (R_STATUS) ----
// Each names, in its `@error` tag, the stable error code, the close code to send (RFC 6455 §7.4.1) and the
// message of the WebSocketError it raises; scripts/build-wasm.mjs turns these into STATUS_ERRORS for
// src/errors.ts. The walk (assembly/frame.ts) writes all but the last three, which the decoders raise.

/** @error WS_ERR_OK 1000 no error */
export const ST_OK: i32 = 0;
/** RFC 6455 §5.2: RSV1 is 0 unless an extension defines it. @error WS_ERR_UNEXPECTED_RSV_1 1002 RSV1 must be clear */
export const ST_UNEXPECTED_RSV_1: i32 = 1;
/** RFC 6455 §5.2. @error WS_ERR_UNEXPECTED_RSV_2_3 1002 RSV2 and RSV3 must be clear */
export const ST_UNEXPECTED_RSV_2_3: i32 = 2;
/** RFC 6455 §5.2: opcodes 3–7 and 11–15. @error WS_ERR_INVALID_OPCODE 1002 reserved opcode */
export const ST_INVALID_OPCODE: i32 = 3;
/**
 * RFC 6455 §5.4.
 * @error WS_ERR_UNEXPECTED_CONTINUATION 1002 continuation frame without a message to continue
 */
export const ST_UNEXPECTED_CONTINUATION: i32 = 4;
/**
 * RFC 6455 §5.4.
 * @error WS_ERR_EXPECTED_CONTINUATION 1002 new data frame while a fragmented message is open
 */
export const ST_EXPECTED_CONTINUATION: i32 = 5;
/** RFC 6455 §5.5. @error WS_ERR_EXPECTED_FIN 1002 control frames must not be fragmented */
export const ST_EXPECTED_FIN: i32 = 6;
/**
 * RFC 6455 §5.5: at most 125 bytes; §5.5.1: a close body is empty or at least 2 bytes.
 * @error WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH 1002 invalid control frame payload length
 */
export const ST_INVALID_CONTROL_PAYLOAD_LENGTH: i32 = 7;
/** RFC 6455 §5.1. @error WS_ERR_EXPECTED_MASK 1002 client frames must be masked */
export const ST_EXPECTED_MASK: i32 = 8;
/** RFC 6455 §5.1. @error WS_ERR_UNEXPECTED_MASK 1002 server frames must not be masked */
export const ST_UNEXPECTED_MASK: i32 = 9;
/**
 * RFC 6455 §5.2: the minimal number of bytes.
 * @error WS_ERR_NON_MINIMAL_LENGTH 1002 payload length not minimally encoded
 */
export const ST_NON_MINIMAL_LENGTH: i32 = 10;
/**
 * RFC 6455 §5.2.
 * @error WS_ERR_INVALID_PAYLOAD_LENGTH 1002 most significant bit of a 64-bit payload length must be 0
 */
export const ST_INVALID_PAYLOAD_LENGTH: i32 = 11;
/**
 * Above Number.MAX_SAFE_INTEGER: no JavaScript buffer holds it.
 * @error WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH 1009 payload length above 2^53 - 1
 */
export const ST_UNSUPPORTED_DATA_PAYLOAD_LENGTH: i32 = 12;
/** @error WS_ERR_FRAME_TOO_LARGE 1009 frame payload exceeds maxFrameSize */
export const ST_FRAME_TOO_LARGE: i32 = 13;
/** @error WS_ERR_UNSUPPORTED_MESSAGE_LENGTH 1009 message exceeds maxMessageSize */
export const ST_MESSAGE_TOO_LARGE: i32 = 14;
/** @error WS_ERR_TOO_MANY_FRAGMENTS 1008 message exceeds maxFragments */
export const ST_TOO_MANY_FRAGMENTS: i32 = 15;
/** RFC 6455 §8.1. @error WS_ERR_INVALID_UTF8 1007 invalid UTF-8 */
export const ST_INVALID_UTF8: i32 = 16;
/** RFC 6455 §7.4 (raised by MessageDecoder). @error WS_ERR_INVALID_CLOSE_CODE 1002 invalid close code */
export const ST_INVALID_CLOSE_CODE: i32 = 17;
/**
 * `end()` inside a frame or message; 1006 is never sent (RFC 6455 §7.4.1).
 * @error WS_ERR_UNEXPECTED_EOF 1006 stream ended inside a frame or message
 */
export const ST_UNEXPECTED_EOF: i32 = 18;
/**
 * RFC 7692 §6.2: a compressed message that is not valid DEFLATE, or does not end at a block boundary (raised by
 * MessageDecoder while inflating; 1007 as `ws`, RFC 6455 §7.4.1: data inconsistent with the message's type).
 * @error WS_ERR_INVALID_COMPRESSED_DATA 1007 invalid compressed message
 */
export const ST_INVALID_COMPRESSED_DATA: i32 = 19;

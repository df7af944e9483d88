/**
 * The contract between the two backends and the decoders: the per-decoder parser state and the frame-record
 * table, as word indices into `Int32Array`s. `assembly/layout.ts` mirrors these numbers (the WASM module
 * exports `layoutChecksum()`, and test/backend.test.ts compares it with `LAYOUT_CHECKSUM` below).
 *
 * Because the state is plain words with one meaning on both sides, a decoder may switch backend between two
 * chunks (that is how `backend: 'auto'` dispatches by chunk size) and get byte-identical results.
 */

// ---- parser state (one Int32Array per decoder; 22 words = 88 bytes) ----
export const STATE_WORDS = 22;
/** PHASE_* below. */
export const S_PHASE = 0;
/** Bytes of a header split across chunks that are held in S_HDR (0..13). uWebSockets calls this "spill". */
export const S_HDR_LEN = 1;
/** 4 words = 16 bytes for the partial header (a header is at most 2 + 8 + 4 = 14 bytes). */
export const S_HDR = 2;
/** F_* bits of the frame whose payload is being read: header byte 0 in bits 0–7, F_MASKED, F_TEXT. */
export const S_FRAME = 6;
/** Mask key (little-endian u32), rotated so its low byte applies to the next payload byte. */
export const S_MASK = 7;
/** Payload bytes of the current frame still to come (64-bit, lo/hi). */
export const S_REM_LO = 8;
export const S_REM_HI = 9;
/** M_* bits: opcode of the open data message (0 = none, 1 text, 2 binary) and the all-ASCII flag. */
export const S_MSG = 10;
/** Streaming UTF-8 state: 0 at a code point boundary, else need | lo << 8 | hi << 16 for the next byte. */
export const S_UTF8 = 11;
/** Data payload bytes announced so far for the open message (64-bit), for maxMessageSize. */
export const S_MSG_LO = 12;
export const S_MSG_HI = 13;
/** Data frames of the open message so far, for maxFragments. */
export const S_FRAGS = 14;
/** C_* bits: role and which rules apply. */
export const S_CONFIG = 15;
export const S_MAXFRAME_LO = 16;
export const S_MAXFRAME_HI = 17;
export const S_MAXMSG_LO = 18;
export const S_MAXMSG_HI = 19;
export const S_MAXFRAGS = 20;
/** Where the last parse call stopped in the chunk (== chunk length unless the record table filled up). */
export const S_POS = 21;

export const PHASE_HEADER = 0;
export const PHASE_PAYLOAD = 1;
/** A close frame was completed: RFC 6455 §5.5.1 — nothing after it is data; everything is ignored. */
export const PHASE_CLOSED = 2;
export const PHASE_FAILED = 3;

// ---- flags shared by S_FRAME and record R_FLAGS ----
/** Header byte 0 as on the wire: FIN 0x80, RSV1 0x40, RSV2 0x20, RSV3 0x10, opcode 0x0F (RFC 6455 §5.2). */
export const F_FIN = 0x80;
export const F_RSV1 = 0x40;
export const F_RSV2 = 0x20;
export const F_RSV3 = 0x10;
export const F_OPCODE = 0x0f;
export const F_MASKED = 0x100;
/** This record carries the frame's first payload bytes (header just parsed). */
export const F_START = 0x200;
/** This record carries the frame's last payload bytes. */
export const F_END = 0x400;
/** Every byte of the open text message so far was ASCII (only meaningful with C_UTF8). */
export const F_ASCII = 0x800;
/** Payload of this frame is UTF-8-validated text (a text message under C_MESSAGES | C_UTF8). */
export const F_TEXT = 0x1000;
/**
 * A segment of a text message that the backend unmasked but did not validate, because C_UTF8_DEFER asked it to
 * (the message is marked M_DEFER): the decoder validates it, with the same streaming carry, before handing
 * anything out. Replaces F_TEXT on the record.
 */
export const F_UNCHECKED = 0x2000;

// ---- S_MSG bits ----
export const M_OPCODE = 0x0f;
export const M_ASCII = 0x10;
/** This text message is validated by the decoder, not the backend (C_UTF8_DEFER; its frames carry F_UNCHECKED). */
export const M_DEFER = 0x20;

// ---- S_CONFIG bits ----
/** Server role: every frame must be masked (RFC 6455 §5.1); client role: none may be. */
export const C_SERVER = 1;
/** Apply message rules: continuation sequencing, maxMessageSize, maxFragments (RFC 6455 §5.4). */
export const C_MESSAGES = 2;
/** Validate text messages as UTF-8 while streaming (RFC 6455 §8.1). Needs C_MESSAGES. */
export const C_UTF8 = 4;
/**
 * Leave text messages whose first frame announces at least UTF8_DEFER_MIN bytes unvalidated (M_DEFER, records
 * F_UNCHECKED): the decoder has a faster validator for long runs (Node's `isUtf8`, simdutf). Needs C_UTF8.
 */
export const C_UTF8_DEFER = 8;
/**
 * Smallest first frame of a text message that C_UTF8_DEFER applies to: below it the call into the platform validator costs more than
 * validating in the pass that unmasks. Set with the bench/decode.bench.mjs sweep's mixed text (server role, many
 * messages per 64 KiB chunk, textAs 'bytes', auto), deferred ÷ not, Node 20 on an AMD EPYC: 128 B 0.87x,
 * 192 B 0.96x, 256 B 0.97x, 384 B 1.04–1.15x, 512 B 1.2x, 1 KiB 1.5x, 16 KiB 1.4–1.7x.
 */
export const UTF8_DEFER_MIN = 384;

// ---- frame records (one per frame segment in a chunk) ----
export const REC_WORDS = 8;
export const R_FLAGS = 0;
/** Offset of the segment's payload bytes in the chunk (and in the backend's window). */
export const R_OFF = 1;
export const R_LEN = 2;
/**
 * Total payload length of the frame (64-bit). R_FLEN and R_MASK hold for the frame only on its F_START record: a
 * backend serves every decoder of the realm, so on a later push they are the last header that backend read.
 */
export const R_FLEN_LO = 3;
export const R_FLEN_HI = 4;
/** Status (src/errors.ts), 0 = fine. A record with a status is always the last one. */
export const R_STATUS = 5;
/** Mask key as it appeared in the header (little-endian u32); on the F_START record only (see R_FLEN_LO). */
export const R_MASK = 6;
export const R_SPARE = 7;

/** Records per parse call; the parser stops and resumes when the table is full. */
export const RECORD_CAPACITY = 1024;

/** Mixed into one number so the WASM build and this file can be checked against each other. */
export const LAYOUT_CHECKSUM =
  STATE_WORDS * 1 + S_POS * 3 + S_MAXFRAGS * 5 + S_CONFIG * 7 + REC_WORDS * 11 + R_MASK * 13 +
  F_TEXT * 17 + F_ASCII * 19 + C_UTF8 * 23 + M_ASCII * 29 + RECORD_CAPACITY * 31 + PHASE_FAILED * 37 +
  F_UNCHECKED * 41 + C_UTF8_DEFER * 43 + UTF8_DEFER_MIN * 47 + M_DEFER * 53;

import type { BackendOption } from './backend/index.js';

/** `'server'`: decode masked frames, write unmasked ones; `'client'`: the reverse (RFC 6455 §5.1, §5.3). */
export type Role = 'server' | 'client';

/**
 * Payload bytes as the API accepts them: a Uint8Array (Buffer included), an ArrayBuffer or SharedArrayBuffer,
 * or any other ArrayBufferView (DataView, Int16Array, Float32Array, ...) read as its bytes in memory, without a
 * copy. Text given as bytes (`text()`, close reasons) takes only a Uint8Array or an ArrayBuffer of UTF-8.
 */
export type Bytes = Uint8Array | ArrayBufferLike | ArrayBufferView;

/** A complete message, or a control frame (RFC 6455 §5.5), as delivered by MessageDecoder. */
export type Message =
  | { type: 'text'; data: string | Uint8Array }
  | { type: 'binary'; data: Uint8Array }
  | { type: 'ping'; data: Uint8Array }
  | { type: 'pong'; data: Uint8Array }
  /** `code` is absent when the close frame had no body (1005 "no status", never sent on the wire). */
  | { type: 'close'; code?: number; reason: string };

/** A whole frame as delivered by FrameDecoder: header fields and the unmasked payload. */
export interface Frame {
  /** FIN: the last frame of its message (RFC 6455 §5.2). */
  fin: boolean;
  /** RSV1 (§5.2). Always false: no extension is negotiated, so a set RSV bit fails with 1002. */
  rsv1: boolean;
  /** RSV2 (§5.2). Always false, as `rsv1`. */
  rsv2: boolean;
  /** RSV3 (§5.2). Always false, as `rsv1`. */
  rsv3: boolean;
  /** The opcode (`Opcode`; 0 for a continuation frame). Reserved opcodes fail with 1002. */
  opcode: number;
  /** Whether the frame was masked: always in the server role, never in the client role (§5.1). */
  masked: boolean;
  /** The mask key from the header (little-endian u32), 0 when unmasked. */
  maskKey: number;
  /** The payload, unmasked: a fresh copy, or a view of a pushed chunk (client role, or the `inPlace` option). */
  payload: Uint8Array;
}

/**
 * What an encoder is asked to write (EncoderStream; the MessageEncoder method of the same name takes the same
 * data). Text as bytes and close reasons as bytes must be valid UTF-8 in a Uint8Array or ArrayBuffer.
 */
export type OutgoingMessage =
  | { type: 'text'; data: string | Uint8Array | ArrayBufferLike }
  | { type: 'binary'; data: Bytes }
  | { type: 'ping' | 'pong'; data?: Bytes | string }
  | { type: 'close'; code?: number; reason?: string | Uint8Array | ArrayBufferLike };

/**
 * Decoder options. Checked once, in the constructor: a wrong type is a TypeError (`'1000'` for a number,
 * `'false'` for a boolean, an unknown role, backend or textAs), a number out of range a RangeError (negative,
 * fractional, NaN); the size limits take Infinity for "no limit".
 */
export interface DecoderOptions {
  /** `'server'` decodes client frames (must be masked); `'client'` decodes server frames (must not be). */
  role: Role;
  /**
   * Largest frame payload accepted, checked from the header before buffering (1009). An integer ≥ 0 or Infinity.
   * Default: maxMessageSize (FrameDecoder: 64 MiB).
   */
  maxFrameSize?: number;
  /**
   * `'auto'` (default): WASM for chunks ≥ AUTO_WASM_MIN_CHUNK bytes once compiled, else TS (except the rest of a
   * frame WASM started); also TS for chunks of ≥ AUTO_JS_VIEW_MIN bytes holding only frames of that size or more
   * whose payload needs no work from WASM (unmasked binary, or text it does not validate).
   */
  backend?: BackendOption;
  /**
   * Default false: pushed chunks are never written to, and every payload of a masked frame is a fresh copy.
   * `true` (what ws and fastwebsockets do): the decoder may unmask pushed chunks in place and hand out
   * payloads that arrive whole in one chunk as views of it — no allocation per message. Only for chunks you
   * give away on push (a Node socket's 'data' chunks are): reusing or reading a pushed chunk afterwards sees
   * unmasked bytes, and rewriting it changes payloads already handed out.
   */
  inPlace?: boolean;
}

/** Options of MessageDecoder, DecoderStream and `decodeMessages`. */
export interface MessageDecoderOptions extends DecoderOptions {
  /** Largest message (sum of its fragments), checked from each header before buffering (1009). Default 64 MiB. */
  maxMessageSize?: number;
  /** Most data frames in one message (1008), ≥ 1. Default 1,048,576 (Autobahn 9.3.1 needs 65,536). */
  maxFragments?: number;
  /** Validate text messages and close reasons as UTF-8, failing fast (1007). Default true. */
  validateUtf8?: boolean;
  /** Deliver text as a `string` (default) or as the validated UTF-8 `Uint8Array`. */
  textAs?: 'string' | 'bytes';
}

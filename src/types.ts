import type { BackendOption } from './backend/index.js';

/** `'server'`: decode masked frames, write unmasked ones; `'client'`: the reverse (RFC 6455 §5.1, §5.3). */
export type Role = 'server' | 'client';

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

/** What an encoder is asked to write. */
export type OutgoingMessage =
  | { type: 'text'; data: string | Uint8Array }
  | { type: 'binary'; data: Uint8Array }
  | { type: 'ping' | 'pong'; data?: Uint8Array | string }
  | { type: 'close'; code?: number; reason?: string };

/** Options of FrameDecoder; MessageDecoderOptions adds the message-level ones. */
export interface DecoderOptions {
  /** `'server'` decodes client frames (must be masked); `'client'` decodes server frames (must not be). */
  role: Role;
  /** Largest frame payload accepted, checked from the header before buffering (1009). Default: maxMessageSize. */
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
  /** Most data frames in one message (1008). Default 1,048,576 (Autobahn 9.3.1 needs 65,536). */
  maxFragments?: number;
  /** Validate text messages and close reasons as UTF-8, failing fast (1007). Default true. */
  validateUtf8?: boolean;
  /** Deliver text as a `string` (default) or as the validated UTF-8 `Uint8Array`. */
  textAs?: 'string' | 'bytes';
}

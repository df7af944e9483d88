import type { BackendOption } from './backend/index.js';
import type { DeflateParams } from './deflate/negotiate.js';
import type { ExtensionOffer } from './http.js';

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
  /**
   * permessage-deflate was agreed (RFC 7692): messages whose first frame has RSV1 set are inflated with this
   * (`maxMessageSize` then bounds the inflated size, 1009), and RSV1 is allowed there only. Default: none, and
   * RSV1 fails with 1002 (RFC 6455 §5.2).
   */
  compression?: MessageDecompressor;
}

/**
 * Inflates messages that arrived compressed (RFC 7692 §6.2): what `MessageDecoder`'s `compression` option takes.
 * `DeflateCodec` from `wsframe/deflate` is one (`deflate().codec(role, params)` makes it).
 */
export interface MessageDecompressor {
  /**
   * The data of a message that arrived with RSV1 set: `fragments` are its frames' payloads, in order. Stops with
   * an error carrying `closeCode` 1009 once the data passes `maxSize` bytes, 1007 for corrupt data.
   */
  decompress(fragments: readonly Uint8Array[], maxSize: number): Uint8Array;
}

/** Compresses messages to send (RFC 7692 §6.1): what `MessageEncoder`'s `compression` option takes. */
export interface MessageCompressor {
  /** The payload to send with RSV1 set on the first frame, or null to send `payload` as it is (RSV1 clear). */
  compress(payload: Uint8Array): Uint8Array | null;
}

/** Both directions of one connection's compression, as `DeflateCodec` does them. */
export interface MessageCodec extends MessageCompressor, MessageDecompressor {
  /** Free what the codec holds (its windows); `Connection` calls it once the connection is CLOSED. Optional. */
  close?(): void;
}

/** What both sides agreed to for permessage-deflate (RFC 7692 §7.1): each direction's window and takeover. */
export type { DeflateParams } from './deflate/negotiate.js';

/**
 * permessage-deflate for the handshake, `Connection` and the adapters: what `deflate(options)` from
 * `wsframe/deflate` returns. The core never loads the compression engine itself; it asks this object to
 * negotiate and to make each connection's codec.
 */
export interface PerMessageDeflate {
  /** `'permessage-deflate'`. */
  readonly name: string;
  /** Client: the `Sec-WebSocket-Extensions` offer (RFC 7692 §7.1). */
  offer(): string;
  /** Server: the agreement for the client's offers and the response's extension, or why none was accepted. */
  negotiate(
    offers: readonly ExtensionOffer[],
  ): { ok: true; params: DeflateParams; response: string; extension: ExtensionOffer } | { ok: false; reason: string };
  /** Client: the server's accepted extensions checked against our offer; `params` undefined: declined. */
  verify(
    extensions: readonly ExtensionOffer[],
  ): { ok: true; params: DeflateParams | undefined } | { ok: false; reason: string };
  /** One connection's codec for `role`, following `params`. */
  codec(role: Role, params: DeflateParams): MessageCodec;
}

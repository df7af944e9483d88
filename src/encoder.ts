/**
 * FrameEncoder and MessageEncoder: frames in, bytes out. Lengths are always minimally encoded (RFC 6455
 * §5.2); clients mask every frame with a fresh key from crypto.getRandomValues (§5.3), servers never mask
 * (§5.1). A caller's buffer is never modified: masking writes into a new buffer. Arguments are checked
 * (src/arguments.ts): a wrong type or value throws before anything is encoded, never sends wrong bytes.
 */
import {
  BACKEND_OPTIONS,
  ROLES,
  describe,
  integer,
  oneOf,
  optionsObject,
  payloadBytes,
  utf8Bytes,
  type Bytes,
} from './arguments.js';
import { pickMasker, resolveBackend, type BackendOption } from './backend/index.js';
import { isValidUtf8 } from './backend/utf8.js';
import { xorBytes } from './backend/mask.js';
import type { WasmBackend } from './backend/wasm.js';
import {
  FIN_MASK,
  MASK_MASK,
  MAX_CLOSE_REASON,
  MAX_CONTROL_PAYLOAD,
  Opcode,
  PAYLOAD_LENGTH_16,
  PAYLOAD_LENGTH_64,
  RSV1_MASK,
  RSV2_MASK,
  RSV3_MASK,
  isControlOpcode,
  isDefinedOpcode,
  isValidCloseCode,
} from './constants.js';
import { EMPTY, allocate } from './alloc.js';
import { nextMaskKey } from './mask-keys.js';
import { encodeText, encodeTextInto } from './text.js';
import type { MessageCompressor, Role } from './types.js';

/** The header fields of one frame, for `FrameEncoder.encodeHeader` (RFC 6455 §5.2). */
export interface FrameHeader {
  /** Default true. Control frames must have it (RFC 6455 §5.5). A boolean: anything else is a TypeError. */
  fin?: boolean;
  /** Default false, as `rsv2` and `rsv3`; booleans only. Set only with a negotiated extension (RFC 6455 §5.2). */
  rsv1?: boolean;
  /** Default false, as `rsv1`. */
  rsv2?: boolean;
  /** Default false, as `rsv1`. */
  rsv3?: boolean;
  /** 0–2 or 8–10 (RFC 6455 §5.2); reserved opcodes are a RangeError. */
  opcode: number;
  /** An integer in 0..2^53 − 1. */
  payloadLength: number;
  /**
   * Client role only (ignored by a server): the key to write, an integer in 0..2^32 − 1 (little-endian u32).
   * Default: a fresh random key.
   */
  maskKey?: number;
}

/** A whole frame for `FrameEncoder.encode`: the header fields, and the payload that sets its length. */
export interface OutgoingFrame extends Omit<FrameHeader, 'payloadLength'> {
  /**
   * The payload: a Uint8Array (or Buffer), an ArrayBuffer, or any other ArrayBufferView by its bytes. A string
   * is a TypeError — a frame carries bytes; use MessageEncoder#text, or encode it with TextEncoder first.
   */
  payload: Bytes;
}

/** Options of FrameEncoder; MessageEncoderOptions adds fragmentation. */
export interface EncoderOptions {
  /** `'client'` masks every frame (RFC 6455 §5.3); `'server'` never masks. Required. */
  role: Role;
  /** `'auto'` (default), `'wasm'` or `'js'`: who masks large client payloads. */
  backend?: BackendOption;
}

/**
 * Unmasked payloads at least this long are returned as `[header, payload]` (no copy, ready for writev);
 * shorter ones are merged into one buffer (one write). No bench case sets it yet: the encode suite never
 * writes to a socket, where writev against a copy would be decided.
 */
export const SPLIT_THRESHOLD = 1024;

function checkPayloadLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) integer('payloadLength', length, 0, Number.MAX_SAFE_INTEGER);
}

/** Header size for a payload: 2 bytes, +2 for 126..65535, +8 above, +4 with a mask key (RFC 6455 §5.2). */
export function headerLength(payloadLength: number, masked: boolean): number {
  checkPayloadLength(payloadLength);
  if (typeof masked !== 'boolean') throw new TypeError(`wsframe: masked must be a boolean, got ${describe(masked)}`);
  return headerSize(payloadLength, masked);
}

/** headerLength for lengths known to be valid. */
function headerSize(payloadLength: number, masked: boolean): number {
  return (payloadLength <= MAX_CONTROL_PAYLOAD ? 2 : payloadLength < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/** The client's mask key: the one given (an integer in 0..2^32 − 1) or a fresh random one. */
function maskKeyOf(key: number | undefined): number {
  return key === undefined ? nextMaskKey() : integer('maskKey', key, 0, 0xffffffff);
}

/** Strings given where payload bytes belong are refused, with this advice. */
const STRING_ADVICE = 'a string is text: send it with text(), or encode it as UTF-8 first';

/**
 * Encodes single frames. Payloads are bytes (a Uint8Array, ArrayBuffer or any ArrayBufferView); a string payload
 * is a TypeError, as is any header field of the wrong type — nothing is encoded then.
 *
 * @example
 * const encoder = new FrameEncoder({ role: 'server' });
 * socket.write(concat(encoder.encode({ opcode: Opcode.Binary, payload })));
 */
export class FrameEncoder {
  /** `'client'` (masks every frame) or `'server'` (never masks), from the options. */
  readonly role: Role;
  /** @internal */
  protected readonly mode: BackendOption;
  /** @internal */
  protected readonly wasm: WasmBackend | null;

  /**
   * @param opts.role `'client'` or `'server'` (required).
   * @param opts.backend `'auto'` (default), `'wasm'` or `'js'`.
   */
  constructor(opts: EncoderOptions) {
    optionsObject(opts, 'encoder');
    this.role = oneOf('role', opts.role, ROLES);
    this.mode = oneOf('backend', opts.backend, BACKEND_OPTIONS, 'auto');
    this.wasm = resolveBackend(this.mode).wasm;
  }

  /**
   * Write a frame header at `target[offset]`; returns its length (2–14). In the client role the mask key is
   * `header.maskKey` or a fresh random one, written as the last 4 header bytes. RangeError if the header does
   * not fit in `target` from `offset`.
   */
  encodeHeader(target: Uint8Array, offset: number, header: FrameHeader): number {
    if (!(target instanceof Uint8Array)) {
      throw new TypeError(`wsframe: target must be a Uint8Array, got ${describe(target)}`);
    }
    integer('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    frameObject(header, 'encodeHeader() takes a header');
    const b0 = firstByte(header, header.payloadLength);
    const masked = this.role === 'client';
    const key = masked ? maskKeyOf(header.maskKey) : 0;
    const size = headerSize(header.payloadLength, masked);
    if (offset + size > target.length) {
      throw new RangeError(`wsframe: a ${size}-byte header does not fit at offset ${offset} of ${target.length} bytes`);
    }
    return writeHeader(target, offset, b0, header.payloadLength, masked, key);
  }

  /** @internal A whole text frame for a string of ≤ SHORT_TEXT units, UTF-8 encoded in place. */
  shortText(text: string): Uint8Array[] {
    const masked = this.role === 'client';
    const hl = masked ? 6 : 2;
    const room = allocate(hl + text.length * 3, true);
    const length = encodeTextInto(text, new Uint8Array(room.buffer, room.byteOffset + hl, text.length * 3));
    const key = masked ? nextMaskKey() : 0;
    writeHeader(room, 0, FIN_MASK | Opcode.Text, length, masked, key);
    if (masked) xorBytes(room, hl, room, hl, length, key);
    return [length + hl === room.length ? room : new Uint8Array(room.buffer, room.byteOffset, hl + length)];
  }

  /**
   * Encode one frame. Returns the bytes to send: one buffer, or `[header, payload]` for unmasked payloads of
   * SPLIT_THRESHOLD bytes or more (the payload is then the caller's own memory, not copied: the Uint8Array
   * itself, or a Uint8Array view of an ArrayBuffer or other view).
   */
  encode(frame: OutgoingFrame): Uint8Array[] {
    frameObject(frame, 'encode() takes a frame');
    const given = frame.payload;
    const payload = given instanceof Uint8Array ? given : payloadBytes(given, 'payload', STRING_ADVICE);
    const length = payload.length;
    const b0 = firstByte(frame, length);
    if (this.role === 'client') {
      const key = maskKeyOf(frame.maskKey);
      const hl = headerSize(length, true);
      const out = allocate(hl + length);
      writeHeader(out, 0, b0, length, true, key);
      pickMasker(this.mode, this.wasm, length).maskInto(out, hl, payload, key);
      return [out];
    }
    const hl = headerSize(length, false);
    if (length >= SPLIT_THRESHOLD) {
      const header = allocate(hl);
      writeHeader(header, 0, b0, length, false, 0);
      return [header, payload];
    }
    const out = allocate(hl + length);
    writeHeader(out, 0, b0, length, false, 0);
    if (length > 0) out.set(payload, hl);
    return [out];
  }
}

/**
 * Strings of up to this many UTF-16 units are encoded straight into the frame buffer: 3 bytes per unit at
 * most (41 × 3 = 123 ≤ 125) keeps the 7-bit length form, so the header size is known before encoding, and
 * TextEncoder's separate allocation is saved. bench/encode.bench.mjs "client text 19 B": 1.11× ws (auto).
 */
const SHORT_TEXT = Math.floor(MAX_CONTROL_PAYLOAD / 3);

/** A frame or header argument must be an object (a clear TypeError instead of reading a property of null). */
function frameObject(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`wsframe: ${what} object, got ${describe(value)}`);
  }
}

/** An optional header bit: undefined (false) or a boolean; `'false'` or `0` would set or clear it by accident. */
function isBit(value: unknown): boolean {
  return value === undefined || value === true || value === false;
}

/**
 * Validate a frame's header fields and return its first byte (RFC 6455 §5.2, §5.5). Runs per frame: the
 * checks are plain comparisons, the error messages are built in badHeader (kept out so this stays small).
 */
function firstByte(header: Omit<FrameHeader, 'payloadLength'>, payloadLength: number): number {
  const opcode = header.opcode;
  const fin = header.fin === undefined ? true : header.fin;
  if (
    !Number.isInteger(opcode) ||
    !isDefinedOpcode(opcode) ||
    !isBit(fin) ||
    !isBit(header.rsv1) ||
    !isBit(header.rsv2) ||
    !isBit(header.rsv3) ||
    !Number.isSafeInteger(payloadLength) ||
    payloadLength < 0
  ) {
    badHeader(header, payloadLength);
  }
  if (isControlOpcode(opcode) && (!fin || payloadLength > MAX_CONTROL_PAYLOAD)) {
    throw new RangeError('wsframe: control frames must have fin and a payload of at most 125 bytes (RFC 6455 §5.5)');
  }
  return (
    (fin ? FIN_MASK : 0) |
    (header.rsv1 ? RSV1_MASK : 0) |
    (header.rsv2 ? RSV2_MASK : 0) |
    (header.rsv3 ? RSV3_MASK : 0) |
    opcode
  );
}

/** Throw the error for the first header field firstByte refused: TypeError for a wrong type, else RangeError. */
function badHeader(header: Omit<FrameHeader, 'payloadLength'>, payloadLength: number): never {
  const opcode: unknown = header.opcode;
  if (typeof opcode !== 'number') throw new TypeError(`wsframe: opcode must be a number, got ${describe(opcode)}`);
  if (!Number.isInteger(opcode) || !isDefinedOpcode(opcode)) {
    throw new RangeError(`wsframe: invalid opcode ${opcode}`);
  }
  for (const bit of ['fin', 'rsv1', 'rsv2', 'rsv3'] as const) {
    if (!isBit(header[bit])) throw new TypeError(`wsframe: ${bit} must be a boolean, got ${describe(header[bit])}`);
  }
  integer('payloadLength', payloadLength, 0, Number.MAX_SAFE_INTEGER);
  throw new RangeError(`wsframe: invalid payload length ${payloadLength}`); // not reached: integer() threw
}

/** Write a validated header: byte 0, minimal length (RFC 6455 §5.2), then the mask key if masked. */
function writeHeader(
  target: Uint8Array,
  offset: number,
  b0: number,
  length: number,
  masked: boolean,
  key: number,
): number {
  let p = offset;
  target[p++] = b0;
  const maskBit = masked ? MASK_MASK : 0;
  if (length <= MAX_CONTROL_PAYLOAD) {
    target[p++] = maskBit | length;
  } else if (length < 65536) {
    target[p++] = maskBit | PAYLOAD_LENGTH_16;
    target[p++] = length >>> 8;
    target[p++] = length & 0xff;
  } else {
    target[p++] = maskBit | PAYLOAD_LENGTH_64;
    const hi = Math.floor(length / 4294967296);
    const lo = length >>> 0;
    target[p++] = 0; // hi < 2^21, so the top byte is zero (and the MSB is 0, RFC 6455 §5.2)
    target[p++] = (hi >>> 16) & 0xff;
    target[p++] = (hi >>> 8) & 0xff;
    target[p++] = hi & 0xff;
    target[p++] = lo >>> 24;
    target[p++] = (lo >>> 16) & 0xff;
    target[p++] = (lo >>> 8) & 0xff;
    target[p++] = lo & 0xff;
  }
  if (masked) {
    target[p++] = key & 0xff;
    target[p++] = (key >>> 8) & 0xff;
    target[p++] = (key >>> 16) & 0xff;
    target[p++] = (key >>> 24) & 0xff;
  }
  return p - offset;
}

/** A ping's or pong's application data: none, a string (sent as UTF-8) or payload bytes. */
function controlData(data: Bytes | string | undefined, what: string): Uint8Array {
  if (data === undefined) return EMPTY;
  if (typeof data === 'string') return encodeText(data);
  return payloadBytes(data, what);
}

/**
 * @internal The body of a close frame (RFC 6455 §5.5.1): empty without a code, else the 2-byte code (§7.4) and
 * the reason as UTF-8. Checks both (MessageEncoder#close, and Connection#close before it changes state).
 */
export function closeBody(code: number | undefined, reason: unknown): Uint8Array {
  let text: Uint8Array;
  let bytes = false;
  if (typeof reason === 'string') {
    text = reason === '' ? EMPTY : encodeText(reason);
  } else {
    text = utf8Bytes(reason, 'close reason');
    bytes = true;
  }
  if (code === undefined) {
    if (text.length !== 0) throw new TypeError('wsframe: a close reason needs a close code');
    return EMPTY;
  }
  if (typeof code !== 'number') throw new TypeError(`wsframe: close code must be a number, got ${describe(code)}`);
  if (!Number.isInteger(code) || !isValidCloseCode(code)) throw new RangeError(`wsframe: invalid close code ${code}`);
  if (text.length > MAX_CLOSE_REASON) throw new RangeError('wsframe: close reason must be at most 123 bytes');
  // §5.5.1: the reason is UTF-8. A string always encodes to valid UTF-8; bytes are the caller's word, checked.
  if (bytes && !isValidUtf8(text)) {
    throw new TypeError('wsframe: close reason bytes are not valid UTF-8 (RFC 6455 §5.5.1)');
  }
  const body = new Uint8Array(2 + text.length);
  body[0] = code >>> 8;
  body[1] = code & 0xff;
  body.set(text, 2);
  return body;
}

/** Options of MessageEncoder and EncoderStream. */
export interface MessageEncoderOptions extends EncoderOptions {
  /**
   * Split text/binary messages into frames of at most this many payload bytes (an integer; the compressed bytes
   * when compressed); 0 (default) = never.
   */
  fragmentSize?: number;
  /**
   * permessage-deflate was agreed (RFC 7692): text and binary messages go through `compression.compress`, and
   * what it compresses is sent with RSV1 on the first frame (§6.1); control frames never are. Default: none.
   */
  compression?: MessageCompressor;
}

/**
 * Encodes messages and control frames. Every method returns the byte arrays to write, in order. After
 * `close()` every method throws: RFC 6455 §5.5.1 — nothing may follow a close frame.
 *
 * @example
 * const encoder = new MessageEncoder({ role: 'client' });
 * for (const bytes of encoder.text('hello')) socket.write(bytes);
 */
export class MessageEncoder {
  private readonly frames: FrameEncoder;
  private readonly fragmentSize: number;
  private readonly compression: MessageCompressor | null;
  private closed = false;

  /**
   * @param opts.role `'client'` or `'server'` (required). @param opts.fragmentSize default 0 (no fragmentation).
   * @param opts.backend `'auto'` (default), `'wasm'` or `'js'`. @param opts.compression default none.
   */
  constructor(opts: MessageEncoderOptions) {
    this.frames = new FrameEncoder(opts);
    const size = opts.fragmentSize;
    this.fragmentSize = size === undefined ? 0 : integer('fragmentSize', size, 0, Number.MAX_SAFE_INTEGER);
    const compression = opts.compression;
    const compress = (compression as Partial<MessageCompressor> | null | undefined)?.compress;
    if (compression !== undefined && typeof compress !== 'function') {
      throw new TypeError(`wsframe: compression must have a compress method, got ${describe(compression)}`);
    }
    this.compression = compression ?? null;
  }

  /**
   * A text message: a string (UTF-8 encoded here), or bytes that already are valid UTF-8 — e.g. a message
   * received with `textAs: 'bytes'` and echoed or forwarded without a string round trip. Bytes (a Uint8Array
   * or an ArrayBuffer; other views are a TypeError) are sent as they are, not re-validated (RFC 6455 §5.6: the
   * payload of a text message MUST be valid UTF-8).
   */
  text(data: string | Uint8Array | ArrayBufferLike): Uint8Array[] {
    if (typeof data === 'string') {
      const short = this.fragmentSize === 0 || this.fragmentSize >= MAX_CONTROL_PAYLOAD;
      if (data.length <= SHORT_TEXT && short && this.compression === null) {
        this.ensureOpen();
        return this.frames.shortText(data);
      }
      return this.data(Opcode.Text, encodeText(data));
    }
    return this.data(Opcode.Text, data instanceof Uint8Array ? data : utf8Bytes(data, 'text'));
  }

  /**
   * A binary message: a Uint8Array (or Buffer), an ArrayBuffer, or any other ArrayBufferView by its bytes. A
   * string is a TypeError (send text with `text()`). The caller's buffer is never modified.
   */
  binary(data: Bytes): Uint8Array[] {
    const bytes = data instanceof Uint8Array ? data : payloadBytes(data, 'binary data', STRING_ADVICE);
    return this.data(Opcode.Binary, bytes);
  }

  /** A ping with up to 125 bytes of application data (RFC 6455 §5.5.2): none, a string (UTF-8) or bytes. */
  ping(data?: Bytes | string): Uint8Array[] {
    return this.control(Opcode.Ping, controlData(data, 'ping data'));
  }

  /** A pong with up to 125 bytes of application data (RFC 6455 §5.5.3): none, a string (UTF-8) or bytes. */
  pong(data?: Bytes | string): Uint8Array[] {
    return this.control(Opcode.Pong, controlData(data, 'pong data'));
  }

  /**
   * A close frame (RFC 6455 §5.5.1). Without `code` the body is empty (and `reason` must be empty). `code` must
   * be one a peer may send (1000–1003, 1007–1014, 3000–4999: never 1005/1006/1015); `reason` ≤ 123 UTF-8 bytes,
   * a string, or bytes (a Uint8Array or ArrayBuffer) that must be valid UTF-8 (TypeError otherwise).
   */
  close(code?: number, reason: string | Uint8Array | ArrayBufferLike = ''): Uint8Array[] {
    const out = this.control(Opcode.Close, closeBody(code, reason));
    this.closed = true;
    return out;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('wsframe: a close frame was already sent (RFC 6455 §5.5.1)');
  }

  private control(opcode: number, body: Uint8Array): Uint8Array[] {
    this.ensureOpen();
    if (body.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError('wsframe: control frame payload must be at most 125 bytes');
    }
    return this.frames.encode({ opcode, payload: body });
  }

  private data(opcode: number, data: Uint8Array): Uint8Array[] {
    this.ensureOpen();
    // RFC 7692 §6.1: a compressed message has RSV1 set on its first frame only; fragments split the compressed
    // bytes.
    const compressed = this.compression === null ? null : this.compression.compress(data);
    const payload = compressed ?? data;
    const rsv1 = compressed !== null;
    const size = this.fragmentSize;
    if (size === 0 || payload.length <= size) return this.frames.encode({ opcode, payload, rsv1 });
    // RFC 6455 §5.4: first frame carries the opcode, the rest are continuations, the last has FIN.
    const out: Uint8Array[] = [];
    for (let off = 0; off < payload.length; off += size) {
      const end = Math.min(off + size, payload.length);
      const frames = this.frames.encode({
        opcode: off === 0 ? opcode : Opcode.Continuation,
        fin: end === payload.length,
        rsv1: rsv1 && off === 0,
        payload: payload.subarray(off, end),
      });
      for (const f of frames) out.push(f);
    }
    return out;
  }
}

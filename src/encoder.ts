/**
 * FrameEncoder and MessageEncoder: frames in, bytes out. Lengths are always minimally encoded (RFC 6455
 * §5.2); clients mask every frame with a fresh key from crypto.getRandomValues (§5.3), servers never mask
 * (§5.1). A caller's buffer is never modified: masking writes into a new buffer.
 */
import { pickMasker, resolveBackend, type BackendOption } from './backend/index.js';
import type { WasmBackend } from './backend/wasm.js';
import { isValidCloseCode } from './constants.js';
import { EMPTY, allocate } from './alloc.js';
import { nextMaskKey } from './mask-keys.js';
import { encodeText, encodeTextInto } from './text.js';
import type { Role } from './types.js';

/** The header fields of one frame, for `FrameEncoder.encodeHeader` (RFC 6455 §5.2). */
export interface FrameHeader {
  /** Default true. Control frames must have it (RFC 6455 §5.5). */
  fin?: boolean;
  /** Default false. Only an extension may set it (§5.2); wsframe negotiates none. */
  rsv1?: boolean;
  /** Default false, as `rsv1`. */
  rsv2?: boolean;
  /** Default false, as `rsv1`. */
  rsv3?: boolean;
  /** `Opcode` value; a reserved one (3–7, 11–15) throws a RangeError. */
  opcode: number;
  /** Payload length in bytes, an integer in 0..2^53-1 (≤ 125 for control frames); written minimally (§5.2). */
  payloadLength: number;
  /** Client role only: the key to write (little-endian u32). Default: a fresh random key. */
  maskKey?: number;
}

/** A whole frame for `FrameEncoder.encode`: the header fields, and the payload that sets its length. */
export interface OutgoingFrame extends Omit<FrameHeader, 'payloadLength'> {
  /** The payload, never modified: a client frame is masked into a new buffer. */
  payload: Uint8Array;
}

/** Options of FrameEncoder; MessageEncoderOptions adds fragmentation. */
export interface EncoderOptions {
  /** `'client'` masks every frame (RFC 6455 §5.3); `'server'` never masks. */
  role: Role;
  /** `'auto'` (default), `'wasm'` or `'js'`: who masks large client payloads. */
  backend?: BackendOption;
}

/**
 * Unmasked payloads at least this long are returned as `[header, payload]` (no copy, ready for writev);
 * shorter ones are merged into one buffer (one write). Provisional until bench/encode.bench.mjs (issue 4)
 * measures writev vs copy on a socket.
 */
export const SPLIT_THRESHOLD = 1024;

function checkPayloadLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('wsframe: payload length must be an integer in 0..2^53-1');
}

/** Header size for a payload: 2 bytes, +2 for 126..65535, +8 above, +4 with a mask key (RFC 6455 §5.2). */
export function headerLength(payloadLength: number, masked: boolean): number {
  return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Encodes single frames.
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
    if (opts.role !== 'server' && opts.role !== 'client') throw new TypeError("wsframe: role must be 'server' or 'client'");
    this.role = opts.role;
    this.mode = opts.backend ?? 'auto';
    this.wasm = resolveBackend(this.mode).wasm;
  }

  /**
   * Write a frame header at `target[offset]`; returns its length (2–14). In the client role the mask key is
   * `header.maskKey` or a fresh random one, written as the last 4 header bytes.
   */
  encodeHeader(target: Uint8Array, offset: number, header: FrameHeader): number {
    const b0 = firstByte(header, header.payloadLength);
    const masked = this.role === 'client';
    return writeHeader(target, offset, b0, header.payloadLength, masked, masked ? (header.maskKey ?? nextMaskKey()) : 0);
  }

  /** @internal A whole text frame for a string of ≤ SHORT_TEXT units, UTF-8 encoded in place. */
  shortText(text: string): Uint8Array[] {
    const masked = this.role === 'client';
    const hl = masked ? 6 : 2;
    const room = allocate(hl + text.length * 3, true);
    const length = encodeTextInto(text, new Uint8Array(room.buffer, room.byteOffset + hl, text.length * 3));
    const key = masked ? nextMaskKey() : 0;
    writeHeader(room, 0, 0x81, length, masked, key);
    if (masked) {
      for (let i = 0; i < length; i++) room[hl + i] = room[hl + i]! ^ ((key >>> ((i & 3) << 3)) & 0xff);
    }
    return [length + hl === room.length ? room : new Uint8Array(room.buffer, room.byteOffset, hl + length)];
  }

  /**
   * Encode one frame. Returns the bytes to send: one buffer, or `[header, payload]` for unmasked payloads of
   * SPLIT_THRESHOLD bytes or more (the payload is then the caller's own buffer, not copied).
   */
  encode(frame: OutgoingFrame): Uint8Array[] {
    const payload = frame.payload;
    const length = payload.length;
    const b0 = firstByte(frame, length);
    if (this.role === 'client') {
      const key = frame.maskKey ?? nextMaskKey();
      const hl = headerLength(length, true);
      const out = allocate(hl + length);
      writeHeader(out, 0, b0, length, true, key);
      pickMasker(this.mode, this.wasm, length).maskInto(out, hl, payload, key);
      return [out];
    }
    const hl = headerLength(length, false);
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
 * most (41 × 3 = 123 ≤ 125) keeps the 7-bit length form, so the header size is known before encoding.
 * Saves TextEncoder's separate allocation (bench/encode.bench.mjs "client text 19 B": 0.38× ws before).
 */
const SHORT_TEXT = 41;

/** Validate a frame's header fields and return its first byte (RFC 6455 §5.2, §5.5). */
function firstByte(header: Omit<FrameHeader, 'payloadLength'>, payloadLength: number): number {
  const opcode = header.opcode;
  const fin = header.fin ?? true;
  if (!Number.isInteger(opcode) || opcode < 0 || (opcode > 2 && opcode < 8) || opcode > 10) {
    throw new RangeError(`wsframe: invalid opcode ${opcode}`);
  }
  checkPayloadLength(payloadLength);
  if (opcode >= 8 && (!fin || payloadLength > 125)) {
    throw new RangeError('wsframe: control frames must have fin and a payload of at most 125 bytes (RFC 6455 §5.5)');
  }
  return (fin ? 0x80 : 0) | (header.rsv1 ? 0x40 : 0) | (header.rsv2 ? 0x20 : 0) | (header.rsv3 ? 0x10 : 0) | opcode;
}

/** Write a validated header: byte 0, minimal length (RFC 6455 §5.2), then the mask key if masked. */
function writeHeader(target: Uint8Array, offset: number, b0: number, length: number, masked: boolean, key: number): number {
  let p = offset;
  target[p++] = b0;
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) {
    target[p++] = maskBit | length;
  } else if (length < 65536) {
    target[p++] = maskBit | 126;
    target[p++] = length >>> 8;
    target[p++] = length & 0xff;
  } else {
    target[p++] = maskBit | 127;
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

type Data = Uint8Array | ArrayBuffer | ArrayBufferView;

function toBytes(data: Data | string | undefined): Uint8Array {
  if (data === undefined) return EMPTY;
  if (typeof data === 'string') return encodeText(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('wsframe: data must be a string, Uint8Array, ArrayBuffer or ArrayBufferView');
}

/** Options of MessageEncoder and EncoderStream. */
export interface MessageEncoderOptions extends EncoderOptions {
  /** Split text/binary messages into frames of at most this many payload bytes; 0 (default) = never. */
  fragmentSize?: number;
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
  private closed = false;

  /**
   * @param opts.role `'client'` or `'server'` (required). @param opts.fragmentSize default 0 (no fragmentation).
   * @param opts.backend `'auto'` (default), `'wasm'` or `'js'`.
   */
  constructor(opts: MessageEncoderOptions) {
    this.frames = new FrameEncoder(opts);
    const size = opts.fragmentSize ?? 0;
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('wsframe: fragmentSize must be a non-negative integer');
    this.fragmentSize = size;
  }

  /**
   * A text message: a string (UTF-8 encoded here), or bytes that already are valid UTF-8 — e.g. a message
   * received with `textAs: 'bytes'` and echoed or forwarded without a string round trip. Bytes are sent as
   * they are, not re-validated (RFC 6455 §5.6: the payload of a text message MUST be valid UTF-8).
   */
  text(data: string | Uint8Array): Uint8Array[] {
    if (typeof data === 'string') {
      if (data.length <= SHORT_TEXT && (this.fragmentSize === 0 || this.fragmentSize >= 125)) {
        this.ensureOpen();
        return this.frames.shortText(data);
      }
      return this.data(1, encodeText(data));
    }
    if (data instanceof Uint8Array) return this.data(1, data);
    throw new TypeError('wsframe: text() takes a string or UTF-8 bytes');
  }

  /** A binary message. The caller's buffer is never modified. */
  binary(data: Data): Uint8Array[] {
    return this.data(2, toBytes(data));
  }

  /** A ping with up to 125 bytes of application data (RFC 6455 §5.5.2). */
  ping(data?: Data | string): Uint8Array[] {
    return this.control(9, toBytes(data));
  }

  /** A pong with up to 125 bytes of application data (RFC 6455 §5.5.3). */
  pong(data?: Data | string): Uint8Array[] {
    return this.control(10, toBytes(data));
  }

  /**
   * A close frame (RFC 6455 §5.5.1). Without `code` the body is empty (and `reason` must be empty). `code` must
   * be one a peer may send (1000–1003, 1007–1014, 3000–4999: never 1005/1006/1015); `reason` ≤ 123 UTF-8 bytes.
   */
  close(code?: number, reason = ''): Uint8Array[] {
    let body: Uint8Array;
    if (code === undefined) {
      if (reason !== '') throw new TypeError('wsframe: a close reason needs a close code');
      body = EMPTY;
    } else {
      if (!Number.isInteger(code) || !isValidCloseCode(code)) throw new RangeError(`wsframe: invalid close code ${code}`);
      const text = encodeText(reason);
      if (text.length > 123) throw new RangeError('wsframe: close reason must be at most 123 bytes');
      body = new Uint8Array(2 + text.length);
      body[0] = code >>> 8;
      body[1] = code & 0xff;
      body.set(text, 2);
    }
    const out = this.control(8, body);
    this.closed = true;
    return out;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error('wsframe: a close frame was already sent (RFC 6455 §5.5.1)');
  }

  private control(opcode: number, body: Uint8Array): Uint8Array[] {
    this.ensureOpen();
    if (body.length > 125) throw new RangeError('wsframe: control frame payload must be at most 125 bytes');
    return this.frames.encode({ opcode, payload: body });
  }

  private data(opcode: number, payload: Uint8Array): Uint8Array[] {
    this.ensureOpen();
    const size = this.fragmentSize;
    if (size === 0 || payload.length <= size) return this.frames.encode({ opcode, payload });
    // RFC 6455 §5.4: first frame carries the opcode, the rest are continuations, the last has FIN.
    const out: Uint8Array[] = [];
    for (let off = 0; off < payload.length; off += size) {
      const end = Math.min(off + size, payload.length);
      const frames = this.frames.encode({ opcode: off === 0 ? opcode : 0, fin: end === payload.length, payload: payload.subarray(off, end) });
      for (const f of frames) out.push(f);
    }
    return out;
  }
}

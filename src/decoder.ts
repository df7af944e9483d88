/**
 * FrameDecoder and MessageDecoder: bytes in, frames/messages out. Both drive the same backend `parse` (one
 * call per chunk) and read its frame records; they differ only in which rules the parser applies and how
 * payload segments are assembled.
 */
import {
  BACKEND_OPTIONS,
  ROLES,
  describe,
  flag,
  oneOf,
  optionsObject,
  payloadBytes,
  sizeLimit,
  type Bytes,
} from './arguments.js';
import { pick, resolveBackend, type BackendOption } from './backend/index.js';
import type { WasmBackend } from './backend/wasm.js';
import { UTF8_INVALID, isValidUtf8, platformIsUtf8, validateUtf8Deferred } from './backend/utf8.js';
import { CloseCode, isValidCloseCode } from './constants.js';
import { WebSocketError } from './errors.js';
import {
  C_DEFLATE,
  C_MESSAGES,
  C_SERVER,
  C_UTF8,
  C_UTF8_DEFER,
  F_ASCII,
  F_END,
  F_FIN,
  F_KIND,
  F_MASKED,
  F_OPCODE,
  F_RSV1,
  F_RSV2,
  F_RSV3,
  F_START,
  KIND_DEFERRED_TEXT,
  M_OPCODE,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_CONTROL,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  PHASE_CLOSED,
  PHASE_FAILED,
  PHASE_PAYLOAD,
  RECORD_CAPACITY,
  REC_WORDS,
  R_FLAGS,
  R_FLEN_HI,
  R_FLEN_LO,
  R_LEN,
  R_MASK,
  R_OFF,
  R_STATUS,
  STATE_WORDS,
  ST_INVALID_CLOSE_CODE,
  ST_INVALID_COMPRESSED_DATA,
  ST_INVALID_OPCODE,
  ST_INVALID_UTF8,
  ST_MESSAGE_TOO_LARGE,
  ST_OK,
  ST_UNEXPECTED_EOF,
  S_CONFIG,
  S_HDR_LEN,
  S_MAXFRAGS,
  S_MAXFRAME_LO,
  S_MAXMSG_LO,
  S_MSG,
  S_PHASE,
  S_POS,
} from './portable/layout.js';
import { EMPTY, allocate, copy, view } from './alloc.js';
import { decodeText, type StringBuilder } from './text.js';
import type { DecoderOptions, Frame, Message, MessageDecoderOptions, MessageDecompressor } from './types.js';

/** Default maxMessageSize: 64 MiB (fastwebsockets' default; ≥ 16 MiB as Autobahn 9.1.6 needs). */
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
/** Default maxFragments: 16× the 65,536 fragments of Autobahn 9.3.1 / 9.4.1. */
export const DEFAULT_MAX_FRAGMENTS = 1 << 20;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO32 = 4294967296;

function setU64(state: Int32Array, lo: number, value: number): void {
  state[lo] = value >>> 0;
  state[lo + 1] = Math.floor(value / TWO32);
}

/** Copy `len` bytes; a loop for short runs (views for `set` cost more than the copy there). */
function copyInto(target: Uint8Array, at: number, src: Uint8Array, off: number, len: number): void {
  if (len < 32) {
    for (let i = 0; i < len; i++) target[at + i] = src[off + i]!;
  } else {
    target.set(view(src, off, len), at);
  }
}

/**
 * inPlace: masked payloads of at least this many bytes are handed out as views of the caller's chunk; smaller
 * ones are still copied (from the slab, see alloc.ts), which is cheaper than making a view of a big chunk.
 * bench/decode.bench.mjs sweep "server binary 1 KiB", "wsframe auto (in place)" ÷ "wsframe auto": ~1x.
 */
export const IN_PLACE_MIN = 1024;

/**
 * inPlace: copy an unmasked payload from the backend's window back over its masked bytes in the caller's
 * chunk (both backends keep window offset = chunk offset) and return a view of it. The copy is into memory
 * that is already mapped and warm, where a fresh buffer per message costs more.
 */
function unmaskBack(chunk: Uint8Array, window: Uint8Array, off: number, len: number): Uint8Array {
  copyInto(chunk, off, window, off, len);
  return view(chunk, off, len);
}

/**
 * Least capacity of a buffer that collects a payload split across chunks: it grows with the bytes received, never
 * with the length a header announces (a peer can announce 64 MiB and stall). 4 KiB = SLAB_MAX, a piece of the
 * shared slab (src/alloc.ts): 1,000 connections stalled after such a header and a few bytes hold 4 MB, not 64 GB.
 */
export const GROW_START = 4096;

/**
 * How far ahead of the bytes received a split payload's buffer may be allocated: the most memory a peer gets per
 * byte it sent. Set by bench/decode-ab.mjs, 1–16 MiB frames in 64 KiB chunks against exact allocation from the
 * header: 3 → 0.53–0.68× (busy machine), 8 → 0.78–0.92×, 16 → 0.88–1.11× (quiet; paired medians).
 */
export const GROW_AHEAD = 8;

/**
 * A buffer with room for `needed` bytes (bytes received, never announced ones) holding the first `filled` bytes
 * of `buffer`: at least twice its capacity, so a payload collected in k pieces costs O(size) copying, not
 * O(size × k), and as it grows only when `needed` exceeds that capacity it stays below max(GROW_START,
 * 2 × bytes received). Never past `limit`, the end of the frame or message when it is known, so the buffer is
 * exactly full when that ends; and straight to `limit` when that is less than GROW_AHEAD × `needed`, so a large
 * frame costs few intermediate buffers, for at most GROW_AHEAD × the bytes received.
 * `needed` ≤ `limit` always: the walk checked each header's length against maxFrameSize and maxMessageSize.
 */
function grow(buffer: Uint8Array, filled: number, needed: number, limit: number): Uint8Array {
  const size = limit < GROW_AHEAD * needed ? limit : Math.min(limit, Math.max(needed, 2 * buffer.length, GROW_START));
  const grown = allocate(size);
  if (filled > 0) copyInto(grown, 0, buffer, 0, filled);
  return grown;
}

/** A record's whole-frame payload length (64-bit in two words; ≤ 2^53 − 1, checked from the header). */
function recordFrameLength(recs: Int32Array, r: number): number {
  return recs[r + R_FLEN_HI]! * TWO32 + (recs[r + R_FLEN_LO]! >>> 0);
}

type Records = {
  records: Int32Array;
  window: Uint8Array;
  parse(state: Int32Array, chunk: Uint8Array, pos: number): number;
};

/** The parse loop shared by both decoders; `T` is what they deliver (Frame or Message). */
abstract class RecordReader<T> {
  /** @internal */
  protected readonly state = new Int32Array(STATE_WORDS);
  /** @internal */
  protected readonly mode: BackendOption;
  /** @internal */
  protected readonly wasm: WasmBackend | null;
  /** @internal */
  protected failure: WebSocketError<T> | null = null;
  /**
   * @internal Masked payloads of at least this many bytes are unmasked into the pushed chunk and handed out
   * as views of it: IN_PLACE_MIN with DecoderOptions.inPlace, else never.
   */
  protected readonly inPlaceMin: number;

  /** `opts` was checked to be an object, and the size limits read from it, by the subclass. */
  constructor(
    opts: DecoderOptions,
    config: number,
    maxFrameSize: number,
    maxMessageSize: number,
    maxFragments: number,
  ) {
    const role = oneOf('role', opts.role, ROLES);
    const backend = oneOf('backend', opts.backend, BACKEND_OPTIONS, 'auto');
    const inPlace = flag('inPlace', opts.inPlace, false);
    this.mode = backend;
    this.inPlaceMin = inPlace ? IN_PLACE_MIN : Infinity;
    this.wasm = resolveBackend(backend).wasm;
    this.state[S_CONFIG] = config | (role === 'server' ? C_SERVER : 0);
    setU64(this.state, S_MAXFRAME_LO, maxFrameSize);
    setU64(this.state, S_MAXMSG_LO, maxMessageSize);
    this.state[S_MAXFRAGS] = Math.min(maxFragments, 0x7fffffff);
  }

  /** @internal Bytes of the WASM window in use by the chunk being read (0 when the TS backend reads it). */
  protected keep = 0;

  /** The backend that parsed the most recent chunk ('wasm' | 'js'). */
  lastBackend: 'wasm' | 'js' | null = null;

  /**
   * Whether `error` is the WebSocketError this decoder threw (from `push` or `end`). A type guard: in a
   * `catch (e)`, `if (decoder.isError(e))` types `e.messages` as what this decoder delivers (`Message[]` or
   * `Frame[]`), where `e instanceof WebSocketError` can only give `any[]`.
   */
  isError(error: unknown): error is WebSocketError<T> {
    return error !== null && error === this.failure;
  }

  /** @internal Parse `chunk`, handing each record to `record`; returns when the whole chunk is consumed. */
  protected run(chunk: Uint8Array, out: T[]): void {
    const state = this.state;
    if (state[S_PHASE]! >= PHASE_CLOSED || chunk.length === 0) return;
    const backend: Records & { name: 'wasm' | 'js' } = pick(this.mode, this.wasm, state, chunk, this.lastBackend);
    this.lastBackend = backend.name;
    // The WASM window holds this chunk while its records are read: string building must not overwrite it.
    this.keep = backend.name === 'wasm' ? chunk.length : 0;
    let pos = 0;
    let n: number;
    do {
      n = backend.parse(state, chunk, pos);
      for (let i = 0; i < n; i++) {
        // Re-read the views for every record: building a string may grow WASM memory, detaching old views.
        const recs = backend.records;
        const r = i * REC_WORDS;
        const status = recs[r + R_STATUS]!;
        if (status !== ST_OK) this.fail(status, out, recs[r + R_FLAGS]!);
        this.record(recs, r, backend.window, chunk, out);
      }
      pos = state[S_POS]!;
    } while (n === RECORD_CAPACITY && pos < chunk.length);
  }

  /** @internal */
  protected abstract record(recs: Int32Array, r: number, window: Uint8Array, chunk: Uint8Array, out: T[]): void;

  /** @internal */
  protected fail(status: number, out: T[], flags = 0, detail?: string): never {
    const opcode = flags & F_OPCODE;
    const why = detail ?? (status === ST_INVALID_OPCODE ? `opcode ${opcode}` : undefined);
    const error = WebSocketError.fromStatus(status, why, out);
    this.failure = error;
    this.state[S_PHASE] = PHASE_FAILED;
    throw error;
  }

  /** @internal */
  protected checkFailed(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Declare the end of the input stream. Throws `WS_ERR_UNEXPECTED_EOF` (close code 1006, "abnormal
   * closure") if it ends inside a frame header, a frame or a fragmented message and no close frame was
   * received; rethrows an earlier failure.
   */
  end(): void {
    this.checkFailed();
    const s = this.state;
    if (s[S_PHASE] === PHASE_CLOSED) return;
    const inMessage = (s[S_CONFIG]! & C_MESSAGES) !== 0 && (s[S_MSG]! & M_OPCODE) !== 0;
    if (s[S_PHASE] === PHASE_PAYLOAD || s[S_HDR_LEN]! > 0 || inMessage) this.fail(ST_UNEXPECTED_EOF, []);
  }

  /** True once a close frame has been received; later bytes are ignored (RFC 6455 §5.5.1). */
  get closed(): boolean {
    return this.state[S_PHASE] === PHASE_CLOSED;
  }
}

/**
 * Decodes whole frames with the frame-level rules of RFC 6455 §5.2–§5.5 (RSV bits, opcodes, control frame
 * FIN and length, masking direction, minimal lengths, maxFrameSize). Fragment sequencing and UTF-8 are
 * message-level and left to the caller (or use MessageDecoder).
 *
 * @example
 * const decoder = new FrameDecoder({ role: 'server' });
 * for (const frame of decoder.push(chunk)) console.log(frame.opcode, frame.fin, frame.payload);
 */
export class FrameDecoder extends RecordReader<Frame> {
  /** The payload of a frame split across chunks, so far (`filled` bytes of it; grown by `grow`). */
  private payload: Uint8Array = EMPTY;
  private filled = 0;
  /** The announced payload length of that frame: the most its buffer grows to. */
  private frameLength = 0;
  /** The mask key of the frame being read (from its header, on its first record). */
  private maskKey = 0;

  /**
   * @param opts.role `'server'` (input must be masked) or `'client'` (input must not be).
   * @param opts.maxFrameSize largest payload accepted (an integer, or Infinity), default 64 MiB (1009 above it).
   * @param opts.backend `'auto'` (default), `'wasm'` or `'js'`. @param opts.inPlace default false.
   */
  constructor(opts: DecoderOptions) {
    optionsObject(opts, 'decoder');
    const maxFrameSize = sizeLimit('maxFrameSize', opts.maxFrameSize, DEFAULT_MAX_MESSAGE_SIZE);
    super(opts, 0, maxFrameSize, MAX_SAFE, 0x7fffffff);
  }

  /**
   * Feed bytes (any split): a Uint8Array (or Buffer), an ArrayBuffer or any ArrayBufferView by its bytes; anything
   * else is a TypeError. Returns the frames completed by this chunk. On a violation throws a WebSocketError
   * (`WebSocketError<Frame>`, see `isError`) whose `messages` holds the frames completed before it; the decoder
   * stays failed.
   */
  push(chunk: Bytes): Frame[] {
    const bytes = chunk instanceof Uint8Array ? chunk : payloadBytes(chunk, 'chunk');
    this.checkFailed();
    const out: Frame[] = [];
    this.run(bytes, out);
    return out;
  }

  /** @internal */
  protected record(recs: Int32Array, r: number, window: Uint8Array, chunk: Uint8Array, out: Frame[]): void {
    const flags = recs[r + R_FLAGS]!;
    const off = recs[r + R_OFF]!;
    const len = recs[r + R_LEN]!;
    const masked = (flags & F_MASKED) !== 0;
    const src = masked ? window : chunk;
    // R_MASK is set on a frame's first record only.
    if ((flags & F_START) !== 0) this.maskKey = recs[r + R_MASK]! >>> 0;
    let payload: Uint8Array;
    if ((flags & (F_START | F_END)) === (F_START | F_END)) {
      // Whole frame in this chunk: unmasked payload is a view on the caller's chunk, masked one is copied once
      // (or, inPlace, written back unmasked into the chunk and viewed there).
      payload = !masked
        ? view(chunk, off, len)
        : len >= this.inPlaceMin
          ? unmaskBack(chunk, src, off, len)
          : copy(src, off, len);
    } else {
      if ((flags & F_START) !== 0) {
        // Nothing is allocated from the header's length: the buffer grows as the payload arrives, up to the
        // frame's length (already checked against maxFrameSize), so it is exactly full at the frame's end.
        this.payload = EMPTY;
        this.filled = 0;
        this.frameLength = recordFrameLength(recs, r);
      }
      const needed = this.filled + len;
      if (needed > this.payload.length) this.payload = grow(this.payload, this.filled, needed, this.frameLength);
      copyInto(this.payload, this.filled, src, off, len);
      this.filled = needed;
      if ((flags & F_END) === 0) return;
      payload = this.payload;
      this.payload = EMPTY;
    }
    out.push({
      fin: (flags & F_FIN) !== 0,
      rsv1: (flags & F_RSV1) !== 0,
      rsv2: (flags & F_RSV2) !== 0,
      rsv3: (flags & F_RSV3) !== 0,
      opcode: flags & F_OPCODE,
      masked,
      maskKey: this.maskKey,
      payload,
    } satisfies Frame);
  }
}

/**
 * Decodes complete messages: reassembles fragments (RFC 6455 §5.4), surfaces control frames as they arrive
 * (even between fragments), validates text as UTF-8 while it streams in (fail fast, §8.1), parses close
 * frames (§5.5.1, §7.4) and stops reading after one. With the `compression` option (permessage-deflate agreed,
 * RFC 7692), a message whose first frame has RSV1 set is collected compressed, inflated at its end, and its text
 * validated then.
 *
 * @example
 * const decoder = new MessageDecoder({ role: 'server' });
 * socket.on('data', (chunk) => {
 *   for (const message of decoder.push(chunk)) if (message.type === 'text') console.log(message.data);
 * });
 */
export class MessageDecoder extends RecordReader<Message> {
  private readonly textAsString: boolean;
  private readonly utf8: boolean;
  /** Reassembly buffer of the open message, `filled` bytes of it so far (grown by `grow`, up to `limit`). */
  private buffer: Uint8Array = EMPTY;
  private filled = 0;
  /** The most the reassembly buffer may grow to: the message's end once its final frame began, else maxMessageSize. */
  private limit = 0;
  private readonly maxMessageSize: number;
  /** Control frame payload split across chunks (≤ 125 bytes). */
  private control: Uint8Array = EMPTY;
  private controlFilled = 0;
  /** Inflates RSV1 messages (permessage-deflate agreed), or null. */
  private readonly compression: MessageDecompressor | null;
  /** The open message arrived with RSV1 set: its fragments are compressed bytes. */
  private compressed = false;

  /**
   * @param opts.role `'server'` (input must be masked) or `'client'` (input must not be).
   * @param opts.maxMessageSize default 64 MiB; @param opts.maxFrameSize default = maxMessageSize (integers ≥ 0,
   * or Infinity); @param opts.maxFragments default 1,048,576 (an integer ≥ 1, or Infinity);
   * @param opts.validateUtf8 default true; @param opts.textAs `'string'` (default) or `'bytes'`;
   * @param opts.backend `'auto'` (default); @param opts.inPlace default false; @param opts.compression default
   * none (RSV1 fails with 1002).
   */
  constructor(opts: MessageDecoderOptions) {
    optionsObject(opts, 'decoder');
    const compression = opts.compression;
    const decompress = (compression as Partial<MessageDecompressor> | null | undefined)?.decompress;
    if (compression !== undefined && typeof decompress !== 'function') {
      throw new TypeError(`wsframe: compression must have a decompress method, got ${describe(compression)}`);
    }
    const maxMessageSize = sizeLimit('maxMessageSize', opts.maxMessageSize, DEFAULT_MAX_MESSAGE_SIZE);
    const maxFrameSize = sizeLimit('maxFrameSize', opts.maxFrameSize, maxMessageSize);
    const maxFragments = sizeLimit('maxFragments', opts.maxFragments, DEFAULT_MAX_FRAGMENTS, 1);
    const utf8 = flag('validateUtf8', opts.validateUtf8, true);
    const textAsString = oneOf('textAs', opts.textAs, ['string', 'bytes'] as const, 'string') === 'string';
    // Text as bytes: long text messages are validated by the runtime's validator when it has one (faster than
    // ours; C_UTF8_DEFER). Strings are built from our validator's result (ASCII-ness).
    const defer = utf8 && !textAsString && platformIsUtf8 !== undefined ? C_UTF8_DEFER : 0;
    const config = C_MESSAGES | (utf8 ? C_UTF8 | defer : 0) | (compression ? C_DEFLATE : 0);
    super(opts, config, maxFrameSize, maxMessageSize, maxFragments);
    this.compression = compression ?? null;
    this.utf8 = utf8;
    this.textAsString = textAsString;
    this.maxMessageSize = maxMessageSize;
    this.strings = this.mode === 'js' ? null : this.wasm;
  }

  /** Who builds strings from non-ASCII text: the WASM transcoder unless the TS backend was forced. */
  private readonly strings: StringBuilder | null;

  /**
   * Feed bytes (any split, any size): a Uint8Array (or Buffer), an ArrayBuffer or any ArrayBufferView by its
   * bytes; anything else is a TypeError. Returns the messages and control frames completed by this chunk, in
   * wire order. On a violation throws a WebSocketError (`WebSocketError<Message>`, see `isError`) whose
   * `messages` holds what this chunk completed before the violation; the decoder stays failed and rethrows
   * it. Bytes after a close frame are ignored.
   */
  push(chunk: Bytes): Message[] {
    const bytes = chunk instanceof Uint8Array ? chunk : payloadBytes(chunk, 'chunk');
    this.checkFailed();
    const out: Message[] = [];
    this.run(bytes, out);
    return out;
  }

  /** @internal */
  protected record(recs: Int32Array, r: number, window: Uint8Array, chunk: Uint8Array, out: Message[]): void {
    const flags = recs[r + R_FLAGS]!;
    const off = recs[r + R_OFF]!;
    const len = recs[r + R_LEN]!;
    const opcode = flags & F_OPCODE;
    const masked = (flags & F_MASKED) !== 0;
    const src = masked ? window : chunk;
    if (opcode >= OP_CONTROL) return this.controlRecord(recs, r, flags, src, off, len, out);
    if ((flags & F_KIND) === KIND_DEFERRED_TEXT) this.checkDeferred(flags, src, off, len, out);

    if ((flags & F_START) !== 0) {
      // RFC 7692 §6.1: the walk let RSV1 through on a message's first frame only (C_DEFLATE).
      if (opcode !== OP_CONTINUATION) this.compressed = (flags & F_RSV1) !== 0;
      if (this.compressed && opcode !== OP_CONTINUATION && (flags & (F_END | F_FIN)) === (F_END | F_FIN)) {
        out.push(this.inflate(opcode, view(src, off, len), flags, out));
        return;
      }
      if (opcode !== OP_CONTINUATION && (flags & (F_END | F_FIN)) === (F_END | F_FIN)) {
        // An unfragmented message inside this chunk: no reassembly buffer. Masked payload is copied out of
        // the window once; unmasked payload is a view on the caller's chunk; inPlace, masked bytes are
        // written back unmasked into the chunk and viewed there (strings are built from the window).
        const ascii = (flags & F_ASCII) !== 0;
        if (masked && len >= this.inPlaceMin && (opcode === OP_BINARY || !this.textAsString)) {
          unmaskBack(chunk, src, off, len);
          out.push(this.message(opcode, chunk, off, off + len, ascii, true));
        } else {
          out.push(this.message(opcode, src, off, off + len, ascii, !masked));
        }
        return;
      }
      if (opcode !== OP_CONTINUATION) {
        this.openType = opcode;
        this.buffer = EMPTY;
        this.filled = 0;
      }
      // The reassembly buffer grows with the bytes received, not with announced lengths. Within the message's
      // final frame (FIN, RFC 6455 §5.4) the message's length is known: the buffer grows to it and no further.
      // Before that only maxMessageSize bounds it (the walk checked the announced total against it).
      this.limit = (flags & F_FIN) !== 0 ? this.filled + recordFrameLength(recs, r) : this.maxMessageSize;
    }
    if (len > 0) {
      const needed = this.filled + len;
      if (needed > this.buffer.length) this.buffer = grow(this.buffer, this.filled, needed, this.limit);
      copyInto(this.buffer, this.filled, src, off, len);
      this.filled = needed;
    }
    if ((flags & (F_END | F_FIN)) === (F_END | F_FIN)) {
      const filled = this.filled;
      // Bytes handed out are exact: an earlier fragment may have doubled the buffer past the message's length,
      // and the rest of it would stay pinned by the message (a copy, only then). Strings and inflated data are
      // made from the bytes anyway.
      const bytes =
        filled === this.buffer.length || this.compressed || (this.openType === OP_TEXT && this.textAsString)
          ? this.buffer
          : copy(this.buffer, 0, filled);
      const message = this.compressed
        ? this.inflate(this.openType, view(bytes, 0, filled), flags, out)
        : this.message(this.openType, bytes, 0, filled, (flags & F_ASCII) !== 0, true);
      this.buffer = EMPTY;
      this.filled = 0;
      out.push(message);
    }
  }

  private openType = 0;

  /** UTF-8 carry (validateUtf8's state) of the text message being validated here rather than by the backend. */
  private deferCarry = 0;

  /**
   * C_UTF8_DEFER: validate a text segment the backend only unmasked, before anything of it is handed out. Fails
   * on the same record, so at the same push after the same messages, as the backend's streaming validator
   * would: at the first segment that cannot continue valid UTF-8, or at the message's end inside a code point
   * (RFC 6455 §8.1, §5.6).
   */
  private checkDeferred(flags: number, src: Uint8Array, off: number, len: number, out: Message[]): void {
    if ((flags & (F_START | F_OPCODE)) === (F_START | OP_TEXT)) this.deferCarry = 0; // a message's first frame
    const carry = len > 0 ? validateUtf8Deferred(src, off, off + len, this.deferCarry) : this.deferCarry;
    if (carry === UTF8_INVALID || ((flags & (F_END | F_FIN)) === (F_END | F_FIN) && carry !== 0)) {
      this.fail(ST_INVALID_UTF8, out, flags);
    }
    this.deferCarry = carry;
  }

  /**
   * A compressed message's data (RFC 7692 §6.2), bounded by maxMessageSize while inflating (1009); corrupt data
   * is 1007. Text is validated once inflated (RFC 6455 §8.1: no streaming check ran on compressed bytes). The
   * codec may come from another bundle (`wsframe/deflate`), so its errors are read by their close code and
   * raised as this decoder's own.
   */
  private inflate(opcode: number, payload: Uint8Array, flags: number, out: Message[]): Message {
    let data: Uint8Array;
    try {
      data = this.compression!.decompress([payload], this.maxMessageSize);
    } catch (error) {
      const closeCode = (error as { closeCode?: unknown } | null)?.closeCode;
      const detail = error instanceof Error ? error.message.replace(/^Invalid WebSocket frame: /, '') : undefined;
      if (closeCode === CloseCode.MessageTooBig) this.fail(ST_MESSAGE_TOO_LARGE, out, flags, detail);
      if (closeCode === CloseCode.InvalidPayload) this.fail(ST_INVALID_COMPRESSED_DATA, out, flags, detail);
      throw error;
    }
    if (opcode === OP_TEXT && this.utf8 && !isValidUtf8(data)) this.fail(ST_INVALID_UTF8, out, flags);
    return this.message(opcode, data, 0, data.length, false, true);
  }

  /** `owned`: `bytes` may be handed out (the caller's chunk, or our reassembly buffer); else copy out. */
  private message(
    opcode: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    ascii: boolean,
    owned: boolean,
  ): Message {
    if (opcode === OP_TEXT && this.textAsString) {
      return {
        type: 'text',
        data: decodeText(bytes, start, end, ascii && this.utf8, this.strings, this.utf8, this.keep),
      };
    }
    const data = owned
      ? start === 0 && end === bytes.length
        ? bytes
        : view(bytes, start, end - start)
      : copy(bytes, start, end - start);
    return opcode === OP_TEXT ? { type: 'text', data } : { type: 'binary', data };
  }

  private controlRecord(
    recs: Int32Array,
    r: number,
    flags: number,
    src: Uint8Array,
    off: number,
    len: number,
    out: Message[],
  ): void {
    let payload: Uint8Array;
    if ((flags & (F_START | F_END)) === (F_START | F_END)) {
      payload = copy(src, off, len);
    } else {
      if ((flags & F_START) !== 0) {
        this.control = allocate(recs[r + R_FLEN_LO]!); // ≤ 125 (RFC 6455 §5.5), checked from the header
        this.controlFilled = 0;
      }
      copyInto(this.control, this.controlFilled, src, off, len);
      this.controlFilled += len;
      if ((flags & F_END) === 0) return;
      payload = this.control;
      this.control = EMPTY;
    }
    const opcode = flags & F_OPCODE;
    if (opcode === OP_PING) out.push({ type: 'ping', data: payload });
    else if (opcode === OP_PONG) out.push({ type: 'pong', data: payload });
    else out.push(this.close(payload, out));
  }

  /** RFC 6455 §5.5.1: an empty body, or a 2-byte code (§7.4) followed by a UTF-8 reason. */
  private close(payload: Uint8Array, out: Message[]): Message {
    if (payload.length === 0) return { type: 'close', reason: '' };
    const code = (payload[0]! << 8) | payload[1]!;
    if (!isValidCloseCode(code)) this.fail(ST_INVALID_CLOSE_CODE, out, OP_CLOSE, `code ${code}`);
    const reason = payload.subarray(2);
    if (this.utf8 && !isValidUtf8(reason)) this.fail(ST_INVALID_UTF8, out, OP_CLOSE, 'close reason');
    return { type: 'close', code, reason: decodeText(reason, 0, reason.length, false) };
  }
}

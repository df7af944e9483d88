/**
 * The permessage-deflate payload transformation (RFC 7692 §7.2), synchronous on every runtime: one message in, one
 * message out, no callbacks, no threads. Compression runs on wsframe's DEFLATE kernel (src/deflate/kernel.ts:
 * zlib's compressor as pako 3 implements it, in WASM, or its TS translation where WASM is unavailable), which writes
 * exactly pako's bytes; level 0 (stored blocks only) stays on pako. Inflation is pako's zlib port driven through
 * its low-level `ZStream` API: it inflates into output buffers it sizes itself, so a decompression bomb stops at
 * `maxSize` + 1 bytes of output. The engines were picked by bench/deflate.bench.mjs (the README's
 * permessage-deflate section).
 *
 * With the same level, memLevel and window (zlib's defaults: -1, 8, 15) pako writes exactly the bytes Node's
 * zlib — what `ws` uses — writes, message for message (checked by the bench and by test/deflate/engine.test.ts),
 * and the kernel writes pako's (test/deflate/kernel.test.ts).
 *
 * Memory: a compressor holds 2^(windowBits + 1) bytes of window, 2^(windowBits + 1) of chains and a hash table of
 * 2^(max(15, memLevel + 7) + 1) bytes (pako's hash never has fewer than 2^15 entries): 192 KiB at 15/8, 66 KiB at
 * 9/8; in WASM it lives in the deflate module's memory until `close()` (the adapters close a connection's codec when
 * it ends) or until the deflater is collected. An inflater holds 2^windowBits bytes of window plus ~7 KiB of
 * tables. Both are allocated at first use. Without context takeover nothing survives a message, so every
 * MessageDeflater/MessageInflater with the same settings shares one context in the process (this is synchronous
 * code: nothing else runs while it is in use) and costs a connection only its own small object.
 */
import {
  ZStream,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateInit2,
  zlibDeflateResetKeep,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateReset,
  zlibInflateSetDictionary,
} from 'pako';
import { describe, flag, integer, oneOf, optionsObject } from '../arguments.js';
import { WebSocketError } from '../errors.js';
import { type KernelBackend, type KernelContext, openKernel } from './kernel.js';
import { STATUS_ERRORS, ST_INVALID_COMPRESSED_DATA, ST_MESSAGE_TOO_LARGE } from '../portable/layout.js';

const Z_OK = 0;
const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
const Z_DEFLATED = 8;
const Z_DEFAULT_STRATEGY = 0 as const;
/** `strm.data_type` bit: inflate stopped between blocks (zlib's manual, inflate()). */
const AT_BLOCK_BOUNDARY = 128;

/** RFC 7692 §7.2.1: a sync flush ends with an empty stored block, `00 00 ff ff` after its 3 header bits. */
const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
/** RFC 7692 §7.2.3.6: an empty message, compressed — an empty stored block without its `00 00 ff ff`. */
const EMPTY_MESSAGE = new Uint8Array([0x00]);
const NO_BYTES = new Uint8Array(0);

/**
 * Output goes into one scratch buffer shared by every stream, then into buffers that double up to CHUNK_MAX; the
 * message's bytes are copied out into an array of their exact size, so no buffer escapes and the scratch stays.
 * 64 KiB: the largest message bench/deflate.bench.mjs sends fits.
 */
const SCRATCH_SIZE = 64 * 1024;
const CHUNK_MAX = 8 * 1024 * 1024;
let scratch: Uint8Array<ArrayBuffer> | undefined;

/** The class of error a corrupt compressed message raises; 1007 like `ws` (RFC 6455 §7.4.1: inconsistent data). */
export const INVALID_COMPRESSED_DATA: string = STATUS_ERRORS[ST_INVALID_COMPRESSED_DATA]!.code;

function corrupt(why: string): WebSocketError {
  return WebSocketError.fromStatus(ST_INVALID_COMPRESSED_DATA, why);
}

/** Collects output: the shared scratch first, then bigger buffers; `take()` returns the bytes as a new array. */
class Sink {
  out: Uint8Array<ArrayBuffer>;
  pos = 0;
  total = 0;
  parts: Uint8Array[] | null = null;

  constructor() {
    this.out = scratch ??= new Uint8Array(SCRATCH_SIZE);
  }

  /** Room for more output: a new buffer once the current one is full. */
  grow(): void {
    if (this.pos < this.out.length) return;
    (this.parts ??= []).push(this.out);
    this.out = new Uint8Array(Math.min(CHUNK_MAX, Math.max(SCRATCH_SIZE, this.total)));
    this.pos = 0;
  }

  /** The first `length` bytes written, in a new array. */
  take(length: number): Uint8Array {
    if (this.parts === null) return this.out.slice(0, length);
    const result = new Uint8Array(length);
    let at = 0;
    for (const part of [...this.parts, this.out.subarray(0, this.pos)]) {
      const n = Math.min(part.length, length - at);
      result.set(n === part.length ? part : part.subarray(0, n), at);
      at += n;
    }
    return result;
  }

  /** The byte `back` places before the end (1 = the last one). */
  byteFromEnd(back: number): number {
    if (back <= this.pos) return this.out[this.pos - back]!;
    let rest = back - this.pos;
    for (let i = this.parts!.length - 1; ; i--) {
      const part = this.parts![i]!;
      if (rest <= part.length) return part[part.length - rest]!;
      rest -= part.length;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Compression
// ---------------------------------------------------------------------------------------------------------------

/** Options of `MessageDeflater`. Defaults are `ws`'s (zlib's): the bytes on the wire are the same. */
export interface MessageDeflaterOptions {
  /** LZ77 window, 9–15 bits (the agreed `*_max_window_bits` of the side that compresses). Default 15. */
  windowBits?: number;
  /** Start every message with an empty window (the agreed `*_no_context_takeover`). Default false. */
  noContextTakeover?: boolean;
  /** zlib level: 0 (store) to 9, or -1 for zlib's default (6). Default -1. */
  level?: number;
  /** zlib memLevel, 1–9. Default 8. */
  memLevel?: number;
  /**
   * What compresses: `'auto'` (default) the WASM kernel where WebAssembly works, else its TS translation;
   * `'wasm'` or `'js'` one of them (`'wasm'` throws where the module does not compile); `'pako'` pako's zlib
   * port, the engine before the kernel (kept for comparison). All write the same bytes. Level 0 always uses pako.
   */
  backend?: DeflateBackend;
}

/** The compressor of a `MessageDeflater`. */
export type DeflateBackend = KernelBackend | 'pako';

/** Kernel contexts without context takeover, shared by every deflater with the same settings. */
const sharedContexts = new Map<string, KernelContext>();
/** Returns the contexts of deflaters collected without `close()` (explicit release is the rule; this a net). */
const contexts =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<KernelContext>((context) => context.release())
    : null;

/** Streams without context takeover, shared by every deflater with the same settings (see the top of the file). */
const sharedDeflateStreams = new Map<number, ZStream>();

/**
 * Compresses messages (RFC 7692 §7.2.1): each call returns one message's payload, DEFLATE blocks ending with a
 * sync flush whose `00 00 ff ff` is removed. With context takeover, messages may refer to earlier ones, so they
 * must be sent in the order they were compressed, each exactly once; a message you decide to send uncompressed
 * instead (below the threshold, say) must simply not go through here.
 *
 * @example
 * const deflater = new MessageDeflater({ windowBits: params.serverMaxWindowBits });
 * const payload = deflater.deflate(new TextEncoder().encode(json)); // send with RSV1 on the first frame
 */
export class MessageDeflater {
  /** The window in bits, 9–15. */
  readonly windowBits: number;
  /** Whether every message is compressed afresh. */
  readonly noContextTakeover: boolean;
  /** zlib level, -1–9. */
  readonly level: number;
  /** zlib memLevel, 1–9. */
  readonly memLevel: number;
  /** What compresses (see MessageDeflaterOptions.backend). */
  readonly backend: DeflateBackend;
  private stream: ZStream | null = null;
  private context: KernelContext | null = null;

  constructor(options: MessageDeflaterOptions = {}) {
    optionsObject(options, 'MessageDeflater');
    this.windowBits = integer('windowBits', options.windowBits ?? 15, 9, 15);
    this.noContextTakeover = flag('noContextTakeover', options.noContextTakeover, false);
    this.level = integer('level', options.level ?? -1, -1, 9);
    this.memLevel = integer('memLevel', options.memLevel ?? 8, 1, 9);
    this.backend = oneOf('backend', options.backend ?? 'auto', ['auto', 'wasm', 'js', 'pako']);
  }

  /**
   * One message's compressed payload, in a new array. `payload` is read, never kept or changed. Throws a
   * TypeError for anything but a Uint8Array.
   */
  deflate(payload: Uint8Array): Uint8Array {
    if (!(payload instanceof Uint8Array))
      throw new TypeError(`wsframe: deflate takes a Uint8Array, got ${describe(payload)}`);
    // zlib writes nothing for an empty input after a flush; `00` is that message in any state (RFC 7692 §7.2.3.6).
    if (payload.length === 0) return EMPTY_MESSAGE.slice();
    if (this.level !== 0 && this.backend !== 'pako') return this.kernelDeflate(payload);
    const strm = this.noContextTakeover ? this.shared() : (this.stream ??= this.open());
    const sink = new Sink();
    try {
      strm.input = payload;
      strm.next_in = 0;
      strm.avail_in = payload.length;
      for (;;) {
        sink.grow();
        strm.output = sink.out;
        strm.next_out = sink.pos;
        strm.avail_out = sink.out.length - sink.pos;
        const status = zlibDeflate(strm, Z_SYNC_FLUSH);
        if (status !== Z_OK && status !== Z_BUF_ERROR)
          throw new Error(`wsframe: deflate failed (zlib status ${status})`);
        sink.total += strm.next_out - sink.pos;
        sink.pos = strm.next_out;
        // zlib's contract: while it filled all the room, call again with the same flush (zlib manual, deflate()).
        if (strm.avail_out !== 0) break;
      }
    } catch (error) {
      this.stream = null; // its state is unknown now; a fresh stream is always readable by the peer
      throw error;
    } finally {
      release(strm);
      if (this.noContextTakeover) forget(strm, payload.length);
    }
    // RFC 7692 §7.2.1 step 3: remove the 4 octets 00 00 ff ff the sync flush ended with.
    const n = sink.total;
    if (
      n < 5 ||
      sink.byteFromEnd(4) !== 0 ||
      sink.byteFromEnd(3) !== 0 ||
      sink.byteFromEnd(2) !== 0xff ||
      sink.byteFromEnd(1) !== 0xff
    ) {
      throw new Error('wsframe: deflate output does not end with a sync flush');
    }
    return sink.take(n - 4);
  }

  /** Forget the context: the next message is compressed as if it were the first. Frees the stream's memory. */
  reset(): void {
    this.stream = null;
    if (this.context !== null) {
      contexts?.unregister(this);
      this.context.release();
      this.context = null;
    }
  }

  /** Free the compressor's memory now (what `reset` does); the deflater still works, from an empty window. */
  close(): void {
    this.reset();
  }

  private kernelDeflate(payload: Uint8Array): Uint8Array {
    const level = this.level === -1 ? 6 : this.level;
    const backend = this.backend as KernelBackend;
    if (this.noContextTakeover) {
      const key = `${backend}/${this.windowBits}/${level}/${this.memLevel}`;
      let context = sharedContexts.get(key);
      if (context === undefined) {
        context = openKernel(backend, this.windowBits, level, this.memLevel);
        sharedContexts.set(key, context);
      }
      return context.deflate(payload, true);
    }
    if (this.context === null) {
      this.context = openKernel(backend, this.windowBits, level, this.memLevel);
      contexts?.register(this, this.context, this);
    }
    return this.context.deflate(payload, false);
  }

  private open(): ZStream {
    const strm = new ZStream();
    // Negative windowBits: raw DEFLATE, no zlib header or checksum (RFC 7692 §7.2.1 "using DEFLATE").
    const status = zlibDeflateInit2(strm, this.level, Z_DEFLATED, -this.windowBits, this.memLevel, Z_DEFAULT_STRATEGY);
    if (status !== Z_OK) throw new Error(`wsframe: deflateInit2 failed (zlib status ${status})`);
    return strm;
  }

  private shared(): ZStream {
    const key = (this.windowBits << 8) | ((this.level + 1) << 4) | this.memLevel;
    let strm = sharedDeflateStreams.get(key);
    if (strm === undefined) sharedDeflateStreams.set(key, (strm = this.open()));
    return strm;
  }
}

/** The fields of pako's deflate state `forget` resets (named as in zlib's deflate.h). */
interface DeflateState {
  window: Uint8Array;
  head: Uint16Array;
  strstart: number;
  block_start: number;
  lookahead: number;
  insert: number;
  match_length: number;
  prev_length: number;
  match_available: number;
  ins_h: number;
}

const MIN_MATCH = 3;
const MAX_MATCH = 258;

/**
 * Reset a shared compressor to the state of a new one, as deflateReset does, but faster and more thoroughly:
 * - deflateReset clears the 64 KiB hash table in a JavaScript loop (38 µs a message, measured: more than
 *   compressing a 100-byte message); `fill` does it in 1 µs. So this is deflateResetKeep plus lm_init (zlib's
 *   deflate.c) with `fill`; lm_init's other fields (window_size, the level's match parameters) do not change.
 * - Neither clears the window, and zlib's match search reads up to 258 bytes past the input (zlib zeroes them as
 *   WIN_INIT; pako relies on a new window being zero): left alone, one connection's message could change which
 *   equally long match another's gets — different bytes, and a (faint) channel between connections. So the bytes
 *   this message wrote, and the margin after them, are zeroed again: a cost in proportion to the message.
 * test/deflate/engine.test.ts checks that a shared compressor writes what a new one writes.
 */
function forget(strm: ZStream, written: number): void {
  zlibDeflateResetKeep(strm);
  const s = strm.state as DeflateState;
  s.head.fill(0);
  s.strstart = 0;
  s.block_start = 0;
  s.lookahead = 0;
  s.insert = 0;
  s.match_length = s.prev_length = MIN_MATCH - 1;
  s.match_available = 0;
  s.ins_h = 0;
  s.window.fill(0, 0, Math.min(s.window.length, written + MAX_MATCH + 1));
}

/** Drop the stream's references to the caller's payload and to output buffers, so they can be collected. */
function release(strm: ZStream): void {
  strm.input = NO_BYTES;
  strm.output = NO_BYTES;
  strm.avail_in = 0;
  strm.avail_out = 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Decompression
// ---------------------------------------------------------------------------------------------------------------

/** Options of `MessageInflater`. */
export interface MessageInflaterOptions {
  /**
   * The peer's window, 8–15 bits (the agreed `*_max_window_bits` of the side that compresses). 8 is inflated
   * with a 9-bit window: zlib-based peers asked for 8 compress with 9, and a larger window reads both. Default 15.
   */
  windowBits?: number;
  /** The peer starts every message with an empty window (the agreed `*_no_context_takeover`). Default false. */
  noContextTakeover?: boolean;
}

const sharedInflateStreams = new Map<number, ZStream>();

/**
 * Decompresses messages (RFC 7692 §7.2.2): appends `00 00 ff ff` to a message's payload and inflates it,
 * stopping with a WebSocketError as soon as the output passes `maxSize` — 1009, `WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`,
 * as for an uncompressed message, after at most `maxSize` + 1 bytes of output, whatever the ratio. Corrupt data
 * is 1007, `WS_ERR_INVALID_COMPRESSED_DATA`: invalid DEFLATE, or a message that does not end where a block
 * ends. A block may have BFINAL set (RFC 7692 §7.2.3.4); what follows it, in the same message or the next, starts
 * a new DEFLATE stream, with the previous window as its dictionary under context takeover. An empty payload is an
 * empty message. After an error, a context-takeover inflater has lost its window: every later call
 * throws the same error (fail the connection).
 *
 * @example
 * const inflater = new MessageInflater({ windowBits: params.clientMaxWindowBits });
 * const data = inflater.inflate(fragments, maxMessageSize); // the payloads of one message's frames, in order
 */
export class MessageInflater {
  /** The window in bits, 8–15 (as given; 8 inflates with 9). */
  readonly windowBits: number;
  /** Whether the peer compresses every message afresh. */
  readonly noContextTakeover: boolean;
  private stream: ZStream | null = null;
  private failed: WebSocketError | null = null;

  constructor(options: MessageInflaterOptions = {}) {
    optionsObject(options, 'MessageInflater');
    this.windowBits = integer('windowBits', options.windowBits ?? 15, 8, 15);
    this.noContextTakeover = flag('noContextTakeover', options.noContextTakeover, false);
  }

  /**
   * One message's data, in a new array: `payload` is the message's compressed payload, whole or as the payloads
   * of its frames in order. `maxSize` (bytes, an integer ≥ 0 or Infinity) bounds the output, checked while
   * inflating. Throws a WebSocketError for corrupt or oversized data, a TypeError/RangeError for bad arguments.
   */
  inflate(payload: Uint8Array | readonly Uint8Array[], maxSize: number): Uint8Array {
    if (this.failed) throw this.failed;
    let chunks = payload instanceof Uint8Array ? [payload] : checkChunks(payload);
    // Each inflate call has a fixed cost (~10 µs a 1-byte fragment, against ~0.1 µs to copy the byte): many
    // fragments are joined first, a copy of compressed bytes the decoder has bounded already.
    if (chunks.length > MAX_SEPARATE_CHUNKS) chunks = [join(chunks)];
    const limit =
      maxSize === Infinity ? Number.MAX_SAFE_INTEGER : integer('maxSize', maxSize, 0, Number.MAX_SAFE_INTEGER);
    let empty = true;
    for (const c of chunks) if (c.length > 0) empty = false;
    if (empty) return new Uint8Array(0);
    const shared = this.noContextTakeover;
    const strm = shared ? this.shared() : (this.stream ??= open(this.windowBits));
    let clean = false;
    try {
      const data = run(strm, chunks, limit, !shared);
      clean = true;
      return data;
    } catch (error) {
      if (!shared) {
        this.stream = null;
        if (error instanceof WebSocketError) this.failed = error;
      }
      throw error;
    } finally {
      release(strm);
      // No context takeover, and a shared stream: nothing of this message may reach the next (another peer's).
      if (shared && clean) dropWindow(strm);
      else if (shared) zlibInflateReset(strm);
    }
  }

  /** Forget the context and free the window (after the peer's agreed reset, or to drop a failed state). */
  reset(): void {
    this.stream = null;
    this.failed = null;
  }

  private shared(): ZStream {
    let strm = sharedInflateStreams.get(this.windowBits);
    if (strm === undefined) sharedInflateStreams.set(this.windowBits, (strm = open(this.windowBits)));
    return strm;
  }
}

/**
 * Forget the window of a stream that stopped between blocks, ready for the next message: what inflateReset does
 * for the window, without its other work (it allocates new code tables: 2.5 µs, against ~8 µs to inflate a
 * 100-byte message). With `whave` 0 a distance into the old window is an error (zlib's inflate.h names).
 */
function dropWindow(strm: ZStream): void {
  const state = strm.state as { wsize: number; whave: number; wnext: number };
  state.wsize = 0;
  state.whave = 0;
  state.wnext = 0;
}

/** More fragments than this are joined before inflating (a message's frames are usually one to a few). */
const MAX_SEPARATE_CHUNKS = 8;

function join(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function checkChunks(payload: unknown): readonly Uint8Array[] {
  if (!Array.isArray(payload)) {
    throw new TypeError(`wsframe: inflate takes a Uint8Array or an array of them, got ${describe(payload)}`);
  }
  for (const c of payload) {
    if (!(c instanceof Uint8Array)) throw new TypeError(`wsframe: inflate takes Uint8Array chunks, got ${describe(c)}`);
  }
  return payload as readonly Uint8Array[];
}

function open(windowBits: number): ZStream {
  const strm = new ZStream();
  const status = zlibInflateInit2(strm, -Math.max(9, windowBits));
  if (status !== Z_OK) throw new Error(`wsframe: inflateInit2 failed (zlib status ${status})`);
  return strm;
}

/** Inflate `chunks` + TAIL into a new array of at most `limit` bytes (RFC 7692 §7.2.2). */
function run(strm: ZStream, chunks: readonly Uint8Array[], limit: number, keepWindow: boolean): Uint8Array {
  const sink = new Sink();
  // The last input ended a final block: a message may end there, without the empty stored block after it.
  let justEnded = false;
  for (let i = 0; i <= chunks.length; i++) {
    const input = i < chunks.length ? chunks[i]! : TAIL;
    if (input === TAIL && justEnded) return sink.take(sink.total);
    if (input.length === 0) continue;
    justEnded = false;
    strm.input = input;
    strm.next_in = 0;
    strm.avail_in = input.length;
    for (;;) {
      sink.grow();
      strm.output = sink.out;
      strm.next_out = sink.pos;
      // Never more room than one byte past the limit: a bomb stops here, not after its next chunk.
      strm.avail_out = Math.min(sink.out.length - sink.pos, limit + 1 - sink.total);
      const status = zlibInflate(strm, Z_SYNC_FLUSH);
      sink.total += strm.next_out - sink.pos;
      sink.pos = strm.next_out;
      if (sink.total > limit) {
        throw WebSocketError.fromStatus(ST_MESSAGE_TOO_LARGE, `inflated size above ${limit} bytes`);
      }
      if (status === Z_STREAM_END) {
        // RFC 7692 §7.2.1: after a block with BFINAL set "the next DEFLATE block follows the padded data if any"
        // (usually the empty stored block whose tail we appended): it starts a new DEFLATE stream.
        restart(strm, keepWindow);
        if (input === TAIL) return sink.take(sink.total);
        if (strm.avail_in === 0) {
          justEnded = true;
          break;
        }
        continue;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) throw corrupt(strm.msg || `zlib status ${status}`);
      // Done with this input once it is consumed and inflate stopped for want of input, not of room.
      if (strm.avail_in === 0 && strm.avail_out !== 0) break;
    }
  }
  // RFC 7692 §7.2.1: the sender's data plus TAIL ends with a complete empty stored block.
  if ((strm.data_type & AT_BLOCK_BOUNDARY) === 0) throw corrupt('the message does not end at a block boundary');
  return sink.take(sink.total);
}

/**
 * After a final block the next message is a new DEFLATE stream. Under context takeover it may still refer to
 * earlier messages (RFC 7692 §7.2.3.4 offers BFINAL as another way to end a message, not as a reset), so the
 * window carries over as the new stream's dictionary. zlib has no public accessor for the window (pako lacks
 * inflateGetDictionary), so it is read from the state's fields, named as in zlib's inflate.h.
 */
function restart(strm: ZStream, keepWindow: boolean): void {
  const state = strm.state as { window: Uint8Array | null; wsize: number; whave: number; wnext: number };
  let dictionary: Uint8Array | null = null;
  if (keepWindow && state.window !== null && state.whave > 0) {
    const { window, wsize, whave, wnext } = state;
    // A circular buffer: once full, the oldest byte is at wnext.
    dictionary = new Uint8Array(whave);
    if (whave < wsize) dictionary.set(window.subarray(0, whave));
    else {
      dictionary.set(window.subarray(wnext, wsize));
      dictionary.set(window.subarray(0, wnext), wsize - wnext);
    }
  }
  zlibInflateReset(strm);
  if (dictionary !== null) zlibInflateSetDictionary(strm, dictionary);
}

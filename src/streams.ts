/**
 * WHATWG stream adapters: DecoderStream (bytes → messages), EncoderStream (messages → bytes) and the
 * decodeMessages async iterator. They use only the WHATWG Streams API, so they behave the same on Node, Deno,
 * Bun, browsers and workers.
 *
 * Why not a plain TransformStream transformer: erroring a ReadableStream discards everything still queued in
 * it, so `controller.enqueue(...messages); throw error` loses messages the reader has not taken yet (on every
 * runtime, depending on microtask timing). Here the readable side has a zero high-water mark and is fed from
 * our own queue whenever a read is waiting; an error is delivered by the read that follows the last message.
 * The classes still extend TransformStream (so `instanceof`, `pipeThrough` and the types are the platform's),
 * with `readable` and `writable` set to the two streams built here.
 */
import { describe, isBuffer, optionsObject } from './arguments.js';
import { MessageDecoder } from './decoder.js';
import { MessageEncoder, type MessageEncoderOptions } from './encoder.js';
import type { Bytes, Message, MessageDecoderOptions, OutgoingMessage } from './types.js';

/** Default writable-side strategy of DecoderStream: 64 KiB of queued input bytes. */
export const DECODER_WRITABLE_HIGH_WATER_MARK = 65536;
/** Default readable-side strategy of DecoderStream: 16 decoded messages waiting for the reader. */
export const DECODER_READABLE_HIGH_WATER_MARK = 16;
/** Default writable-side strategy of EncoderStream: 16 messages queued for encoding. */
export const ENCODER_WRITABLE_HIGH_WATER_MARK = 16;
/** Default readable-side strategy of EncoderStream: 64 KiB of encoded bytes waiting for the reader. */
export const ENCODER_READABLE_HIGH_WATER_MARK = 65536;

const byteLength = (chunk: Uint8Array): number => chunk.byteLength;
/**
 * DecoderStream's input size: the bytes of a chunk; 0 for anything that is not bytes, so that the decoder gets
 * to refuse it with its TypeError (a NaN size would error the stream with the platform's RangeError first).
 */
const inputSize = (chunk: unknown): number => (ArrayBuffer.isView(chunk) || isBuffer(chunk) ? chunk.byteLength : 0);

/**
 * A queuing strategy argument, checked before any stream exists: an object whose `highWaterMark`, if set, is a
 * number ≥ 0 (Infinity: never wait) and whose `size`, if set, is a function.
 */
function checkStrategy<T>(strategy: QueuingStrategy<T>, name: string): QueuingStrategy<T> {
  optionsObject(strategy, name);
  const { highWaterMark, size } = strategy;
  if (highWaterMark !== undefined) {
    if (typeof highWaterMark !== 'number') {
      throw new TypeError(`wsframe: ${name} highWaterMark must be a number, got ${describe(highWaterMark)}`);
    }
    if (!(highWaterMark >= 0)) {
      throw new RangeError(`wsframe: ${name} highWaterMark must be ≥ 0, got ${highWaterMark}`);
    }
  }
  if (size !== undefined && typeof size !== 'function') {
    throw new TypeError(`wsframe: ${name} size must be a function, got ${describe(size)}`);
  }
  return strategy;
}

/** One step of a transform: fill `out`; on failure throw after putting what was completed into `out`. */
interface Step<I, O> {
  push(chunk: I, out: O[]): void;
  end(out: O[]): void;
}

/**
 * The queue between the two sides. Output waits in `items` (sized by the readable strategy) until a read is
 * pending; a write that leaves `size >= highWaterMark` does not settle until the reader takes the output, so
 * the writable side's own queue fills up and `writer.ready` / `pipeTo` wait: back-pressure.
 */
class Channel<I, O> {
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
  private items: O[] = [];
  private size = 0;
  private readonly highWaterMark: number;
  private readonly sizeOf: (chunk: O) => number;
  /** Set once: the error to deliver after the queued output (WebSocketError, abort reason, ...). */
  private failure: { reason: unknown } | null = null;
  private ended = false;
  private cancelled: { reason: unknown } | null = null;
  private readableController!: ReadableStreamDefaultController<O>;
  private writableController!: WritableStreamDefaultController;
  /** A pending pull (a read is waiting and the readable's own queue is empty). */
  private pulling: (() => void) | null = null;
  /** A write waiting for room. */
  private waiting: { resolve(): void; reject(reason: unknown): void } | null = null;

  constructor(
    private readonly step: Step<I, O>,
    writableStrategy: QueuingStrategy<I>,
    readableStrategy: QueuingStrategy<O>,
  ) {
    checkStrategy(writableStrategy, 'writableStrategy');
    this.highWaterMark = checkStrategy(readableStrategy, 'readableStrategy').highWaterMark ?? 1;
    const size = readableStrategy.size;
    this.sizeOf = size ? (chunk) => size(chunk) : () => 1;
    this.readable = new ReadableStream<O>(
      {
        start: (controller) => {
          this.readableController = controller;
        },
        pull: () =>
          new Promise<void>((resolve) => {
            this.pulling = resolve;
            this.deliver();
          }),
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<I>(
      {
        start: (controller) => {
          this.writableController = controller;
        },
        write: (chunk) => this.write(chunk),
        close: () => this.close(),
        abort: (reason) => this.fail(reason),
      },
      writableStrategy,
    );
  }

  private write(chunk: I): Promise<void> | void {
    if (this.cancelled) throw this.cancelled.reason;
    const out: O[] = [];
    try {
      this.step.push(chunk, out);
    } catch (error) {
      this.append(out);
      this.fail(error);
      throw error; // errors the writable side: writer.write() rejects, pipeTo cancels its source
    }
    this.append(out);
    this.deliver();
    if (this.size < this.highWaterMark || this.items.length === 0) return;
    return new Promise<void>((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private close(): void {
    if (this.cancelled) throw this.cancelled.reason;
    const out: O[] = [];
    try {
      this.step.end(out);
    } catch (error) {
      this.append(out);
      this.fail(error);
      throw error;
    }
    this.append(out);
    this.ended = true;
    this.deliver();
  }

  private append(out: O[]): void {
    for (const item of out) {
      this.items.push(item);
      this.size += this.sizeOf(item);
    }
  }

  private fail(reason: unknown): void {
    this.failure ??= { reason };
    this.deliver();
  }

  /** If a read is waiting: hand over all queued output, else the error, else the end. */
  private deliver(): void {
    const pulling = this.pulling;
    if (pulling === null) return;
    const controller = this.readableController;
    if (this.items.length > 0) {
      const items = this.items;
      this.items = [];
      this.size = 0;
      for (const item of items) controller.enqueue(item);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.resolve();
    } else if (this.failure) {
      controller.error(this.failure.reason);
    } else if (this.ended) {
      controller.close();
    } else {
      return;
    }
    this.pulling = null;
    pulling();
  }

  /** The reader gave up: drop the output and error the writable side so that producers stop. */
  private cancel(reason: unknown): void {
    this.cancelled = { reason };
    this.items = [];
    this.size = 0;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(reason);
    try {
      this.writableController.error(reason);
    } catch {
      // already closed or errored
    }
  }
}

/** Give `stream` the readable and writable of `channel` (see the file comment). */
function adopt<I, O>(stream: TransformStream<I, O>, channel: Channel<I, O>): void {
  Object.defineProperty(stream, 'readable', { value: channel.readable, enumerable: true });
  Object.defineProperty(stream, 'writable', { value: channel.writable, enumerable: true });
}

/**
 * Bytes in, messages out: a MessageDecoder as a TransformStream. Chunks may be split anywhere; each is a
 * Uint8Array, an ArrayBuffer or any ArrayBufferView (by its bytes) — anything else errors the stream with a
 * TypeError.
 *
 * - **Options** are MessageDecoder's (`role` required; `maxMessageSize` 64 MiB, `maxFrameSize` =
 *   maxMessageSize, `maxFragments` 1,048,576, `validateUtf8` true, `textAs` 'string', `backend` 'auto';
 *   `compression`, e.g. a `DeflateCodec`, once permessage-deflate was agreed).
 * - **Back-pressure**: `writableStrategy` (default: 64 KiB of input, counted by `byteLength`) is the
 *   writable side's queue; `readableStrategy` (default: 16 messages) bounds the decoded messages waiting
 *   for the reader. While that many wait, the write that produced them stays pending, so the writable queue
 *   fills and `writer.ready` / `pipeTo` stop pulling from the source. A single chunk's messages are always
 *   accepted whole, so the wait is at most about twice the readable high-water mark plus one chunk.
 * - **Errors**: a protocol violation errors the stream with the WebSocketError (`code`, `closeCode`). Every
 *   message decoded before it — including the ones completed by the failing chunk — is read first; the read
 *   after the last of them rejects with the error. The writable side errors at once (`write()` rejects,
 *   `pipeTo` cancels its source), so send the close frame (`error.closeCode`) from the reading side.
 * - **End**: closing the writable side calls `decoder.end()`: a stream cut inside a frame or a fragmented
 *   message errors with `WS_ERR_UNEXPECTED_EOF` (1006). Bytes after a close frame are ignored.
 * - Cancelling the readable side errors the writable side with the same reason.
 *
 * @example
 * const response = await fetch(url);
 * for await (const message of response.body.pipeThrough(new DecoderStream({ role: 'client' }))) {
 *   if (message.type === 'text') console.log(message.data);
 * }
 */
export class DecoderStream extends TransformStream<Uint8Array, Message> {
  /** The underlying decoder (to check `closed`, or which backend parsed the last chunk). */
  readonly decoder: MessageDecoder;

  /**
   * @param options MessageDecoder options (`role` is required).
   * @param writableStrategy queue of input chunks; default `{ highWaterMark: 65536, size: (c) => c.byteLength }`.
   * @param readableStrategy decoded messages waiting for the reader; default `{ highWaterMark: 16 }` (count).
   */
  constructor(
    options: MessageDecoderOptions,
    writableStrategy: QueuingStrategy<Uint8Array> = {
      highWaterMark: DECODER_WRITABLE_HIGH_WATER_MARK,
      size: inputSize,
    },
    readableStrategy: QueuingStrategy<Message> = { highWaterMark: DECODER_READABLE_HIGH_WATER_MARK },
  ) {
    super();
    const decoder = new MessageDecoder(options);
    this.decoder = decoder;
    const step: Step<Uint8Array, Message> = {
      push(chunk, out) {
        try {
          for (const m of decoder.push(chunk)) out.push(m);
        } catch (error) {
          if (decoder.isError(error)) for (const m of error.messages) out.push(m);
          throw error;
        }
      },
      end() {
        decoder.end();
      },
    };
    adopt(this, new Channel(step, writableStrategy, readableStrategy));
  }
}

/**
 * Messages in, bytes out: a MessageEncoder as a TransformStream. Write `OutgoingMessage`s —
 * `{ type: 'text', data: string }`, `{ type: 'binary', data: Uint8Array }`, `{ type: 'ping' | 'pong', data? }`,
 * `{ type: 'close', code?, reason? }` — and read the frames' bytes, in order, ready to send.
 *
 * - **Options** are MessageEncoder's (`role` required: 'client' masks every frame; `fragmentSize` 0 = never
 *   fragment; `backend` 'auto'; `compression`, e.g. a `DeflateCodec`, once permessage-deflate was agreed).
 * - **Back-pressure**: `writableStrategy` (default: 16 messages) and `readableStrategy` (default: 64 KiB of
 *   output, counted by `byteLength`), as for DecoderStream.
 * - **Zero copy**: in the server role, binary payloads of 1 KiB or more come out as the header followed by
 *   your own buffer (not copied), so don't modify a buffer after writing it. Client frames are always copies.
 * - **Errors**: an invalid message (unknown type, control payload > 125 bytes, bad close code, anything after
 *   a close) errors the stream with the encoder's TypeError/RangeError/Error, after the bytes of earlier
 *   messages were read.
 *
 * @example
 * const encoder = new EncoderStream({ role: 'server' });
 * const writer = encoder.writable.getWriter();
 * encoder.readable.pipeTo(socketWritable);
 * await writer.write({ type: 'text', data: 'hello' });
 * await writer.write({ type: 'close', code: 1000 });
 * await writer.close();
 */
export class EncoderStream extends TransformStream<OutgoingMessage, Uint8Array> {
  /** The underlying encoder. */
  readonly encoder: MessageEncoder;

  /**
   * @param options MessageEncoder options (`role` is required).
   * @param writableStrategy messages queued for encoding; default `{ highWaterMark: 16 }` (count).
   * @param readableStrategy encoded bytes waiting for the reader; default
   *   `{ highWaterMark: 65536, size: (c) => c.byteLength }`.
   */
  constructor(
    options: MessageEncoderOptions,
    writableStrategy: QueuingStrategy<OutgoingMessage> = { highWaterMark: ENCODER_WRITABLE_HIGH_WATER_MARK },
    readableStrategy: QueuingStrategy<Uint8Array> = {
      highWaterMark: ENCODER_READABLE_HIGH_WATER_MARK,
      size: byteLength,
    },
  ) {
    super();
    const encoder = new MessageEncoder(options);
    this.encoder = encoder;
    const step: Step<OutgoingMessage, Uint8Array> = {
      push(message, out) {
        for (const bytes of encodeMessage(encoder, message)) out.push(bytes);
      },
      end() {},
    };
    adopt(this, new Channel(step, writableStrategy, readableStrategy));
  }
}

function encodeMessage(encoder: MessageEncoder, message: OutgoingMessage): Uint8Array[] {
  switch (message?.type) {
    case 'text':
      return encoder.text(message.data);
    case 'binary':
      return encoder.binary(message.data);
    case 'ping':
      return encoder.ping(message.data);
    case 'pong':
      return encoder.pong(message.data);
    case 'close':
      return encoder.close(message.code, message.reason);
    default:
      throw new TypeError(
        `wsframe: unknown message type ${JSON.stringify((message as { type?: unknown } | null)?.type)}`,
      );
  }
}

/** What decodeMessages reads: a ReadableStream or an (async) iterable of byte chunks. */
type Source = ReadableStream<Bytes> | AsyncIterable<Bytes> | Iterable<Bytes>;

const isReadableStream = (source: unknown): source is ReadableStream<Bytes> =>
  typeof ReadableStream !== 'undefined' && source instanceof ReadableStream;

/**
 * Decode a byte source into messages, without a stream in between: one MessageDecoder fed chunk by chunk.
 * Accepts a `ReadableStream<Uint8Array>` (e.g. `response.body`) or any (async) iterable of `Uint8Array`
 * (e.g. a Node socket); chunks may also be ArrayBuffers or other ArrayBufferViews. Messages come in wire
 * order; a protocol violation first yields every message decoded before it, then throws the WebSocketError;
 * the source ending inside a frame or fragmented message throws `WS_ERR_UNEXPECTED_EOF` (1006). Breaking out
 * of the loop cancels a ReadableStream source. The source and the options are checked by the call itself
 * (TypeError/RangeError), not at the first `next()`; a chunk of the wrong type throws a TypeError there.
 *
 * @param options MessageDecoder options (`role` is required).
 * @example
 * for await (const message of decodeMessages(socket, { role: 'server' })) {
 *   if (message.type === 'close') break;
 *   console.log(message.type, message.data);
 * }
 */
export function decodeMessages(
  source: Source,
  options: MessageDecoderOptions,
): AsyncGenerator<Message, void, undefined> {
  const iterable =
    typeof source === 'object' &&
    source !== null &&
    !ArrayBuffer.isView(source) &&
    (typeof (source as AsyncIterable<Bytes>)[Symbol.asyncIterator] === 'function' ||
      typeof (source as Iterable<Bytes>)[Symbol.iterator] === 'function');
  if (!iterable && !isReadableStream(source)) {
    // A Uint8Array is iterable, but of numbers: refused here with advice rather than chunk by chunk.
    const chunk = ArrayBuffer.isView(source) || isBuffer(source);
    const single = chunk ? ': wrap a single chunk in an array' : '';
    const got = `${describe(source)}${single}`;
    throw new TypeError(`wsframe: decodeMessages reads a ReadableStream or an (async) iterable of chunks, got ${got}`);
  }
  return messagesOf(source, new MessageDecoder(options));
}

async function* messagesOf(source: Source, decoder: MessageDecoder): AsyncGenerator<Message, void, undefined> {
  for await (const chunk of chunksOf(source)) {
    let messages: Message[];
    try {
      messages = decoder.push(chunk);
    } catch (error) {
      if (decoder.isError(error)) yield* error.messages;
      throw error;
    }
    yield* messages;
  }
  decoder.end();
}

/** A ReadableStream read through its reader (not every runtime makes streams async-iterable). */
async function* chunksOf(source: Source): AsyncGenerator<Bytes> {
  if (!isReadableStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  let done = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) break;
      yield result.value;
    }
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

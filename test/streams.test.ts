/**
 * DecoderStream, EncoderStream and decodeMessages (src/streams.ts) on both backends: round trips of every
 * message type, options passed through, back-pressure, errors delivered after every earlier message, end of
 * input, cancellation.
 */
import { describe, expect, it } from 'vitest';
import {
  DecoderStream,
  EncoderStream,
  FrameDecoder,
  MessageDecoder,
  MessageEncoder,
  WebSocketError,
  decodeMessages,
  type Message,
  type OutgoingMessage,
} from '../src/index.js';
import { BACKENDS, chunks, concat, frame, hex, rng, stream, summary, utf8 } from './helpers.js';

const TEXT = 0x1;
const BINARY = 0x2;

/** A ReadableStream of the given chunks. */
function readableOf<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}

async function collect<T>(readable: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Read everything, then the error (or null if the stream ended normally). */
async function collectUntilError<T>(readable: ReadableStream<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { items, error: null };
      items.push(value);
    }
  } catch (error) {
    return { items, error };
  }
}

/** Let queued promise jobs and stream internals run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const OUTGOING: OutgoingMessage[] = [
  { type: 'text', data: 'hello' },
  { type: 'binary', data: new Uint8Array([0, 1, 2, 0xfe, 0xff]) },
  { type: 'ping', data: utf8('are you there?') },
  { type: 'pong', data: 'yes' },
  { type: 'ping' },
  { type: 'text', data: 'Grüße, κόσμε — 𝄞'.repeat(100) },
  { type: 'binary', data: new Uint8Array(70000).map((_, i) => i * 7) },
  { type: 'close', code: 1000, reason: 'done' },
];

const EXPECTED: Message[] = [
  { type: 'text', data: 'hello' },
  { type: 'binary', data: new Uint8Array([0, 1, 2, 0xfe, 0xff]) },
  { type: 'ping', data: utf8('are you there?') },
  { type: 'pong', data: utf8('yes') },
  { type: 'ping', data: new Uint8Array(0) },
  { type: 'text', data: 'Grüße, κόσμε — 𝄞'.repeat(100) },
  { type: 'binary', data: new Uint8Array(70000).map((_, i) => i * 7) },
  { type: 'close', code: 1000, reason: 'done' },
];

/** Re-split a byte stream at random points (1–700 bytes), as a network would. */
function resplit(seed: number): TransformStream<Uint8Array, Uint8Array> {
  const next = rng(seed);
  return new TransformStream({
    transform(chunk, controller) {
      for (let i = 0; i < chunk.length; ) {
        const n = 1 + Math.floor(next() * 700);
        controller.enqueue(chunk.slice(i, i + n));
        i += n;
      }
    },
  });
}

describe.each(BACKENDS)('streams — %s backend', (backend) => {
  describe('EncoderStream → DecoderStream', () => {
    it.each(['client', 'server'] as const)(
      'round-trips text, binary, ping, pong and close from a %s, split anywhere',
      async (role) => {
        const peer = role === 'client' ? 'server' : 'client';
        const messages = await collect(
          readableOf(OUTGOING)
            .pipeThrough(new EncoderStream({ role, backend }))
            .pipeThrough(resplit(role === 'client' ? 1 : 2))
            .pipeThrough(new DecoderStream({ role: peer, backend })),
        );
        expect(summary(messages)).toEqual(summary(EXPECTED));
      },
    );

    it('passes encoder options through: fragmentSize splits messages into continuation frames (RFC 6455 §5.4)', async () => {
      const bytes = concat(
        await collect(
          readableOf<OutgoingMessage>([{ type: 'text', data: 'abcdefghij' }]).pipeThrough(
            new EncoderStream({ role: 'server', fragmentSize: 4, backend }),
          ),
        ),
      );
      const frames = new FrameDecoder({ role: 'client', backend }).push(bytes);
      expect(frames.map((f) => [f.opcode, f.fin, f.payload.length])).toEqual([
        [1, false, 4],
        [0, false, 4],
        [0, true, 2],
      ]);
    });

    it("masks client frames and never modifies the caller's buffer (RFC 6455 §5.3)", async () => {
      const payload = new Uint8Array(300).fill(0x41);
      const bytes = concat(
        await collect(
          readableOf<OutgoingMessage>([{ type: 'binary', data: payload }]).pipeThrough(
            new EncoderStream({ role: 'client', backend }),
          ),
        ),
      );
      expect(bytes[1]! & 0x80).toBe(0x80);
      expect(payload.every((b) => b === 0x41)).toBe(true);
      const [m] = new MessageDecoder({ role: 'server', backend }).push(bytes);
      expect(m).toEqual({ type: 'binary', data: payload });
    });
  });

  describe('DecoderStream', () => {
    it('passes decoder options through: textAs bytes', async () => {
      const bytes = stream([{ opcode: TEXT, payload: 'κόσμε' }], true);
      const [m] = await collect(
        readableOf([bytes]).pipeThrough(new DecoderStream({ role: 'server', textAs: 'bytes', backend })),
      );
      expect(m).toEqual({ type: 'text', data: utf8('κόσμε') });
    });

    it('passes decoder options through: maxMessageSize fails 1009 from the header', async () => {
      const bytes = stream(
        [
          { opcode: TEXT, payload: 'ok' },
          { opcode: BINARY, payload: new Uint8Array(2000) },
        ],
        true,
      );
      const { items, error } = await collectUntilError(
        readableOf([bytes]).pipeThrough(new DecoderStream({ role: 'server', maxMessageSize: 1000, backend })),
      );
      expect(summary(items)).toEqual(['text "ok"']);
      expect(error).toBeInstanceOf(WebSocketError);
      expect(error).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', closeCode: 1009 });
    });

    it('accepts ArrayBuffer and other views as chunks', async () => {
      const bytes = stream([{ opcode: TEXT, payload: 'hi' }], false);
      const buffer = bytes.slice().buffer;
      const messages = await collect(
        readableOf<Uint8Array>([buffer as unknown as Uint8Array]).pipeThrough(
          new DecoderStream({ role: 'client', backend }),
        ),
      );
      expect(summary(messages)).toEqual(['text "hi"']);
    });

    it('delivers every message decoded before a violation, then errors with the WebSocketError (RFC 6455 §5.2)', async () => {
      // Five messages and a frame with RSV2 set in ONE chunk: nothing is read until the chunk was processed.
      const bytes = stream(
        [
          ...Array.from({ length: 5 }, (_, i) => ({ opcode: TEXT, payload: `m${i}` })),
          { opcode: TEXT, payload: 'bad', rsv: 2 },
        ],
        true,
      );
      const decoder = new DecoderStream({ role: 'server', backend });
      const writer = decoder.writable.getWriter();
      const written = writer.write(bytes);
      await expect(written).rejects.toMatchObject({ code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002 });
      await settle();
      const { items, error } = await collectUntilError(decoder.readable);
      expect(summary(items)).toEqual(['text "m0"', 'text "m1"', 'text "m2"', 'text "m3"', 'text "m4"']);
      expect(error).toBeInstanceOf(WebSocketError);
      expect(error).toMatchObject({ code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002 });
    });

    it('keeps messages of earlier chunks that are still unread when a later chunk fails', async () => {
      const decoder = new DecoderStream({ role: 'client', backend });
      const writer = decoder.writable.getWriter();
      await writer.write(
        stream(
          [
            { opcode: TEXT, payload: 'one' },
            { opcode: TEXT, payload: 'two' },
          ],
          false,
        ),
      );
      await expect(writer.write(hex('83 00'))).rejects.toMatchObject({ code: 'WS_ERR_INVALID_OPCODE' });
      const { items, error } = await collectUntilError(decoder.readable);
      expect(summary(items)).toEqual(['text "one"', 'text "two"']);
      expect(error).toMatchObject({ code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002 });
    });

    it('fails fast on invalid UTF-8 with a reader already waiting, after the valid message (RFC 6455 §8.1)', async () => {
      const decoder = new DecoderStream({ role: 'server', backend });
      const reading = collectUntilError(decoder.readable);
      const writer = decoder.writable.getWriter();
      const bytes = stream(
        [
          { opcode: TEXT, payload: 'fine' },
          { opcode: TEXT, payload: hex('ce ba e1 bd b9 ed a0 80') },
        ],
        true,
      );
      await writer.write(bytes.subarray(0, 10)).catch(() => {});
      await writer.write(bytes.subarray(10)).catch(() => {});
      const { items, error } = await reading;
      expect(summary(items)).toEqual(['text "fine"']);
      expect(error).toMatchObject({ code: 'WS_ERR_INVALID_UTF8', closeCode: 1007 });
    });

    it('calls decoder.end() on close: a stream cut inside a frame errors with 1006', async () => {
      const bytes = stream(
        [
          { opcode: TEXT, payload: 'whole' },
          { opcode: BINARY, payload: new Uint8Array(100) },
        ],
        true,
      );
      const decoder = new DecoderStream({ role: 'server', backend });
      const reading = collectUntilError(decoder.readable);
      const writer = decoder.writable.getWriter();
      await writer.write(bytes.subarray(0, bytes.length - 1));
      await expect(writer.close()).rejects.toMatchObject({ code: 'WS_ERR_UNEXPECTED_EOF', closeCode: 1006 });
      const { items, error } = await reading;
      expect(summary(items)).toEqual(['text "whole"']);
      expect(error).toMatchObject({ code: 'WS_ERR_UNEXPECTED_EOF' });
    });

    it('ends the readable side when the input ends cleanly, and ignores bytes after a close frame (RFC 6455 §5.5.1)', async () => {
      const bytes = stream(
        [
          { opcode: 0x8, payload: hex('03e8') },
          { opcode: 3, payload: 'junk' },
        ],
        true,
      );
      const messages = await collect(readableOf([bytes]).pipeThrough(new DecoderStream({ role: 'server', backend })));
      expect(messages).toEqual([{ type: 'close', code: 1000, reason: '' }]);
    });

    it('applies back-pressure: a reader that does not read stops the writer, reading lets it go on', async () => {
      // 100 chunks of 10 small messages each; the reader takes nothing at first.
      const chunk = stream(
        Array.from({ length: 10 }, () => ({ opcode: TEXT, payload: 'x'.repeat(20) })),
        true,
      );
      const decoder = new DecoderStream(
        { role: 'server', backend },
        { highWaterMark: 4 * chunk.length, size: (c) => c.byteLength },
        { highWaterMark: 16 },
      );
      const writer = decoder.writable.getWriter();
      let accepted = 0;
      const producer = (async () => {
        for (let i = 0; i < 100; i++) {
          await writer.ready;
          void writer.write(chunk.slice());
          accepted++;
        }
        await writer.close();
      })();
      await settle();
      // Processed: 2 chunks (20 messages ≥ 16, the second write waits); queued: 4 chunks; then ready waits.
      expect(accepted).toBeGreaterThanOrEqual(2);
      expect(accepted).toBeLessThanOrEqual(8);
      expect(writer.desiredSize).toBeLessThanOrEqual(0);
      const before = accepted;
      await settle();
      expect(accepted).toBe(before);
      const messages = await collect(decoder.readable);
      await producer;
      expect(accepted).toBe(100);
      expect(messages.length).toBe(1000);
    });

    it("pipes through fetch's Response body like any byte stream", async () => {
      const bytes = stream(
        [
          { opcode: TEXT, payload: 'via Response' },
          { opcode: 0x9, payload: 'p' },
        ],
        false,
      );
      const response = new Response(readableOf(chunks(bytes, 'bytewise')));
      const messages = await collect(response.body!.pipeThrough(new DecoderStream({ role: 'client', backend })));
      expect(summary(messages)).toEqual(['text "via Response"', 'ping bytes:70']);
    });

    it('cancelling the reader errors the writable side and cancels a piped source', async () => {
      let cancelled: unknown = null;
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(frame({ opcode: TEXT, payload: 'tick' }, false));
        },
        cancel(reason) {
          cancelled = reason;
        },
      });
      const decoder = new DecoderStream({ role: 'client', backend });
      const piping = source.pipeTo(decoder.writable).catch((e: unknown) => e);
      const reader = decoder.readable.getReader();
      expect((await reader.read()).value).toEqual({ type: 'text', data: 'tick' });
      await reader.cancel('enough');
      expect(await piping).toBe('enough');
      expect(cancelled).toBe('enough');
    });

    it('is a TransformStream', () => {
      const decoder = new DecoderStream({ role: 'server', backend });
      expect(decoder).toBeInstanceOf(TransformStream);
      expect(decoder.readable).toBeInstanceOf(ReadableStream);
      expect(decoder.writable).toBeInstanceOf(WritableStream);
    });
  });

  describe('EncoderStream', () => {
    it('encodes every OutgoingMessage type into the frames MessageEncoder writes', async () => {
      const bytes = concat(
        await collect(readableOf(OUTGOING).pipeThrough(new EncoderStream({ role: 'server', backend }))),
      );
      const reference = new MessageEncoder({ role: 'server', backend });
      const expected = concat([
        ...reference.text('hello'),
        ...reference.binary(new Uint8Array([0, 1, 2, 0xfe, 0xff])),
        ...reference.ping(utf8('are you there?')),
        ...reference.pong('yes'),
        ...reference.ping(),
        ...reference.text('Grüße, κόσμε — 𝄞'.repeat(100)),
        ...reference.binary(new Uint8Array(70000).map((_, i) => i * 7)),
        ...reference.close(1000, 'done'),
      ]);
      expect(Buffer.compare(bytes, expected)).toBe(0);
    });

    it('writes an empty close frame for { type: "close" } without a code (RFC 6455 §5.5.1)', async () => {
      const [bytes] = await collect(
        readableOf<OutgoingMessage>([{ type: 'close' }]).pipeThrough(new EncoderStream({ role: 'server', backend })),
      );
      expect(Array.from(bytes!)).toEqual([0x88, 0x00]);
    });

    it('errors after the bytes of earlier messages when a message is invalid (control payload > 125 bytes)', async () => {
      const encoder = new EncoderStream({ role: 'server', backend });
      const writer = encoder.writable.getWriter();
      await writer.write({ type: 'text', data: 'first' });
      await expect(writer.write({ type: 'ping', data: new Uint8Array(126) })).rejects.toBeInstanceOf(RangeError);
      const { items, error } = await collectUntilError(encoder.readable);
      expect(new MessageDecoder({ role: 'client', backend }).push(concat(items))).toEqual([
        { type: 'text', data: 'first' },
      ]);
      expect(error).toBeInstanceOf(RangeError);
    });

    it('errors on anything after a close frame (RFC 6455 §5.5.1) and on unknown message types', async () => {
      const afterClose = collectUntilError(
        readableOf<OutgoingMessage>([
          { type: 'close', code: 1001 },
          { type: 'text', data: 'late' },
        ]).pipeThrough(new EncoderStream({ role: 'client', backend })),
      );
      const { items, error } = await afterClose;
      expect(new MessageDecoder({ role: 'server', backend }).push(concat(items))).toEqual([
        { type: 'close', code: 1001, reason: '' },
      ]);
      expect(String(error)).toMatch(/close frame was already sent/);
      const unknown = await collectUntilError(
        readableOf([{ type: 'nope' } as unknown as OutgoingMessage]).pipeThrough(
          new EncoderStream({ role: 'server', backend }),
        ),
      );
      expect(unknown.error).toBeInstanceOf(TypeError);
    });

    it('applies back-pressure on its output bytes', async () => {
      const encoder = new EncoderStream(
        { role: 'server', backend },
        { highWaterMark: 2 },
        { highWaterMark: 4096, size: (c) => c.byteLength },
      );
      const writer = encoder.writable.getWriter();
      let accepted = 0;
      const producer = (async () => {
        for (let i = 0; i < 50; i++) {
          await writer.ready;
          void writer.write({ type: 'binary', data: new Uint8Array(1000) });
          accepted++;
        }
        await writer.close();
      })();
      await settle();
      expect(accepted).toBeLessThanOrEqual(8);
      const out = await collect(encoder.readable);
      await producer;
      expect(new MessageDecoder({ role: 'client', backend }).push(concat(out)).length).toBe(50);
    });
  });

  describe('decodeMessages', () => {
    const bytes = stream(
      [
        { opcode: TEXT, payload: 'a' },
        { opcode: BINARY, payload: hex('0102') },
        { opcode: 0x8, payload: hex('03e8') },
      ],
      false,
    );

    it('reads a ReadableStream', async () => {
      const out: Message[] = [];
      for await (const m of decodeMessages(readableOf(chunks(bytes, 'bytewise')), { role: 'client', backend }))
        out.push(m);
      expect(summary(out)).toEqual(['text "a"', 'binary bytes:0102', 'close 1000 ""']);
    });

    it('reads an async iterable and a plain iterable', async () => {
      async function* source(): AsyncGenerator<Uint8Array> {
        yield* chunks(bytes, 'random', 3);
      }
      const a: Message[] = [];
      for await (const m of decodeMessages(source(), { role: 'client', backend })) a.push(m);
      const b: Message[] = [];
      for await (const m of decodeMessages(chunks(bytes, 'chop997'), { role: 'client', backend })) b.push(m);
      expect(summary(a)).toEqual(summary(b));
      expect(a.length).toBe(3);
    });

    it('yields the messages before a violation, then throws the WebSocketError', async () => {
      const bad = concat([stream([{ opcode: TEXT, payload: 'ok' }], true), hex('81 05 68 65 6c 6c 6f')]);
      const out: Message[] = [];
      const error = await (async () => {
        for await (const m of decodeMessages([bad], { role: 'server', backend })) out.push(m);
      })().catch((e: unknown) => e);
      expect(summary(out)).toEqual(['text "ok"']);
      expect(error).toMatchObject({ code: 'WS_ERR_EXPECTED_MASK', closeCode: 1002 });
    });

    it('throws WS_ERR_UNEXPECTED_EOF when the source ends inside a frame', async () => {
      const error = await (async () => {
        for await (const _ of decodeMessages([bytes.subarray(0, 4)], { role: 'client', backend })) void _;
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'WS_ERR_UNEXPECTED_EOF', closeCode: 1006 });
    });

    it('cancels a ReadableStream source when the loop breaks', async () => {
      let cancelled = false;
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(frame({ opcode: TEXT, payload: 'again' }, false));
        },
        cancel() {
          cancelled = true;
        },
      });
      for await (const m of decodeMessages(source, { role: 'client', backend })) {
        expect(m).toEqual({ type: 'text', data: 'again' });
        break;
      }
      expect(cancelled).toBe(true);
    });
  });
});

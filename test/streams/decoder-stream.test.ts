/**
 * DecoderStream (src/streams.ts) on both backends: options passed through, errors delivered after every earlier
 * message, end of input, back-pressure, cancellation.
 */
import { describe, expect, it } from 'vitest';
import { DecoderStream, WebSocketError } from '../../src/index.js';
import { BACKENDS, chunks, frame, hex, stream, summary, utf8 } from '../helpers.js';
import { collect, collectUntilError, readableOf, settle } from './fixtures.js';

const TEXT = 0x1;
const BINARY = 0x2;

describe.each(BACKENDS)('streams — %s backend', (backend) => {
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
});

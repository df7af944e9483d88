/** EncoderStream (src/streams.ts) on both backends: every message type, errors after earlier bytes, back-pressure. */
import { describe, expect, it } from 'vitest';
import { EncoderStream, MessageDecoder, MessageEncoder, type OutgoingMessage } from '../../src/index.js';
import { BACKENDS, concat, utf8 } from '../helpers.js';
import { OUTGOING, collect, collectUntilError, readableOf, settle } from './fixtures.js';

describe.each(BACKENDS)('streams — %s backend', (backend) => {
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
});

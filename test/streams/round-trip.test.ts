/**
 * EncoderStream → DecoderStream (src/streams.ts) on both backends: every message type both ways, encoder options
 * passed through, masking.
 */
import { describe, expect, it } from 'vitest';
import { DecoderStream, EncoderStream, FrameDecoder, MessageDecoder, type OutgoingMessage } from '../../src/index.js';
import { BACKENDS, concat, summary } from '../helpers.js';
import { EXPECTED, OUTGOING, collect, readableOf, resplit } from './fixtures.js';

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
});

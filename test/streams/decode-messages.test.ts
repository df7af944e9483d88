/** decodeMessages (src/streams.ts) on both backends: its sources, errors after earlier messages, end, cancellation. */
import { describe, expect, it } from 'vitest';
import { decodeMessages, type Message } from '../../src/index.js';
import { BACKENDS, chunks, concat, frame, hex, stream, summary } from '../helpers.js';
import { readableOf } from './fixtures.js';

const TEXT = 0x1;
const BINARY = 0x2;

describe.each(BACKENDS)('streams — %s backend', (backend) => {
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

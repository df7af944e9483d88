/** Encoder rules Autobahn cannot see: minimal lengths, masking, control frame limits, one close, fragmentation. */
import { describe, expect, it } from 'vitest';
import { FrameEncoder, MessageDecoder, MessageEncoder, SPLIT_THRESHOLD, Opcode } from '../../src/index.js';
import { BACKENDS, concat, hex } from '../helpers.js';

describe.each(BACKENDS)('encoders on the %s backend', (backend) => {
  it('writes minimal length forms at every boundary (RFC 6455 §5.2)', () => {
    const enc = new FrameEncoder({ role: 'server', backend });
    const target = new Uint8Array(14);
    const form = (n: number) =>
      Array.from(target.subarray(1, enc.encodeHeader(target, 0, { opcode: 2, payloadLength: n })));
    expect(form(0)).toEqual([0]);
    expect(form(125)).toEqual([125]);
    expect(form(126)).toEqual([126, 0, 126]);
    expect(form(65535)).toEqual([126, 255, 255]);
    expect(form(65536)).toEqual([127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(form(2 ** 53 - 1)).toEqual([127, 0, 0x1f, 255, 255, 255, 255, 255, 255]);
  });

  it('server frames are never masked; small ones are one buffer, large ones [header, payload] without a copy', () => {
    const enc = new MessageEncoder({ role: 'server', backend });
    expect(Array.from(concat(enc.text('€')))).toEqual(Array.from(hex('8103e282ac')));
    const big = new Uint8Array(SPLIT_THRESHOLD);
    const out = enc.binary(big);
    expect(out.length).toBe(2);
    expect(out[1]).toBe(big);
    expect(Array.from(out[0]!)).toEqual([0x82, 126, SPLIT_THRESHOLD >> 8, SPLIT_THRESHOLD & 255]);
  });

  it('client frames are masked with fresh random keys and never modify the caller buffer (RFC 6455 §5.3)', () => {
    const enc = new MessageEncoder({ role: 'client', backend });
    const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
    const copy = payload.slice();
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const [bytes] = enc.binary(payload);
      expect(bytes![1]! & 0x80).toBe(0x80);
      keys.add(Array.from(bytes!.subarray(4, 8)).join());
      expect(new MessageDecoder({ role: 'server', backend }).push(bytes!)).toEqual([{ type: 'binary', data: payload }]);
    }
    expect(payload).toEqual(copy);
    expect(keys.size).toBeGreaterThan(45);
  });

  it('rejects invalid control frames, close codes and reasons', () => {
    const enc = new MessageEncoder({ role: 'server', backend });
    expect(() => enc.ping(new Uint8Array(126))).toThrow(RangeError);
    expect(() => enc.close(1005)).toThrow(RangeError);
    expect(() => enc.close(1006)).toThrow(RangeError);
    expect(() => enc.close(1015)).toThrow(RangeError);
    expect(() => enc.close(999)).toThrow(RangeError);
    expect(() => enc.close(1000, 'x'.repeat(124))).toThrow(RangeError);
    expect(() => enc.close(undefined, 'why')).toThrow(TypeError);
    expect(() =>
      new FrameEncoder({ role: 'server', backend }).encode({ opcode: 3, payload: new Uint8Array(0) }),
    ).toThrow(RangeError);
    expect(() =>
      new FrameEncoder({ role: 'server', backend }).encode({
        opcode: Opcode.Ping,
        fin: false,
        payload: new Uint8Array(0),
      }),
    ).toThrow(RangeError);
  });

  it('sends exactly one close and nothing after it (RFC 6455 §5.5.1)', () => {
    const enc = new MessageEncoder({ role: 'server', backend });
    expect(Array.from(concat(enc.close(1000, 'bye')))).toEqual([0x88, 5, 0x03, 0xe8, 0x62, 0x79, 0x65]);
    expect(() => enc.close(1000)).toThrow(/already sent/);
    expect(() => enc.text('late')).toThrow(/already sent/);
    expect(Array.from(concat(new MessageEncoder({ role: 'server', backend }).close()))).toEqual([0x88, 0]);
  });

  it('fragments with fragmentSize: opcode first, continuations after, FIN last (RFC 6455 §5.4)', () => {
    const out = new MessageEncoder({ role: 'server', backend, fragmentSize: 2 }).text('abcde');
    expect(out.map((b) => Array.from(b))).toEqual([
      [0x01, 2, 97, 98],
      [0x00, 2, 99, 100],
      [0x80, 1, 101],
    ]);
  });
});

describe.each(BACKENDS)('text from UTF-8 bytes on the %s backend', (backend) => {
  it('sends bytes as a text message unchanged (echo with textAs: "bytes" without a string round trip)', () => {
    const bytes = new TextEncoder().encode('Grüße ✓');
    const out = concat(new MessageEncoder({ role: 'server', backend }).text(bytes));
    expect(Array.from(out.subarray(0, 2))).toEqual([0x81, bytes.length]);
    expect(new MessageDecoder({ role: 'client', backend, textAs: 'bytes' }).push(out)).toEqual([
      { type: 'text', data: bytes },
    ]);
    expect(() => new MessageEncoder({ role: 'server', backend }).text(42 as unknown as string)).toThrow(TypeError);
  });
});

describe.each(BACKENDS)('short strings encoded in place on the %s backend', (backend) => {
  it.each(['client', 'server'] as const)(
    'round-trips every length 0..45 with 1-, 2-, 3- and 4-byte characters (%s)',
    (role) => {
      const enc = new MessageEncoder({ role, backend });
      const peer = role === 'client' ? 'server' : 'client';
      for (const unit of ['a', 'é', '€', '𝄞']) {
        for (let n = 0; n <= 45; n++) {
          const text = [...unit.repeat(n)].slice(0, n).join(''); // n code points (never a lone surrogate)
          const frames = enc.text(text);
          const utf8Length = new TextEncoder().encode(text).length;
          expect(frames[0]!.length).toBe(utf8Length + (utf8Length < 126 ? 2 : 4) + (role === 'client' ? 4 : 0));
          expect(new MessageDecoder({ role: peer, backend }).push(concat(frames))).toEqual([
            { type: 'text', data: text },
          ]);
        }
      }
    },
  );
});

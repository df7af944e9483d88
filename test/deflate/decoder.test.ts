/**
 * permessage-deflate in MessageDecoder and MessageEncoder (RFC 7692 §6): where RSV1 may appear, the RFC's own
 * examples (§7.2.3) fed at every split point, the inflated size limit against a decompression bomb, and what the
 * encoder writes. Both backends, both roles.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflateCodec } from '../../src/deflate/index.js';
import {
  DecoderStream,
  EncoderStream,
  MessageDecoder,
  MessageEncoder,
  WebSocketError,
  type Message,
} from '../../src/index.js';
import type { DeflateParams, Role } from '../../src/types.js';
import { BACKENDS, cutAt, decode, frame, hex, stream, summary, utf8, type FrameSpec } from '../helpers.js';

const TAKEOVER: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

/** The decoder's side of a connection in `role` (it inflates what the peer compressed). */
const inflaterFor = (role: Role, params: DeflateParams = TAKEOVER) => new DeflateCodec(role, params, { threshold: 0 });

/** Every way to cut `bytes` in two, and one byte at a time. */
function everySplit(bytes: Uint8Array): Uint8Array[][] {
  const splits: Uint8Array[][] = [
    [bytes],
    cutAt(
      bytes,
      Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
    ),
  ];
  for (let i = 1; i < bytes.length; i++) splits.push(cutAt(bytes, [i]));
  return splits;
}

const RSV1 = 4; // the catalogue's rsv number for RSV1

describe.each(BACKENDS)('RSV1 rules, backend %s (RFC 7692 §6.1, RFC 6455 §5.2)', (backend) => {
  const roles: [Role, boolean][] = [
    ['server', true],
    ['client', false],
  ];
  describe.each(roles)('role %s', (role, masked) => {
    const fails = (specs: FrameSpec[], compression: boolean, code: string, closeCode: number) => {
      const bytes = stream(specs, masked);
      for (const pieces of everySplit(bytes)) {
        const opts = { role, backend, compression: compression ? inflaterFor(role) : undefined };
        const outcome = decode(pieces, opts);
        expect(outcome.error?.code, `cut ${pieces.map((p) => p.length)}`).toBe(code);
        expect(outcome.error?.closeCode).toBe(closeCode);
      }
    };

    it('fails 1002 on RSV1 without permessage-deflate', () => {
      fails([{ rsv: RSV1, opcode: 1, payload: hex('f248cdc9c90700') }], false, 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    });

    it('fails 1002 on RSV1 on a continuation frame', () => {
      const specs = [
        { rsv: RSV1, fin: false, opcode: 1, payload: hex('f248cd') },
        { rsv: RSV1, opcode: 0, payload: hex('c9c90700') },
      ];
      fails(specs, true, 'WS_ERR_UNEXPECTED_RSV_1', 1002);
      fails(
        [
          { fin: false, opcode: 2, payload: 'ab' },
          { rsv: RSV1, opcode: 0, payload: 'cd' },
        ],
        true,
        'WS_ERR_UNEXPECTED_RSV_1',
        1002,
      );
    });

    it('fails 1002 on RSV1 on a control frame (ping, pong, close), also between fragments', () => {
      for (const opcode of [8, 9, 10]) {
        fails(
          [{ rsv: RSV1, opcode, payload: opcode === 8 ? hex('03e8') : 'x' }],
          true,
          'WS_ERR_UNEXPECTED_RSV_1',
          1002,
        );
      }
      const between = [
        { rsv: RSV1, fin: false, opcode: 1, payload: hex('f248cd') },
        { rsv: RSV1, opcode: 9, payload: 'p' },
        { opcode: 0, payload: hex('c9c90700') },
      ];
      fails(between, true, 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    });

    it('still fails 1002 on RSV2 and RSV3 with permessage-deflate', () => {
      fails([{ rsv: 2, opcode: 1, payload: 'a' }], true, 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
      fails([{ rsv: RSV1 | 1, opcode: 2, payload: 'a' }], true, 'WS_ERR_UNEXPECTED_RSV_2_3', 1002);
    });

    it('fails 1007 (WS_ERR_INVALID_COMPRESSED_DATA) on corrupt DEFLATE data', () => {
      fails([{ rsv: RSV1, opcode: 2, payload: hex('ffffffff') }], true, 'WS_ERR_INVALID_COMPRESSED_DATA', 1007);
    });

    it('fails 1007 on compressed text that inflates to invalid UTF-8, after the text before it', () => {
      const bad = new Uint8Array(deflateRawSync(Buffer.from([0x48, 0xc3, 0x28]), { finishFlush: 2 }).subarray(0, -4));
      const bytes = stream(
        [
          { opcode: 1, payload: 'ok' },
          { rsv: RSV1, opcode: 1, payload: bad },
        ],
        masked,
      );
      for (const pieces of everySplit(bytes)) {
        const outcome = decode(pieces, { role, backend, compression: inflaterFor(role) });
        expect(outcome.error?.code).toBe('WS_ERR_INVALID_UTF8');
        expect(summary(outcome.messages)).toEqual(['text "ok"']);
      }
    });
  });
});

/** RFC 7692 §7.2.3: the examples' frames as the server sends them (unmasked), and what each message is. */
const RFC_EXAMPLES: [string, string[], string[]][] = [
  ['§7.2.3.1 "Hello" in one frame', ['c107f248cdc9c90700'], ['Hello']],
  ['§7.2.3.1 "Hello" in two fragments', ['4103f248cd', '8004c9c90700'], ['Hello']],
  [
    '§7.2.3.2 two "Hello", the second referring to the first',
    ['c107f248cdc9c90700', 'c105f200110000'],
    ['Hello', 'Hello'],
  ],
  ['§7.2.3.3 a stored (uncompressed) block', ['c10b0005 00faff48656c6c6f00'], ['Hello']],
  ['§7.2.3.4 BFINAL set', ['c108f348cdc9c9070000'], ['Hello']],
  ['§7.2.3.5 two DEFLATE blocks in one message', ['c10df248050000 00ffffcac9c90700'], ['Hello']],
  ['§7.2.3.6 an empty message (and a message after it)', ['c10100', 'c107f248cdc9c90700'], ['', 'Hello']],
];

describe.each(BACKENDS)('RFC 7692 §7.2.3 examples through MessageDecoder, backend %s', (backend) => {
  for (const [title, frames, texts] of RFC_EXAMPLES) {
    const wire = hex(frames.join('').replaceAll(' ', ''));
    it(`${title}: client role, every split`, () => {
      for (const pieces of everySplit(wire)) {
        const outcome = decode(pieces, { role: 'client', backend, compression: inflaterFor('client') });
        expect(outcome.error).toBeNull();
        expect(outcome.messages).toEqual(texts.map((data) => ({ type: 'text', data })));
      }
    });

    it(`${title}: the same frames masked, server role, every split, text as bytes`, () => {
      // Re-frame each example frame masked, keeping FIN, RSV1, opcode and payload.
      const masked = frames.map((f) => {
        const b = hex(f.replaceAll(' ', ''));
        const spec: FrameSpec = {
          fin: (b[0]! & 0x80) !== 0,
          rsv: (b[0]! & 0x40) !== 0 ? RSV1 : 0,
          opcode: b[0]! & 0xf,
          payload: b.subarray(2),
        };
        return frame(spec, true);
      });
      const bytes = Buffer.concat(masked);
      for (const pieces of everySplit(bytes)) {
        const outcome = decode(pieces, {
          role: 'server',
          backend,
          textAs: 'bytes',
          compression: inflaterFor('server'),
        });
        expect(outcome.error).toBeNull();
        expect(outcome.messages).toEqual(texts.map((t) => ({ type: 'text', data: utf8(t) })));
      }
    });
  }
});

describe.each(BACKENDS)('limits on compressed messages, backend %s', (backend) => {
  it('stops a decompression bomb with 1009 after maxMessageSize, holding little memory (64 MiB from ~64 KiB)', () => {
    const bomb = new Uint8Array(deflateRawSync(Buffer.alloc(64 << 20), { finishFlush: 2 }).subarray(0, -4));
    expect(bomb.length).toBeLessThan(128 * 1024);
    const bytes = frame({ rsv: RSV1, opcode: 2, payload: bomb }, true);
    const decoder = new MessageDecoder({
      role: 'server',
      backend,
      maxMessageSize: 1 << 20,
      compression: inflaterFor('server'),
    });
    const before = process.memoryUsage().arrayBuffers;
    let error: unknown;
    try {
      decoder.push(bytes);
    } catch (e) {
      error = e;
    }
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(error).toBeInstanceOf(WebSocketError);
    expect(decoder.isError(error)).toBe(true);
    expect((error as WebSocketError).code).toBe('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    expect((error as WebSocketError).closeCode).toBe(1009);
    expect(grown).toBeLessThan(16 << 20);
  });

  it('bounds the compressed bytes by maxMessageSize and maxFragments as any message (from the headers)', () => {
    const big = frame({ rsv: RSV1, opcode: 2, payload: new Uint8Array(2000) }, true);
    const opts = { role: 'server' as const, backend, maxMessageSize: 1000, compression: inflaterFor('server') };
    expect(decode([big], opts).error?.code).toBe('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    const frags = stream(
      [
        { rsv: RSV1, fin: false, opcode: 2, payload: 'a' },
        { opcode: 0, fin: false, payload: 'b' },
      ],
      true,
    );
    const limited = decode([frags], { ...opts, maxMessageSize: 100, maxFragments: 1 });
    expect(limited.error?.code).toBe('WS_ERR_TOO_MANY_FRAGMENTS');
  });

  it('allows an inflated message up to maxMessageSize exactly', () => {
    const data = new Uint8Array(5000).fill(7);
    const payload = new Uint8Array(deflateRawSync(data, { finishFlush: 2 }).subarray(0, -4));
    const bytes = frame({ rsv: RSV1, opcode: 2, payload }, true);
    const opts = { role: 'server' as const, backend, compression: inflaterFor('server') };
    expect(decode([bytes], { ...opts, maxMessageSize: 5000 }).messages).toEqual([{ type: 'binary', data }]);
    expect(decode([bytes], { ...opts, maxMessageSize: 4999 }).error?.closeCode).toBe(1009);
  });
});

describe('MessageEncoder with compression (RFC 7692 §6.1)', () => {
  const text = 'permessage-deflate '.repeat(100);

  it('sets RSV1 on the first frame only, fragments the compressed bytes, never compresses control frames', () => {
    const server = new DeflateCodec('server', TAKEOVER, { threshold: 0 });
    const encoder = new MessageEncoder({ role: 'server', fragmentSize: 10, compression: server });
    const bytes = encoder.text(text);
    expect(bytes.length).toBeGreaterThan(1);
    const frames = new MessageDecoder({ role: 'client' });
    const wire = Buffer.concat(bytes);
    // Walk the frame headers: first frame RSV1, the rest none.
    const heads: number[] = [];
    for (let at = 0; at < wire.length; at += 2 + (wire[at + 1]! & 0x7f)) heads.push(wire[at]!);
    expect(heads[0]).toBe(0x41);
    expect(heads.slice(1, -1).every((b) => b === 0x00)).toBe(true);
    expect(heads.at(-1)).toBe(0x80);
    expect(() => frames.push(wire)).toThrow(WebSocketError); // no compression in this decoder: RSV1 is 1002
    for (const f of [...encoder.ping('p'), ...encoder.pong('q'), ...encoder.close(1000, 'bye')])
      expect(f[0]! & 0x40).toBe(0);
  });

  it('sends messages below the threshold uncompressed, with RSV1 clear', () => {
    const encoder = new MessageEncoder({
      role: 'client',
      compression: new DeflateCodec('client', TAKEOVER, { threshold: 100 }),
    });
    expect(encoder.text('short')[0]![0]).toBe(0x81);
    expect(encoder.binary(new Uint8Array(99))[0]![0]).toBe(0x82);
    expect(encoder.binary(new Uint8Array(100))[0]![0]).toBe(0xc2);
  });

  it('round-trips through a decoder with the peer codec, both backends and roles', () => {
    for (const backend of BACKENDS) {
      for (const [from, to] of [
        ['client', 'server'],
        ['server', 'client'],
      ] as const) {
        const encoder = new MessageEncoder({
          role: from,
          backend,
          compression: new DeflateCodec(from, TAKEOVER, { threshold: 0 }),
        });
        const decoder = new MessageDecoder({ role: to, backend, compression: new DeflateCodec(to, TAKEOVER) });
        const sent: Message[] = [
          { type: 'text', data: text },
          { type: 'text', data: '' },
          { type: 'binary', data: new Uint8Array(300).fill(1) },
          { type: 'text', data: 'Grüße, κόσμε 𝄞'.repeat(50) },
        ];
        const wire = sent.flatMap((m) =>
          m.type === 'text' ? encoder.text(m.data as string) : encoder.binary((m as { data: Uint8Array }).data),
        );
        expect(decoder.push(Buffer.concat(wire))).toEqual(sent);
      }
    }
  });

  it('refuses a compression option without compress()', () => {
    expect(() => new MessageEncoder({ role: 'server', compression: {} as never })).toThrow(TypeError);
  });
});

/** Everything a stream yields until it ends. */
async function readAll<T>(readable: ReadableStream<T>): Promise<T[]> {
  const reader = readable.getReader();
  const out: T[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

describe('EncoderStream → DecoderStream with compression', () => {
  it.each(BACKENDS)('carries compressed messages through both streams, backend %s', async (backend) => {
    const encoder = new EncoderStream({
      role: 'client',
      backend,
      fragmentSize: 100,
      compression: new DeflateCodec('client', TAKEOVER, { threshold: 10 }),
    });
    const decoder = new DecoderStream({ role: 'server', backend, compression: new DeflateCodec('server', TAKEOVER) });
    const sent = ['tiny', 'permessage-deflate '.repeat(200), 'Grüße 𝄞'.repeat(300)];
    const writer = encoder.writable.getWriter();
    const reading = readAll(encoder.readable);
    for (const data of sent) await writer.write({ type: 'text', data });
    await writer.close();
    const wire = await reading;
    expect(wire.filter((b) => (b[0]! & 0x40) !== 0)).toHaveLength(2); // 'tiny' is below the threshold
    const feed = decoder.writable.getWriter();
    const decoding = readAll(decoder.readable);
    for (const b of wire) await feed.write(b);
    await feed.close();
    expect(await decoding).toEqual(sent.map((data) => ({ type: 'text', data })));
  });
});

/**
 * The permessage-deflate engine (RFC 7692 §7.2): the RFC's byte vectors at every split, round trips of random and
 * corpus data at every window and with and without context takeover, byte identity and interop with ws
 * (native zlib), corrupt input, and the decompression bomb bounded by maxSize.
 *
 * The engine is pure JS and runs after frame decoding, so it has no WASM/TS backend split of its own.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MessageDeflater, MessageInflater } from '../../src/deflate/engine.js';
import { WebSocketError } from '../../src/errors.js';
import { concat, hex, rng } from '../helpers.js';

const require = createRequire(import.meta.url);
// Not in ws's exports map: loaded by file path, next to its main module.
const PerMessageDeflate = require(require.resolve('ws').replace(/index\.js$/, 'lib/permessage-deflate.js'));

const TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
const text = (s: string) => new TextEncoder().encode(s);
const corpus = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/autobahn/${name}`, import.meta.url)));
const JSON_CORPUS = corpus('data1.json');
const FAUST = corpus('pg2229.txt');

function errorOf(fn: () => unknown): WebSocketError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebSocketError) return error;
    throw error;
  }
  throw new Error('expected a WebSocketError');
}

/** Every way to cut `bytes` into two fragments, plus one byte per fragment. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [[bytes]];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return out;
}

/** Random bytes, compressible to a degree: runs of a few symbols mixed with noise. */
function sample(random: () => number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++)
    out[i] = random() < 0.5 ? 0x61 + Math.floor(random() * 4) : Math.floor(random() * 256);
  return out;
}

describe('RFC 7692 §7.2.3 examples, inflated at every split', () => {
  const hello = text('Hello');
  it.each([
    ['§7.2.3.1 one compressed block', 'f2 48 cd c9 c9 07 00'],
    ['§7.2.3.3 a block with no compression', '00 05 00 fa ff 48 65 6c 6c 6f 00'],
    ['§7.2.3.4 a block with BFINAL set', 'f3 48 cd c9 c9 07 00 00'],
    ['§7.2.3.5 two blocks in one message', 'f2 48 05 00 00 00 ff ff ca c9 c9 07 00'],
    ['§7.2.3.6 an empty last fragment', 'f2 48 cd c9 c9 07 00 00 00 ff ff 00'],
  ])('%s', (_, payload) => {
    for (const noContextTakeover of [false, true]) {
      for (const fragments of splits(hex(payload))) {
        const inflater = new MessageInflater({ noContextTakeover });
        expect(inflater.inflate(fragments, 5)).toEqual(hello);
        // The inflater is ready for the next message: §7.2.3.1 again.
        expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 5)).toEqual(hello);
      }
    }
  });

  it('§7.2.3.6: the empty block `00` alone is an empty message, and so is an empty payload', () => {
    const inflater = new MessageInflater();
    expect(inflater.inflate(hex('00'), 0)).toEqual(new Uint8Array(0));
    expect(inflater.inflate([], 0)).toEqual(new Uint8Array(0));
    expect(inflater.inflate([new Uint8Array(0), new Uint8Array(0)], 0)).toEqual(new Uint8Array(0));
    expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 5)).toEqual(hello);
  });

  it('§7.2.3.2: the second "Hello" refers to the first through the shared window (context takeover)', () => {
    for (const fragments of splits(hex('f2 00 11 00 00'))) {
      const inflater = new MessageInflater();
      expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 5)).toEqual(hello);
      expect(inflater.inflate(fragments, 5)).toEqual(hello);
    }
  });

  it('§7.2.3.2 after §7.2.3.4: the window survives a final block', () => {
    const inflater = new MessageInflater();
    expect(inflater.inflate(hex('f3 48 cd c9 c9 07 00 00'), 5)).toEqual(hello);
    expect(inflater.inflate(hex('f2 00 11 00 00'), 5)).toEqual(hello);
  });

  it('§7.2.3.2 without context takeover: the reference has nothing to point at (1007)', () => {
    const inflater = new MessageInflater({ noContextTakeover: true });
    expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 5)).toEqual(hello);
    const error = errorOf(() => inflater.inflate(hex('f2 00 11 00 00'), 5));
    expect([error.code, error.closeCode]).toEqual(['WS_ERR_INVALID_COMPRESSED_DATA', 1007]);
  });

  it('no window leaks between connections that share a stream (no context takeover)', () => {
    const a = new MessageInflater({ noContextTakeover: true });
    const b = new MessageInflater({ noContextTakeover: true });
    expect(a.inflate(hex('f2 48 cd c9 c9 07 00'), 5)).toEqual(hello);
    expect(errorOf(() => b.inflate(hex('f2 00 11 00 00'), 5)).closeCode).toBe(1007);
  });

  it('compresses "Hello" to §7.2.3.1, then to §7.2.3.2 with takeover, and to §7.2.3.1 again without', () => {
    const takeover = new MessageDeflater();
    expect(takeover.deflate(hello)).toEqual(hex('f2 48 cd c9 c9 07 00'));
    expect(takeover.deflate(hello)).toEqual(hex('f2 00 11 00 00'));
    const fresh = new MessageDeflater({ noContextTakeover: true });
    expect(fresh.deflate(hello)).toEqual(hex('f2 48 cd c9 c9 07 00'));
    expect(fresh.deflate(hello)).toEqual(hex('f2 48 cd c9 c9 07 00'));
    takeover.reset();
    expect(takeover.deflate(hello)).toEqual(hex('f2 48 cd c9 c9 07 00'));
  });

  it('a shared compressor (no takeover) writes what a new one writes, whatever it compressed before', () => {
    // Text, where the match search reading stale bytes past the input changes a match now and then.
    const shared = new MessageDeflater({ noContextTakeover: true });
    for (let i = 0; i < 60; i++) {
      const at = (i * 3001) % 100_000;
      shared.deflate((i % 2 ? JSON_CORPUS : FAUST).subarray(at, at + 2000 + i * 997));
      const message = FAUST.subarray(i * 1777, i * 1777 + 100 + i * 40);
      expect(shared.deflate(message)).toEqual(new MessageDeflater().deflate(message));
    }
  });

  it('compresses an empty message to `00` (§7.2.3.6), before and after other messages', () => {
    const deflater = new MessageDeflater();
    expect(deflater.deflate(new Uint8Array(0))).toEqual(hex('00'));
    expect(deflater.deflate(hello)).toEqual(hex('f2 48 cd c9 c9 07 00'));
    expect(deflater.deflate(new Uint8Array(0))).toEqual(hex('00'));
    const inflater = new MessageInflater();
    expect(inflater.inflate(hex('00'), 0)).toEqual(new Uint8Array(0));
  });
});

describe('round trips', () => {
  it('random data at every window 9–15, with and without takeover, lengths 0 to 70,000, fragmented', () => {
    const random = rng(7);
    const short = [0, 1, 2, 3, 5, 125, 126, 1023, 1024, 4096];
    for (let windowBits = 9; windowBits <= 15; windowBits++) {
      // Messages longer than the window, where it slides, at the smallest and largest window.
      const lengths = windowBits === 9 || windowBits === 15 ? [...short, 65535, 65536, 70_000] : [...short, 20_000];
      for (const noContextTakeover of [false, true]) {
        const deflater = new MessageDeflater({ windowBits, noContextTakeover });
        const inflater = new MessageInflater({ windowBits, noContextTakeover });
        const sent: Uint8Array[] = [];
        const wire: Uint8Array[] = [];
        for (const length of lengths) {
          const message = sample(random, length);
          const payload = deflater.deflate(message);
          // Fragments of every size from 1 byte to the whole payload, as a peer may send them.
          const size = 1 + Math.floor(random() * payload.length);
          const fragments: Uint8Array[] = [];
          for (let i = 0; i < payload.length; i += size) fragments.push(payload.subarray(i, i + size));
          expect(inflater.inflate(fragments, length)).toEqual(message);
          sent.push(message);
          wire.push(payload, TAIL);
        }
        // Independent check: node's zlib reads the whole sequence as one raw DEFLATE stream (takeover) or each
        // message alone.
        if (!noContextTakeover) {
          const all = zlib.inflateRawSync(concat(wire), { finishFlush: zlib.constants.Z_SYNC_FLUSH, windowBits });
          expect(new Uint8Array(all)).toEqual(concat(sent));
        }
      }
    }
  });

  it('the Autobahn corpora in Autobahn 12.x slices (16 B to 128 KiB), with and without takeover', () => {
    const data = corpus('data1.json');
    const html = corpus('data1.html');
    for (const [source, length] of [
      [data, 16],
      [data, 1024],
      [FAUST, 4096],
      [html, 65536],
      [FAUST, 131072],
    ] as const) {
      for (const noContextTakeover of [false, true]) {
        const deflater = new MessageDeflater({ noContextTakeover });
        const inflater = new MessageInflater({ noContextTakeover });
        let original = 0;
        let compressed = 0;
        for (let i = 0, at = 0; i < (length > 4096 ? 3 : 12); i++, at = (at + length) % source.length) {
          const message =
            at + length <= source.length
              ? source.subarray(at, at + length)
              : concat([source.subarray(at), source.subarray(0, at + length - source.length)]);
          const payload = deflater.deflate(message);
          expect(inflater.inflate(payload, length)).toEqual(message);
          original += length;
          compressed += payload.length;
        }
        // Text compresses: a check that deflate did compress, not only round-trip (16-byte messages do not).
        if (length >= 1024) expect(compressed / original).toBeLessThan(0.8);
      }
    }
  });

  it("keeps the caller's payload untouched and returns arrays of their own", () => {
    const message = JSON_CORPUS.slice(0, 5000);
    const copy = message.slice();
    const deflater = new MessageDeflater();
    const a = deflater.deflate(message);
    const b = deflater.deflate(message);
    expect(message).toEqual(copy);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.byteLength).toBe(a.buffer.byteLength);
    const inflater = new MessageInflater();
    const x = inflater.inflate(a, Infinity);
    const y = inflater.inflate(b, Infinity);
    expect(x).toEqual(message);
    expect(y).toEqual(message);
    expect(x.buffer).not.toBe(y.buffer);
  });
});

describe('against ws (native zlib): same bytes, and each reads the other', () => {
  type Callback = (error: Error | null, result: Buffer) => void;
  type Pmd = {
    params: unknown;
    compress(data: Buffer, fin: boolean, callback: Callback): void;
    decompress(data: Buffer, fin: boolean, callback: Callback): void;
  };
  const call = (pmd: Pmd, method: 'compress' | 'decompress', data: Uint8Array) =>
    new Promise<Buffer>((resolve, reject) =>
      pmd[method](Buffer.from(data), true, (e: Error | null, r: Buffer) => (e ? reject(e) : resolve(r))),
    );
  const pair = (bits: number, takeover: boolean) => {
    const params = {
      server_no_context_takeover: !takeover,
      client_no_context_takeover: !takeover,
      server_max_window_bits: bits,
      client_max_window_bits: bits,
    };
    const server: Pmd = new PerMessageDeflate({ isServer: true });
    const client: Pmd = new PerMessageDeflate({ isServer: false });
    server.params = { ...params };
    client.params = { ...params };
    return { server, client };
  };

  it.each([9, 12, 15])(
    'window %i: byte-identical output, and messages both ways, with and without takeover',
    async (bits) => {
      for (const takeover of [true, false]) {
        const ws = pair(bits, takeover);
        const deflater = new MessageDeflater({ windowBits: bits, noContextTakeover: !takeover });
        const inflater = new MessageInflater({ windowBits: bits, noContextTakeover: !takeover });
        for (let i = 0; i < 20; i++) {
          const message = FAUST.subarray(i * 3000, i * 3000 + 100 + i * 150);
          const ours = deflater.deflate(message);
          const theirs = await call(ws.server, 'compress', message);
          expect(ours).toEqual(new Uint8Array(theirs));
          expect(inflater.inflate(theirs, Infinity)).toEqual(message);
          expect(new Uint8Array(await call(ws.client, 'decompress', ours))).toEqual(message);
        }
      }
    },
  );
});

describe('corrupt input', () => {
  it.each([
    ['a reserved block type (BTYPE 11)', 'ff ff ff'],
    ['a stored block whose length does not match its complement', '00 05 00 05 00 48 65 6c 6c 6f'],
    ['a message that ends inside a block', 'f2 48 cd'],
    ['a bad block after a final block', 'f3 48 cd c9 c9 07 00 00 01 02'],
  ])('fails 1007 on %s', (_, payload) => {
    const error = errorOf(() => new MessageInflater().inflate(hex(payload), 1000));
    expect([error.code, error.closeCode]).toEqual(['WS_ERR_INVALID_COMPRESSED_DATA', 1007]);
  });

  it('reads blocks after a final block as a new stream over the same window (§7.2.1)', () => {
    // §7.2.3.4's final block, then §7.2.3.2's block that copies "Hello" from 5 bytes back.
    const message = [hex('f3 48 cd c9 c9 07 00'), hex('f2 00 11 00 00')];
    expect(new MessageInflater().inflate(message, 10)).toEqual(text('HelloHello'));
    expect(new MessageInflater().inflate(hex('f3 48 cd c9 c9 07 00'), 10)).toEqual(text('Hello'));
  });

  it('a context-takeover inflater stays failed (its window is gone); a reset starts afresh', () => {
    const inflater = new MessageInflater();
    const first = errorOf(() => inflater.inflate(hex('ff ff ff'), 10));
    expect(errorOf(() => inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 10))).toBe(first);
    inflater.reset();
    expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 10)).toEqual(text('Hello'));
  });

  it('a shared (no takeover) inflater goes on after an error', () => {
    const inflater = new MessageInflater({ noContextTakeover: true });
    errorOf(() => inflater.inflate(hex('f2 48 cd'), 10));
    expect(inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 10)).toEqual(text('Hello'));
  });
});

describe('maxSize: checked while inflating (decompression bombs)', () => {
  it('passes at exactly maxSize and fails 1009 one byte below, whole and fragmented', () => {
    const message = JSON_CORPUS.subarray(0, 100_000);
    const payload = new MessageDeflater().deflate(message);
    for (const fragments of [[payload], [payload.subarray(0, 10), payload.subarray(10)]]) {
      expect(new MessageInflater().inflate(fragments, message.length)).toEqual(message);
      const error = errorOf(() => new MessageInflater().inflate(fragments, message.length - 1));
      expect([error.code, error.closeCode]).toEqual(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009]);
    }
    expect(errorOf(() => new MessageInflater().inflate(hex('f2 48 cd c9 c9 07 00'), 0)).closeCode).toBe(1009);
  });

  it('stops a ~500 KiB message that would inflate to 512 MiB after maxSize, without the memory for it', () => {
    // DEFLATE tops out near 1032:1, so 512 MiB needs ~500 KiB: 1 MiB of zeros per sync-flushed segment, the
    // segments after the first all alike (the window is all zeros by then).
    const deflater = new MessageDeflater({ level: 9 });
    const zeros = new Uint8Array(1 << 20);
    const first = deflater.deflate(zeros);
    const second = deflater.deflate(zeros);
    expect(deflater.deflate(zeros)).toEqual(second);
    const segments = [first];
    for (let i = 1; i < 512; i++) segments.push(TAIL, second);
    const bomb = concat(segments);
    expect(bomb.length).toBeLessThan(520 * 1024);

    const maxSize = 4 << 20;
    const before = process.memoryUsage();
    const error = errorOf(() => new MessageInflater().inflate(bomb, maxSize));
    const after = process.memoryUsage();
    expect([error.code, error.closeCode]).toEqual(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009]);
    // Loose: inflating it all would take 512 MiB; stopping at maxSize takes a few MiB.
    expect(after.rss - before.rss).toBeLessThan(128 << 20);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 << 20);
    // With the limit raised past it, the same bytes are a valid 512 MiB message (checked in pieces of 64 MiB).
    const inflater = new MessageInflater();
    const part = concat([
      first,
      TAIL,
      ...Array.from({ length: 63 }, (_, i) => (i < 62 ? [second, TAIL] : [second])).flat(),
    ]);
    expect(inflater.inflate(part, 64 << 20).length).toBe(64 << 20);
  });
});

describe('arguments', () => {
  it('refuses bad options and inputs with TypeError / RangeError', () => {
    expect(() => new MessageDeflater({ windowBits: 8 })).toThrow(RangeError);
    expect(() => new MessageDeflater({ level: 10 })).toThrow(RangeError);
    expect(() => new MessageDeflater({ memLevel: 0 })).toThrow(RangeError);
    expect(() => new MessageDeflater({ noContextTakeover: 1 as never })).toThrow(TypeError);
    expect(() => new MessageInflater({ windowBits: 7 })).toThrow(RangeError);
    expect(new MessageInflater({ windowBits: 8 }).windowBits).toBe(8);
    expect(() => new MessageDeflater().deflate('x' as never)).toThrow(TypeError);
    expect(() => new MessageInflater().inflate('x' as never, 1)).toThrow(TypeError);
    expect(() => new MessageInflater().inflate(['x'] as never, 1)).toThrow(TypeError);
    expect(() => new MessageInflater().inflate(hex('00'), -1)).toThrow(RangeError);
    expect(() => new MessageInflater().inflate(hex('00'), NaN)).toThrow(RangeError);
  });

  it('inflates a window-8 peer with a 9-bit window (what zlib-based peers actually send)', () => {
    const payload = new MessageDeflater({ windowBits: 9 }).deflate(FAUST.subarray(0, 3000));
    expect(new MessageInflater({ windowBits: 8 }).inflate(payload, 3000)).toEqual(FAUST.subarray(0, 3000));
  });
});

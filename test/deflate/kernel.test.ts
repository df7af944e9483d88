/**
 * The DEFLATE compressor kernel (assembly/deflate.ts) on both backends — the WASM module and its TS translation —
 * against pako 3, the zlib port it follows: for the same windowBits, level, memLevel and sequence of messages,
 * each with a sync flush, the bytes must be identical, with and without context takeover; and every output must
 * inflate back with node:zlib (with the earlier messages as history under takeover). WSFRAME_LONG=1 sweeps more.
 */
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { ZStream, Z_SYNC_FLUSH, zlibDeflate, zlibDeflateInit2 } from 'pako';
import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/connection.js';
import { DeflateCodec } from '../../src/deflate/index.js';
import { MessageDeflater } from '../../src/deflate/engine.js';
import { type KernelBackend, openKernel, wasmDeflateAvailable, wasmDeflateMemory } from '../../src/deflate/kernel.js';
import { rng } from '../helpers.js';

const LONG = process.env.WSFRAME_LONG === '1';
const KERNELS: KernelBackend[] = ['wasm', 'js'];
const TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);
const corpus = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/autobahn/${name}`, import.meta.url)));
const JSON_CORPUS = corpus('data1.json');
const HTML = corpus('data1.html');
const FAUST = corpus('pg2229.txt');

/** pako with all the output room it wants: one deflate(Z_SYNC_FLUSH) call a message, the tail removed. */
function pako(wbits: number, level: number, memLevel: number): (m: Uint8Array) => Uint8Array {
  const strm = new ZStream();
  if (zlibDeflateInit2(strm, level, 8, -wbits, memLevel, 0) !== 0) throw new Error('deflateInit2');
  return (m) => {
    const out = new Uint8Array(m.length * 2 + 1024);
    strm.input = m;
    strm.next_in = 0;
    strm.avail_in = m.length;
    strm.output = out;
    strm.next_out = 0;
    strm.avail_out = out.length;
    zlibDeflate(strm, Z_SYNC_FLUSH);
    if (strm.avail_in !== 0 || strm.avail_out === 0) throw new Error('pako did not finish');
    expect(out.subarray(strm.next_out - 4, strm.next_out)).toEqual(TAIL);
    return out.slice(0, strm.next_out - 4);
  };
}

/** Slices of `data`, `len` bytes each, wrapping around (as Autobahn 12.x sends them). */
function slices(data: Uint8Array, len: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const out = new Uint8Array(len);
    for (let j = 0; j < len; j++) out[j] = data[(i * len + j) % data.length]!;
    return out;
  });
}

function randomBytes(n: number, seed: number): Uint8Array {
  const next = rng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

function json(n: number, seed: number): Uint8Array {
  const next = rng(seed);
  const list: unknown[] = [];
  let s = '[]';
  while (s.length < n) {
    list.push({ e: 'trade', t: Math.floor(next() * 1e9), p: (43000 + next() * 500).toFixed(2), m: next() < 0.5 });
    s = JSON.stringify(list);
  }
  return new TextEncoder().encode(s.slice(0, n));
}

/** Messages of every kind the brief of this kernel names: sizes from 1 B to past the largest window. */
function mixed(seed: number): Uint8Array[] {
  return [
    json(100, seed),
    Uint8Array.of(0x41),
    json(5000, seed + 1),
    new Uint8Array(3000).fill(7),
    randomBytes(2000, seed + 2),
    FAUST.subarray(1000, 1001),
    json(1000, seed + 3),
    FAUST.subarray(0, 70_000),
    randomBytes(40_000, seed + 4),
    json(20_000, seed + 5),
    new Uint8Array(100_000).fill(0x61),
    HTML.subarray(0, 9000),
  ];
}

/** Compress `messages` with the kernel and with pako; compare the bytes and inflate them back. */
function check(
  backend: KernelBackend,
  messages: Uint8Array[],
  { wbits = 15, level = 6, memLevel = 8, takeover = true } = {},
): void {
  const kernel = openKernel(backend, wbits, level, memLevel);
  let reference = pako(wbits, level, memLevel);
  const outputs: Uint8Array[] = [];
  try {
    messages.forEach((m, i) => {
      if (!takeover) reference = pako(wbits, level, memLevel);
      const got = kernel.deflate(m, !takeover);
      const want = reference(m);
      if (Buffer.compare(got, want) !== 0) {
        let at = 0;
        while (at < got.length && got[at] === want[at]) at++;
        throw new Error(
          `message ${i} (${m.length} B, w${wbits} l${level} m${memLevel} takeover ${takeover}, ${backend}): ` +
            `${got.length} B against pako's ${want.length}, first difference at ${at}`,
        );
      }
      outputs.push(got);
    });
  } finally {
    kernel.release();
  }
  // RFC 7692 §7.2.2: append 00 00 ff ff and inflate; with takeover, the earlier messages are the history.
  if (takeover) {
    const all = Buffer.concat(outputs.flatMap((o) => [o, TAIL]));
    expect(
      Buffer.compare(
        zlib.inflateRawSync(all, { windowBits: 15, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
        Buffer.concat(messages),
      ),
    ).toBe(0);
  } else {
    outputs.forEach((o, i) => {
      const data = zlib.inflateRawSync(Buffer.concat([o, TAIL]), {
        windowBits: 15,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
      expect(Buffer.compare(data, messages[i]!)).toBe(0);
    });
  }
}

it('compiles the deflate WASM module here (Node has WebAssembly)', () => {
  expect(wasmDeflateAvailable()).toBe(true);
});

for (const backend of KERNELS) {
  describe(`deflate kernel (${backend}): byte-identical to pako`, () => {
    for (const takeover of [true, false]) {
      const mode = takeover ? 'with context takeover' : 'without context takeover';
      it(`Autobahn corpora in 4 KiB slices, ${mode}`, () => {
        for (const data of [JSON_CORPUS, HTML, FAUST]) check(backend, slices(data, 4096, 40), { takeover });
      });
      it(`JSON, random, 1 B, repetitive and window-sized messages, ${mode}`, () => {
        check(backend, mixed(1), { takeover });
      });
      it(`windows 9–15 at levels 1–9, ${mode}`, () => {
        const messages = [json(300, 7), FAUST.subarray(0, 3000), json(4000, 8), randomBytes(700, 9)];
        for (let wbits = 9; wbits <= 15; wbits++) {
          for (let level = 1; level <= 9; level++) check(backend, messages, { wbits, level, takeover });
        }
      });
      it(`memLevel 1–9 (block sizes 127 to 32767 symbols), ${mode}`, () => {
        const messages = [FAUST.subarray(0, 20_000), randomBytes(2000, 3), json(10_000, 4)];
        for (let memLevel = 1; memLevel <= 9; memLevel++) {
          for (const level of [1, 6]) check(backend, messages, { memLevel, level, takeover });
        }
      });
    }

    it('messages larger than the window (the window slides within a message), at every window', () => {
      for (let wbits = 9; wbits <= 15; wbits++) {
        // Twice the 2^(wbits + 1)-byte window buffer: it slides at least once inside each message.
        const big = 4 << wbits;
        for (const level of [1, 6]) {
          const messages = [FAUST.subarray(0, big), randomBytes(big, wbits), FAUST.subarray(50_000, 52_000)];
          check(backend, messages, { wbits, level });
        }
      }
    });

    it('a message whose output passes the 512 KiB output area of the WASM module (handed over in pieces)', () => {
      const big = new Uint8Array(1_500_000);
      big.set(randomBytes(900_000, 5));
      for (let at = 900_000; at < big.length; at += 50_000)
        big.set(FAUST.subarray(at % 100_000, (at % 100_000) + 50_000), at);
      check(backend, [json(2000, 1), big, json(3000, 2)]);
      check(backend, [big], { takeover: false });
    });

    it('a context reset between messages writes what a new context writes', () => {
      const kernel = openKernel(backend, 12, 6, 8);
      const first = pako(12, 6, 8);
      const second = pako(12, 6, 8);
      try {
        expect(Buffer.compare(kernel.deflate(FAUST.subarray(0, 20_000), false), first(FAUST.subarray(0, 20_000)))).toBe(
          0,
        );
        const m = FAUST.subarray(5000, 9000);
        expect(Buffer.compare(kernel.deflate(m, true), second(m))).toBe(0);
      } finally {
        kernel.release();
      }
    });

    it('refuses a released context', () => {
      const kernel = openKernel(backend, 15, 6, 8);
      kernel.release();
      expect(() => kernel.deflate(Uint8Array.of(1), false)).toThrow(/released/);
    });

    if (LONG) {
      it('long sweep: every window, level and memLevel on the corpora, both takeover modes', () => {
        for (let wbits = 9; wbits <= 15; wbits++) {
          for (let level = 1; level <= 9; level++) {
            for (let memLevel = 1; memLevel <= 9; memLevel++) {
              for (const takeover of [true, false]) {
                check(backend, [...slices(JSON_CORPUS, 4096, 6), ...mixed(wbits * 100 + level)], {
                  wbits,
                  level,
                  memLevel,
                  takeover,
                });
              }
            }
          }
        }
      }, 3_600_000);
    }
  });
}

it('the WASM and TS kernels write the same bytes', () => {
  const messages = mixed(42);
  const wasm = openKernel('wasm', 15, 6, 8);
  const js = openKernel('js', 15, 6, 8);
  for (const m of messages) expect(Buffer.compare(wasm.deflate(m, false), js.deflate(m, false))).toBe(0);
  wasm.release();
  js.release();
});

describe('deflate kernel memory (WASM contexts live in linear memory until released)', () => {
  it('reuses a released context block: opening and releasing 200 contexts does not grow memory', () => {
    openKernel('wasm', 15, 6, 8).release();
    const before = wasmDeflateMemory();
    for (let i = 0; i < 200; i++) {
      const k = openKernel('wasm', 15, 6, 8);
      k.deflate(FAUST.subarray(0, 2000), false);
      k.release();
    }
    expect(wasmDeflateMemory()).toBe(before);
  });

  it('MessageDeflater.close() releases its context, and the deflater starts again from an empty window', () => {
    const d = new MessageDeflater({ backend: 'wasm' });
    const first = d.deflate(FAUST.subarray(0, 5000));
    d.close();
    const before = wasmDeflateMemory();
    for (let i = 0; i < 50; i++) new MessageDeflater({ backend: 'wasm' }).close();
    for (let i = 0; i < 50; i++) {
      const other = new MessageDeflater({ backend: 'wasm' });
      other.deflate(Uint8Array.of(1, 2, 3));
      other.close();
    }
    expect(wasmDeflateMemory()).toBe(before);
    expect(d.deflate(FAUST.subarray(0, 5000))).toEqual(first);
  });

  it('Connection closes its codec once CLOSED', () => {
    const params = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    };
    const codec = new DeflateCodec('server', params);
    let closed = 0;
    const close = codec.close.bind(codec);
    codec.close = () => {
      closed++;
      close();
    };
    const connection = new Connection({ role: 'server', compression: codec });
    connection.send(new Uint8Array(4096).fill(0x61));
    expect(closed).toBe(0);
    connection.receiveEof();
    expect(connection.state).toBe('CLOSED');
    expect(closed).toBe(1);
    connection.receiveEof();
    expect(closed).toBe(1);
  });
});

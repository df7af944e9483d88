/** The two backends against each other and against plain reference code, kernel by kernel. */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameEncoder, activeBackend, initSync } from '../../src/index.js';
import { wasmBackendForTests } from '../../src/backend/index.js';
import { maskInto, unmaskAt } from '../../src/backend/mask.js';
import { validateUtf8 } from '../../src/backend/utf8.js';
import { rotateKey } from '../../src/portable/rotate.js';
import { concat, rng } from '../helpers.js';

const wasm = wasmBackendForTests()!;

describe('backends', () => {
  it('WASM compiles here', () => {
    expect(initSync()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
  });

  it('masks identically to the RFC 6455 §5.3 definition for every length 0..300, key phase 0..3, offset 0..7', () => {
    const next = rng(5);
    for (let len = 0; len <= 300; len++) {
      for (let phase = 0; phase < 4; phase++) {
        const off = (len + phase) & 7;
        const key = (next() * 2 ** 32) | 0;
        // The key as it applies from byte `phase` of a payload on: what a segment of a frame is unmasked with.
        const rotated = rotateKey(key, phase);
        const data = Uint8Array.from({ length: len + 16 }, () => (next() * 256) | 0);
        const expected = data.slice();
        for (let i = 0; i < len; i++) expected[off + i] = data[off + i]! ^ ((key >>> (((i + phase) & 3) * 8)) & 0xff);
        // The TS fallback: the encoders' entry into arrays at every alignment and offset; the decoder's, in
        // place, into a window through word views, and from an array that is not 4-aligned.
        const into = new Uint8Array(data.length + 8);
        for (const shift of [0, 1, 2, 3]) {
          into.fill(0);
          maskInto(into.subarray(shift), off, data.subarray(off, off + len), rotated);
          expect(into.subarray(off + shift, off + shift + len)).toEqual(expected.subarray(off, off + len));
        }
        const words = (b: Uint8Array): Int32Array => new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
        const window = new Uint8Array(data.length);
        unmaskAt(data, words(data), window, words(window), off, len, rotated);
        expect(window.subarray(off, off + len)).toEqual(expected.subarray(off, off + len));
        const inPlace = data.slice();
        unmaskAt(inPlace, words(inPlace), inPlace, words(inPlace), off, len, rotated);
        expect(inPlace).toEqual(expected);
        const odd = new Uint8Array(data.length + 1).subarray(1);
        odd.set(data);
        window.fill(0);
        unmaskAt(odd, null, window, words(window), off, len, rotated);
        expect(window.subarray(off, off + len)).toEqual(expected.subarray(off, off + len));
        expect(odd).toEqual(data);
        // The WASM kernel, in place in its window.
        wasm.reserve(data.length).set(data);
        wasm.exports.maskInPlace(wasm.windowPtr + off, len, rotated);
        expect(wasm.window.slice(0, data.length)).toEqual(expected);
      }
    }
  });

  it('WASM SIMD validation equals the TS state machine on random mixed input, from every carry state', () => {
    const next = rng(11);
    const alphabet = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90, 0x8f, 0xc0];
    const states = [0, 0x00bf8001, 0x00bf8002, 0x009fa002, 0x008f8003, 0x00bf9003];
    for (let n = 0; n < 3000; n++) {
      const len = 1 + ((next() * 200) | 0);
      const bytes = Uint8Array.from({ length: len }, () =>
        next() < 0.7 ? 0x61 : alphabet[(next() * alphabet.length) | 0]!,
      );
      const state = states[n % states.length]!;
      const expected = validateUtf8(bytes, null, 0, len, state);
      const window = wasm.reserve(len);
      window.set(bytes);
      expect(wasm.exports.unmaskValidate(wasm.windowPtr, len, 0, state)).toBe(expected);
    }
  });
});

describe('frame records are a function of the decoder state and the chunk alone', () => {
  it('a frame read over two pushes keeps its own mask key while other decoders read frames in between', () => {
    const client = new FrameEncoder({ role: 'client', backend: 'js' });
    const first = concat(client.encode({ opcode: 2, payload: new Uint8Array(100).fill(7), maskKey: 0x11111111 }));
    const other = concat(client.encode({ opcode: 2, payload: new Uint8Array(10).fill(8), maskKey: 0x22222222 }));
    for (const backend of ['wasm', 'js', 'auto'] as const) {
      const a = new FrameDecoder({ role: 'server', backend });
      const b = new FrameDecoder({ role: 'server', backend });
      expect(a.push(first.subarray(0, 50))).toEqual([]);
      expect(b.push(other)[0]!.maskKey).toBe(0x22222222);
      const [frame] = a.push(first.subarray(50));
      expect(frame!.maskKey, backend).toBe(0x11111111);
      expect(frame!.payload).toEqual(new Uint8Array(100).fill(7));
    }
  });
});

describe('UTF-8 → UTF-16 transcoder (string building for non-ASCII text)', () => {
  it('matches TextDecoder on random valid text of every length 0..400, from inside and outside the window', () => {
    const next = rng(23);
    const pieces = ['a', 'bc', 'é', 'ß', 'κ', '€', '中', '\u{1F600}', '\u{10FFFF}', '\uFFFD', ' ', '0123456789'];
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let n = 0; n < 400; n++) {
      let s = '';
      while (new TextEncoder().encode(s).length < n) s += pieces[(next() * pieces.length) | 0];
      const bytes = new TextEncoder().encode(s);
      const expected = decoder.decode(bytes);
      expect(wasm.utf16String(bytes, 0, bytes.length, 0)).toBe(expected);
      // Already in the window (as after parsing a chunk), with `keep` protecting bytes before it.
      const window = wasm.reserve(bytes.length + 64);
      window.set(bytes, 0);
      expect(wasm.utf16String(window, 0, bytes.length, bytes.length)).toBe(expected);
    }
  });
});

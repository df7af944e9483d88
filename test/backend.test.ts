/** The two backends against each other and against plain reference code, kernel by kernel. */
import { describe, expect, it } from 'vitest';
import { activeBackend, initSync } from '../src/index.js';
import { wasmBackendForTests } from '../src/backend/index.js';
import { xorInPlace } from '../src/backend/js.js';
import { validateUtf8 } from '../src/backend/utf8.js';
import { LAYOUT_CHECKSUM } from '../src/layout.js';
import { rng } from './helpers.js';

const wasm = wasmBackendForTests()!;

describe('backends', () => {
  it('WASM compiles here and its layout matches src/layout.ts', () => {
    expect(initSync()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
    expect(wasm.exports.layoutChecksum()).toBe(LAYOUT_CHECKSUM);
  });

  it('masks identically to the RFC 6455 §5.3 definition for every length 0..300 and offset 0..7', () => {
    const next = rng(5);
    for (let len = 0; len <= 300; len++) {
      for (let off = 0; off < 8; off++) {
        const key = (next() * 2 ** 32) | 0;
        const data = Uint8Array.from({ length: len + off + 8 }, () => (next() * 256) | 0);
        const expected = data.slice();
        for (let i = 0; i < len; i++) expected[off + i] = data[off + i]! ^ ((key >>> ((i & 3) * 8)) & 0xff);
        const js = data.slice();
        xorInPlace(js, new Int32Array(js.buffer, 0, js.length >> 2), off, len, key);
        expect(js).toEqual(expected);
        const window = wasm.reserve(data.length);
        window.set(data);
        wasm.exports.maskInPlace(wasm.windowPtr + off, len, key);
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
      const bytes = Uint8Array.from({ length: len }, () => (next() < 0.7 ? 0x61 : alphabet[(next() * alphabet.length) | 0]!));
      const state = states[n % states.length]!;
      const expected = validateUtf8(bytes, null, 0, len, state);
      const window = wasm.reserve(len);
      window.set(bytes);
      expect(wasm.exports.unmaskValidate(wasm.windowPtr, len, 0, state)).toBe(expected);
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

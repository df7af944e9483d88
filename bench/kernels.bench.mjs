// Kernels alone: unmask and UTF-8 validation against bufferutil (native and its JS fallback), Node's isUtf8
// (simdutf) and TextDecoder({ fatal: true }); memcpy (Uint8Array#set) as the bandwidth reference; string
// creation from UTF-8; payload allocation.
//
//   node bench/kernels.bench.mjs [--quick]
import { isUtf8 } from 'node:buffer';
import { QUICK, emit, report, require, runCase } from './lib/harness.mjs';
import { internals } from './lib/internals.mjs';

const { wasmBackendForTests, validateUtf8, unmaskAt, decodeText } = internals;
const wasm = wasmBackendForTests();
const bufferutil = require('bufferutil');
const bufferutilJs = require('bufferutil/fallback.js');
const KiB = 1024;
const SIZES = QUICK ? [64 * KiB] : [1 * KiB, 64 * KiB, 1024 * KiB];
const KINDS = QUICK ? ['mixed'] : ['mixed', 'ascii'];
const label = (n) => (n >= KiB ? `${n / KiB} KiB` : `${n} B`);
const mixedUnit = 'Grüße, wsframe! κόσμε 0123456789 abcdefghijklmnopqrstuvwxyz ';

function text(kind, size) {
  const unit = kind === 'ascii' ? 'Hello, wsframe! plain 0123456789 abcdefghijklmnopqrstuvwxyz ' : mixedUnit;
  const b = Buffer.from(unit.repeat(Math.ceil(size / unit.length) + 1));
  let end = size;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--; // end on a code point boundary
  return Buffer.from(b.subarray(0, end));
}

function run(meta, impls) {
  const rows = runCase({ suite: 'kernels', ...meta }, impls);
  report(rows);
  emit(rows);
}

for (const size of SIZES) {
  // Unmask in place (4-byte key), what every server does to every client frame.
  const data = Buffer.alloc(size, 0x5a);
  const mask = Buffer.from([1, 2, 3, 4]);
  const words = new Int32Array(data.buffer, data.byteOffset, size >> 2);
  const win = wasm.reserve(size);
  win.set(data);
  const memcpyTarget = Buffer.allocUnsafe(size);
  run({ group: 'unmask', case: `unmask ${label(size)}`, size, bytes: size }, [
    { impl: 'wsframe wasm (SIMD)', fn: () => wasm.exports.maskInPlace(wasm.windowPtr, size, 0x04030201) },
    { impl: 'wsframe js', fn: () => unmaskAt(data, words, data, words, 0, size, 0x04030201) },
    { impl: 'bufferutil (native)', fn: () => bufferutil.unmask(data, mask) },
    { impl: 'bufferutil (js)', fn: () => bufferutilJs.unmask(data, mask) },
    { impl: 'memcpy (Uint8Array#set)', fn: () => memcpyTarget.set(data) },
    { impl: 'memcpy into a fresh buffer (slice)', fn: () => Uint8Array.prototype.slice.call(data) },
  ]);

  for (const kind of KINDS) {
    const t = text(kind, size);
    const n = t.length;
    const tWin = wasm.reserve(n);
    tWin.set(t);
    const tWords = (t.byteOffset & 3) === 0 ? new Int32Array(t.buffer, t.byteOffset, n >> 2) : null;
    const fatal = new TextDecoder('utf-8', { fatal: true });
    run({ group: 'utf8', case: `validate UTF-8 ${kind} ${label(size)}`, size, bytes: n }, [
      { impl: 'wsframe wasm (SIMD)', fn: () => wasm.exports.unmaskValidate(wasm.windowPtr, n, 0, 0) },
      { impl: 'wsframe js', fn: () => validateUtf8(t, tWords, 0, n, 0) },
      { impl: 'node isUtf8 (simdutf)', fn: () => isUtf8(t) },
      { impl: 'TextDecoder fatal', fn: () => fatal.decode(t) },
    ]);
    // The pass a server runs on masked text: unmask + validate (fused in one sweep for wsframe). Each op also
    // re-masks the bytes so the next op sees masked input again — the same extra pass for both rows.
    const masked = Buffer.from(t);
    bufferutil.mask(t, mask, masked, 0, n);
    const mWin = wasm.reserve(n);
    mWin.set(masked);
    run({ group: 'utf8', case: `unmask+validate ${kind} ${label(size)}`, size, bytes: n }, [
      {
        impl: 'wsframe wasm (fused)',
        fn: () => {
          if (wasm.exports.unmaskValidate(wasm.windowPtr, n, 0x04030201, 0) < 0) throw new Error('invalid');
          wasm.exports.maskInPlace(wasm.windowPtr, n, 0x04030201);
        },
      },
      {
        impl: 'bufferutil + isUtf8',
        fn: () => {
          bufferutil.unmask(masked, mask);
          if (!isUtf8(masked)) throw new Error('invalid');
          bufferutil.unmask(masked, mask);
        },
      },
    ]);
    // String creation from validated UTF-8 (the cost that dominates text messages).
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    const copy = new Uint8Array(t);
    run({ group: 'strings', case: `string from UTF-8 ${kind} ${label(size)}`, size, bytes: n }, [
      { impl: 'wsframe (auto)', fn: () => decodeText(copy, 0, n, kind === 'ascii', wasm, true, 0) },
      { impl: 'TextDecoder', fn: () => td.decode(copy) },
      { impl: 'Buffer#toString', fn: () => t.toString() },
    ]);
  }
}

// Copying a payload out of the decoder's window (src/alloc.ts thresholds ON_HEAP_MAX, SLICE_MIN, SLAB_MAX):
// a fresh on-heap array filled by a loop, `slice`, a slab view filled by `set`, a fresh buffer filled by `set`.
{
  const window = new Uint8Array(new WebAssembly.Memory({ initial: 2 }).buffer, 4096, 65536);
  for (let i = 0; i < window.length; i++) window[i] = i * 7;
  let slab = new ArrayBuffer(65536);
  let used = 0;
  let at = 0;
  const next = (n) => (at = (at + n + 13) & 0x7fff); // walk the window like consecutive frames do
  for (const size of QUICK ? [16, 64, 1024] : [8, 16, 32, 64, 125, 1024, 4096]) {
    run({ group: 'copy-out', case: `copy out ${label(size)}`, size, bytes: size }, [
      {
        impl: 'new array + loop',
        fn: () => {
          const o = new Uint8Array(size);
          const s = next(size);
          for (let i = 0; i < size; i++) o[i] = window[s + i];
          return o;
        },
      },
      { impl: 'slice', fn: () => window.slice(next(size), at + size) },
      {
        impl: 'slab view + set',
        fn: () => {
          if (used + size > 65536) {
            slab = new ArrayBuffer(65536);
            used = 0;
          }
          const o = new Uint8Array(slab, used, size);
          used = (used + size + 7) & ~7;
          const s = next(size);
          o.set(new Uint8Array(window.buffer, window.byteOffset + s, size));
          return o;
        },
      },
      {
        impl: 'new array + set',
        fn: () => {
          const o = new Uint8Array(size);
          const s = next(size);
          o.set(new Uint8Array(window.buffer, window.byteOffset + s, size));
          return o;
        },
      },
    ]);
  }
}

// Memory: bytes per idle decoder (10,000 of them, each having decoded one message) and peak memory while
// decoding one 16 MiB message delivered in 64 KiB chunks (ideally ~1x the message).
//
//   node --expose-gc bench/memory.bench.mjs [--quick]
import { MessageDecoder, MessageEncoder, initSync } from '../dist/index.js';
import { emit, require, wsFlavour } from './lib/harness.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
initSync();
const { Receiver } = require('ws');

function used() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
function sample() {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const small = Buffer.concat(new MessageEncoder({ role: 'client', backend: 'js' }).text('hello'));
const N = 10_000;
const rows = [];

const idle = {
  'wsframe auto': () => {
    const d = new MessageDecoder({ role: 'server' });
    d.push(small);
    return d;
  },
  'wsframe js': () => {
    const d = new MessageDecoder({ role: 'server', backend: 'js' });
    d.push(small);
    return d;
  },
  [wsFlavour()]: () => {
    const r = new Receiver({ isServer: true });
    r.on('message', () => {});
    r._write(Buffer.from(small), 'buffer', () => {});
    return r;
  },
};
for (const [impl, make] of Object.entries(idle)) {
  const keep = [];
  make(); // load and warm code paths first
  const before = used();
  for (let i = 0; i < N; i++) keep.push(make());
  const after = used();
  rows.push({
    suite: 'memory',
    group: 'idle',
    case: `${N} idle decoders`,
    impl,
    value: (after - before) / N,
    unit: 'bytes each',
  });
  keep.length = 0;
}

const SIZE = 16 * 1024 * 1024;
const payload = new Uint8Array(SIZE).fill(0x2a);
const frame = Buffer.concat(new MessageEncoder({ role: 'client', backend: 'js' }).binary(payload));
const chunks = [];
for (let i = 0; i < frame.length; i += 65536) chunks.push(frame.subarray(i, i + 65536));
const peak = {
  'wsframe auto': () => {
    const d = new MessageDecoder({ role: 'server' });
    return (c) => d.push(c);
  },
  'wsframe js': () => {
    const d = new MessageDecoder({ role: 'server', backend: 'js' });
    return (c) => d.push(c);
  },
  [wsFlavour()]: () => {
    const r = new Receiver({ isServer: true, maxPayload: 0 });
    r.on('message', () => {});
    return (c) => r._write(c, 'buffer', () => {});
  },
};
for (const [impl, make] of Object.entries(peak)) {
  const copies = chunks.map((c) => Buffer.from(c)); // ws unmasks in place: give every run fresh input
  const push = make();
  const before = used();
  let max = 0;
  for (const c of copies) {
    push(c);
    max = Math.max(max, sample() - before);
  }
  // The input chunks themselves are the caller's (allocated before `before`), so only decoder-held memory counts.
  rows.push({
    suite: 'memory',
    group: 'peak',
    case: 'peak while decoding 16 MiB in 64 KiB chunks',
    impl,
    value: max / SIZE,
    unit: 'x message size',
  });
}
for (const r of rows)
  process.stderr.write(`memory | ${r.case.padEnd(44)} | ${r.impl.padEnd(14)} | ${r.value.toFixed(2)} ${r.unit}\n`);
emit(rows);

// Decode throughput: wsframe (auto / wasm / js) vs ws's Receiver (with bufferutil, or without it when run
// with WS_NO_BUFFER_UTIL=1 — bench/run.mjs does both) vs websocket-driver, in one process.
//
//   node bench/decode.bench.mjs [--quick] [--only-ws]      (JSON rows on stdout, a table on stderr)
import { MessageEncoder } from '../dist/index.js';
import { QUICK, chunked, concat, emit, report, runCase } from './lib/harness.mjs';
import { websocketDriver, ws, wsLabel, wsframe } from './lib/impls.mjs';

const ONLY_WS = process.argv.includes('--only-ws');
const CHUNK = 65536; // what a Node socket typically delivers per 'data' event
const KiB = 1024;
const MiB = 1024 * 1024;

function payload(kind, size) {
  if (kind === 'text') {
    // Mostly ASCII with a few multi-byte characters per word-sized run, like real chat/JSON text.
    const unit = 'Grüße, wsframe! κόσμε 0123456789 abcdefghijklmnopqrstuvwxyz ';
    const bytes = Buffer.from(unit.repeat(Math.ceil(size / unit.length) + 1)).subarray(0, size);
    let end = size; // cut on a code point boundary
    while (end > 0 && (bytes[end - 1] & 0xc0) === 0x80) end--;
    if (end > 0 && bytes[end - 1] >= 0xc0) end--;
    return bytes.toString('utf8', 0, end).padEnd(end + (size - end), 'x');
  }
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** `count` messages of `size` bytes as the peer of `role` would send them (clients mask). */
function stream(role, kind, size, count) {
  const encoder = new MessageEncoder({ role: role === 'server' ? 'client' : 'server', backend: 'js' });
  const data = payload(kind, size);
  const parts = [];
  for (let i = 0; i < count; i++) {
    if (kind === 'ping') parts.push(...encoder.ping(data));
    else if (kind === 'text') parts.push(...encoder.text(data));
    else parts.push(...encoder.binary(data));
  }
  return concat(parts);
}

function impls(kind) {
  const list = [];
  if (!ONLY_WS) {
    if (kind === 'text') {
      list.push(['wsframe auto', wsframe('auto')], ['wsframe wasm', wsframe('wasm')], ['wsframe js', wsframe('js')]);
      list.push(['wsframe auto (bytes)', wsframe('auto', 'bytes')]);
    } else {
      list.push(['wsframe auto', wsframe('auto')], ['wsframe wasm', wsframe('wasm')], ['wsframe js', wsframe('js')]);
    }
  }
  if (kind === 'text') list.push([wsLabel(' +toString'), ws(true)], [wsLabel(), ws(false)]);
  else list.push([wsLabel(), ws(false)]);
  if (!ONLY_WS) list.push(['websocket-driver', websocketDriver()]);
  return list;
}

/**
 * One benchmark case: `bytes` (the stream) is split into `pieces`; each op copies every piece into its
 * scratch buffer (see lib/impls.mjs) and pushes it. Checks that each op delivers `count` messages.
 */
function decodeCase(meta, role, bytes, pieces, count, list = impls(meta.kind)) {
  const scratch = pieces.map((p) => Buffer.allocUnsafe(p.length));
  const rows = runCase(
    meta,
    list.map(([impl, make]) => {
      let d;
      return {
        impl,
        setup() {
          d = make(role);
          const before = d.count();
          for (let i = 0; i < pieces.length; i++) {
            scratch[i].set(pieces[i]);
            d.push(scratch[i]);
          }
          if (d.count() - before !== count) throw new Error(`${impl} ${meta.case}: ${d.count() - before} messages, expected ${count}`);
        },
        fn() {
          for (let i = 0; i < pieces.length; i++) {
            scratch[i].set(pieces[i]);
            d.push(scratch[i]);
          }
        },
      };
    }),
  );
  report(rows);
  emit(rows);
}

// 1. ws's own parser cases (bench/parser.benchmark.js in ws): one frame per push, server role (masked).
const WS_CASES = [
  ['ping 0 B', 'ping', 0],
  ['ping 5 B', 'ping', 5],
  ['text 20 B', 'text', 20],
  ['binary 125 B', 'binary', 125],
  ['binary 64 KiB - 1', 'binary', 65535],
  ['binary 200 KiB', 'binary', 200 * KiB],
  ['binary 1 MiB', 'binary', MiB],
];
for (const [name, kind, size] of QUICK ? WS_CASES.filter((c) => c[2] === 20 || c[2] === 125 || c[2] === MiB) : WS_CASES) {
  const bytes = stream('server', kind, size, 1);
  decodeCase({ suite: 'decode', group: 'ws-cases', case: name, role: 'server', kind, size, bytes: size, messages: 1 }, 'server', bytes, [bytes], 1);
}

// 2. Size sweep, 64 KiB chunks as a socket delivers them; small sizes as a stream of many frames.
const SIZES = QUICK ? [16, 1 * KiB, MiB] : [16, 125, 1 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB, 16 * MiB];
const ROLES = QUICK ? ['server'] : ['server', 'client'];
for (const role of ROLES) {
  for (const kind of ['binary', 'text']) {
    for (const size of role === 'client' && !QUICK ? [16, 1 * KiB, 64 * KiB, MiB, 16 * MiB] : SIZES) {
      const count = Math.max(1, Math.floor((256 * KiB) / Math.max(size, 64)));
      const bytes = stream(role, kind, size, count);
      const label = size >= MiB ? `${size / MiB} MiB` : size >= KiB ? `${size / KiB} KiB` : `${size} B`;
      decodeCase(
        { suite: 'decode', group: 'sweep', case: `${role} ${kind} ${label}`, role, kind, size, bytes: size * count, messages: count },
        role, bytes, chunked(bytes, CHUNK), count,
      );
    }
  }
}

// 3. Where 'auto' switches from the TS backend to WASM (src/backend/index.ts AUTO_WASM_MIN_CHUNK): one small
//    frame pushed 1 byte, 4 bytes or all of it at a time, wsframe backends only.
if (!ONLY_WS) {
  for (const size of QUICK ? [20] : [0, 8, 20, 125]) {
    const bytes = stream('server', 'binary', size, 1);
    for (const piece of [1, 4, bytes.length]) {
      decodeCase(
        { suite: 'decode', group: 'auto-threshold', case: `binary ${size} B in ${piece}-byte pushes`, role: 'server', kind: 'binary', size, bytes: size, messages: 1 },
        'server', bytes, chunked(bytes, piece), 1,
        ['auto', 'wasm', 'js'].map((backend) => [`wsframe ${backend}`, wsframe(backend)]),
      );
    }
  }
}

// 4. Worst case: a small frame fed one byte per push.
{
  const bytes = stream('server', 'binary', 20, 1);
  const pieces = chunked(bytes, 1);
  decodeCase({ suite: 'decode', group: 'bytewise', case: 'binary 20 B, 1 byte per push', role: 'server', kind: 'binary', size: 20, bytes: 20, messages: 1 }, 'server', bytes, pieces, 1);
}

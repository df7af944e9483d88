// Encode throughput: wsframe FrameEncoder/MessageEncoder (auto / wasm / js) vs ws's `Sender.frame` (with
// bufferutil, or its JS path under WS_NO_BUFFER_UTIL=1) vs websocket-driver's framer.
//
//   node bench/encode.bench.mjs [--quick] [--only-ws]
import { FrameEncoder, MessageEncoder, initSync } from '../dist/index.js';
import { QUICK, alternate, emit, report, require, runCase, wsFlavour } from './lib/harness.mjs';

initSync();
const ONLY_WS = process.argv.includes('--only-ws');
const { Sender } = require('ws');
const Hybi = require('websocket-driver/lib/websocket/driver/hybi');
const KiB = 1024;

function bytes(size) {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 13 + 5) & 0xff;
  return b;
}

function driver(role) {
  const d = new Hybi(null, 'ws://bench/', { masking: role === 'client' });
  d.readyState = 1;
  d._extensions.generateResponse('');
  let _written = 0;
  d._write = (chunk) => {
    _written += chunk.length;
  };
  return d;
}

// ws's sender cases (bench/sender.benchmark.js in ws): binary frames, masked (client) and unmasked (server).
const SIZES = QUICK ? [64, 64 * KiB] : [64, 16 * KiB, 64 * KiB, 200 * KiB, 1024 * KiB];
for (const role of ['client', 'server']) {
  for (const size of SIZES) {
    const payload = bytes(size);
    const label = size >= KiB ? `${size / KiB} KiB` : `${size} B`;
    const impls = [];
    if (!ONLY_WS) {
      for (const backend of ['auto', 'wasm', 'js']) {
        const enc = new FrameEncoder({ role, backend });
        impls.push({ impl: `wsframe ${backend}`, fn: () => enc.encode({ opcode: 2, payload }) });
      }
    }
    // readOnly: true — the caller keeps its buffer (what ws.send does with a user's Buffer), as wsframe.
    const options = { fin: true, rsv1: false, opcode: 2, mask: role === 'client', readOnly: true };
    impls.push({ impl: wsFlavour(), fn: () => Sender.frame(payload, options) });
    if (!ONLY_WS) {
      const d = driver(role);
      impls.push({ impl: 'websocket-driver', fn: () => d.binary(payload) });
    }
    const rows = runCase(
      {
        suite: 'encode',
        group: 'ws-cases',
        case: `${role} binary ${label}`,
        role,
        kind: 'binary',
        size,
        bytes: size,
        messages: 1,
      },
      impls,
    );
    report(rows);
    emit(rows);
  }

  // Small text: a string in, frame bytes out (string encoding included for everyone).
  const text = 'hello, wsframe! ✓';
  const impls = [];
  if (!ONLY_WS) {
    for (const backend of ['auto', 'wasm', 'js']) {
      const enc = new MessageEncoder({ role, backend });
      impls.push({ impl: `wsframe ${backend}`, fn: () => enc.text(text) });
    }
  }
  const options = { fin: true, rsv1: false, opcode: 1, mask: role === 'client', readOnly: false };
  impls.push({ impl: wsFlavour(), fn: () => Sender.frame(Buffer.from(text), options) });
  if (!ONLY_WS) {
    const d = driver(role);
    impls.push({ impl: 'websocket-driver', fn: () => d.text(text) });
  }
  const size = Buffer.byteLength(text);
  const rows = runCase(
    {
      suite: 'encode',
      group: 'small-text',
      case: `${role} text ${size} B`,
      role,
      kind: 'text',
      size,
      bytes: size,
      messages: 1,
    },
    impls,
  );
  report(rows);
  emit(rows);
}

// 'auto' against the better of 'wasm' and 'js' for client (masked) frames, in alternating ~5 ms rounds (a 10 %
// question; see alternate() in lib/harness.mjs). Where auto starts masking in WASM: src/backend/index.ts
// AUTO_WASM_MIN_MASK.
if (!ONLY_WS) {
  for (const size of QUICK ? [32, 64] : [8, 16, 32, 48, 64, 125, 1024, 64 * KiB]) {
    const payload = bytes(size);
    const names = ['auto', 'wasm', 'js'];
    const ops = names.map((backend) => {
      const enc = new FrameEncoder({ role: 'client', backend });
      return () => enc.encode({ opcode: 2, payload });
    });
    for (const op of ops) for (let i = 0; i < 2000; i++) op(); // warm-up (and JIT) outside the timed rounds
    const timed = alternate(ops);
    const label = size >= KiB ? `${size / KiB} KiB` : `${size} B`;
    const meta = {
      suite: 'encode',
      group: 'auto-check',
      case: `client binary ${label} (interleaved)`,
      role: 'client',
      kind: 'binary',
      size,
      bytes: size,
      messages: 1,
    };
    const rows = names.map((backend, i) => ({ ...meta, impl: `wsframe ${backend}`, ...timed[i], interleaved: true }));
    report(rows);
    emit(rows);
  }
}

// permessage-deflate engines, measured to pick one (RFC 7692 §7.2: raw DEFLATE, a sync flush per message, the
// 00 00 ff ff tail removed; context takeover kept or reset per message):
// - wsframe: src/deflate/engine.ts, synchronous: compression on wsframe's DEFLATE kernel (zlib's compressor as
//   pako 3 writes it, assembly/deflate.ts) in WASM — the default — and its TS translation (the fallback), and on
//   pako 3 (`backend: 'pako'`, the engine before the kernel); inflation on pako 3's zlib port (its ZStream API);
// - fflate 0.8: deflateSync/inflateSync per message (no takeover: its streaming Deflate.flush(true) writes
//   invalid DEFLATE after the second flush, checked below), and its streaming Inflate for takeover;
// - node:zlib public API: deflateRawSync/inflateRawSync with finishFlush Z_SYNC_FLUSH, one stream per message,
//   so no takeover (Node has no public synchronous streaming flush);
// - node:zlib internal handle (REFERENCE ONLY, not an option: `_handle.writeSync` is private API) — native
//   zlib with takeover, synchronous: what a native engine could do without ws's thread-pool round trip;
// - ws 8 PerMessageDeflate: native zlib on the thread pool, asynchronous; one message at a time, awaited, as one
//   connection sends a burst. The baseline.
// Data (bench/lib/deflate-data.mjs): trade-like JSON messages (~100 B, ~1 KiB, 16 KiB, 64 KiB) and the Autobahn
// corpora in 4 KiB slices, as Autobahn 12.x.5 sends them. Rows: msg/s (interleaved rounds, medians), compression
// ratio, bytes against ws's for the same messages (and how many are byte-identical), memory per deflater+inflater
// pair.
//
//   npm run build && node --expose-gc bench/deflate.bench.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { Deflate as FflateDeflate, Inflate as FflateInflate, deflateSync as fflateDeflate } from 'fflate';
import { MessageDeflater, MessageInflater } from '../dist/esm/deflate/engine.js';
import { deflateData } from './lib/deflate-data.mjs';
import { QUICK, alternateAsync as alternate, emit, require } from './lib/harness.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
// Not in ws's exports map: loaded by file path, next to its main module.
const PerMessageDeflate = require(require.resolve('ws').replace(/index\.js$/, 'lib/permessage-deflate.js'));
const { Z_SYNC_FLUSH } = zlib.constants;
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const KiB = 1024;
const rows = [];

// ---------------------------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------------------------

const DATA = deflateData({ quick: QUICK });

// ---------------------------------------------------------------------------------------------------------------
// Engines: each makes a compressor `(message) => bytes` (tail removed) and an inflater `(bytes) => message`,
// with a `reset()` called when the pool of messages wraps around (so every pass sends the same bytes).
// ---------------------------------------------------------------------------------------------------------------

/** Node's zlib through the stream's private handle, synchronously (the loop of node:zlib's processChunkSync). */
function nodeHandle(stream, input, flush) {
  const handle = stream._handle;
  const state = stream._writeState;
  const parts = [];
  let inOff = 0;
  let availIn = input.length;
  for (;;) {
    const out = Buffer.allocUnsafe(Math.max(64 * KiB, input.length + 64));
    handle.writeSync(flush, input, inOff, availIn, out, 0, out.length);
    const [availOut, availInAfter] = state;
    parts.push(out.subarray(0, out.length - availOut));
    inOff += availIn - availInAfter;
    availIn = availInAfter;
    if (availOut !== 0) break;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** A MessageDeflater on `backend`, as an engine's deflater. */
const wsframeDeflater = (backend) => (takeover) => {
  const d = new MessageDeflater({ noContextTakeover: !takeover, backend });
  return { run: (m) => d.deflate(m), reset: () => d.reset() };
};

const ENGINES = {
  wsframe: {
    label: 'wsframe (WASM kernel, sync)',
    inflateLabel: 'wsframe (pako 3, sync)',
    deflater: wsframeDeflater('wasm'),
    inflater: (takeover) => {
      const i = new MessageInflater({ noContextTakeover: !takeover });
      return { run: (c) => i.inflate(c, 64 << 20), reset: () => i.reset() };
    },
  },
  // The same inflater (pako) as the row above: deflate rows only.
  wsframeJs: { label: 'wsframe (TS kernel, sync)', deflater: wsframeDeflater('js'), inflater: () => null },
  wsframePako: { label: 'wsframe (pako 3, sync)', deflater: wsframeDeflater('pako'), inflater: () => null },
  fflate: {
    label: 'fflate 0.8 (sync)',
    // Level 6 as zlib's default. A whole DEFLATE stream per message (BFINAL set, RFC 7692 §7.2.3.4: valid).
    deflater: (takeover) => (takeover ? null : { run: (m) => fflateDeflate(m, { level: 6 }), reset() {} }),
    // Its streaming Inflate (inflateSync wants a final block, which a sync-flushed message lacks): one per
    // message without takeover, one for the whole pool with it.
    inflater: (takeover) => {
      let out;
      let inflate;
      const reset = () => {
        inflate = new FflateInflate((chunk) => out.push(chunk));
      };
      reset();
      return {
        run: (c) => {
          out = [];
          if (!takeover) reset();
          inflate.push(c);
          inflate.push(TAIL);
          return out.length === 1 ? out[0] : Buffer.concat(out);
        },
        reset,
      };
    },
  },
  nodePublic: {
    label: 'node:zlib *RawSync (sync)',
    deflater: (takeover) =>
      takeover
        ? null
        : {
            run: (m) => {
              const c = zlib.deflateRawSync(m, { finishFlush: Z_SYNC_FLUSH });
              return c.subarray(0, c.length - 4);
            },
            reset() {},
          },
    inflater: (takeover) =>
      takeover
        ? null
        : {
            run: (c) => zlib.inflateRawSync(Buffer.concat([c, TAIL]), { finishFlush: Z_SYNC_FLUSH }),
            reset() {},
          },
  },
  nodeHandle: {
    label: 'node:zlib handle (private, ref.)',
    deflater: (takeover) => {
      const s = zlib.createDeflateRaw();
      return {
        run: (m) => {
          const c = nodeHandle(s, m, Z_SYNC_FLUSH);
          if (!takeover) s._handle.reset();
          return c.subarray(0, c.length - 4);
        },
        reset: () => s._handle.reset(),
      };
    },
    inflater: (takeover) => {
      const s = zlib.createInflateRaw();
      return {
        run: (c) => {
          const m = nodeHandle(s, Buffer.concat([c, TAIL]), Z_SYNC_FLUSH);
          if (!takeover) s._handle.reset();
          return m;
        },
        reset: () => s._handle.reset(),
      };
    },
  },
};

/** ws's PerMessageDeflate as a server compressing and a client inflating its messages. */
function wsPair(takeover, bits = 15) {
  const params = {
    server_no_context_takeover: !takeover,
    client_no_context_takeover: !takeover,
    server_max_window_bits: bits,
    client_max_window_bits: bits,
  };
  const server = new PerMessageDeflate({ isServer: true });
  const client = new PerMessageDeflate({ isServer: false });
  server.params = { ...params };
  client.params = { ...params };
  const compress = (m) =>
    new Promise((resolve, reject) => server.compress(m, true, (e, r) => (e ? reject(e) : resolve(r))));
  const decompress = (c) =>
    new Promise((resolve, reject) => client.decompress(c, true, (e, r) => (e ? reject(e) : resolve(r))));
  return { server, client, compress, decompress };
}

// ---------------------------------------------------------------------------------------------------------------
// Timing (alternateAsync, bench/lib/harness.mjs): rounds of ~5 ms per engine, the order rotated every round (sync
// and async alike), median per engine.
// ---------------------------------------------------------------------------------------------------------------

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
};

/** An op that sends the pool's messages in order, resetting the engine when the pool wraps. */
function cycling(items, engine) {
  let i = 0;
  return () => {
    if (i === items.length) {
      i = 0;
      engine.reset();
    }
    return engine.run(items[i++]);
  };
}

function asyncCycling(items, run) {
  let i = 0;
  return () => run(items[i++ % items.length]);
}

const equal = (a, b) =>
  a.length === b.length &&
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

/**
 * `--ab`: the kernel against pako only, paired: each round times the WASM kernel, the TS kernel and pako on the
 * same messages one after another (order rotated), and the row is the median over rounds of each round's ratio
 * to pako — drift between rounds (other processes on a shared VM) cancels out within a round.
 */
async function kernelAB() {
  const rounds = QUICK ? 15 : 41;
  for (const data of DATA) {
    for (const takeover of [true, false]) {
      const ops = ['wasm', 'js', 'pako'].map((backend) => {
        const engine = wsframeDeflater(backend)(takeover);
        return { backend, fn: cycling(data.messages, engine) };
      });
      // Messages per round: ~4 ms of pako.
      let k = 1;
      for (;;) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < k; i++) ops[2].fn();
        if (Number(process.hrtime.bigint() - t0) > 4e6 || k >= 1 << 14) break;
        k *= 2;
      }
      const ratios = [[], []];
      const hz = [[], [], []];
      for (let r = 0; r < rounds; r++) {
        const t = [0, 0, 0];
        for (let j = 0; j < 3; j++) {
          const i = (j + r) % 3;
          const t0 = process.hrtime.bigint();
          for (let n = 0; n < k; n++) ops[i].fn();
          t[i] = Number(process.hrtime.bigint() - t0) / 1e9 / k;
          hz[i].push(1 / t[i]);
        }
        ratios[0].push(t[2] / t[0]);
        ratios[1].push(t[2] / t[1]);
      }
      const label = `${data.name}, ${takeover ? 'takeover' : 'no takeover'}`;
      const [wasm, js, pako] = hz.map(median);
      rows.push({
        suite: 'deflate',
        group: 'kernel-ab',
        case: label,
        wasm,
        js,
        pako,
        wasmVsPako: median(ratios[0]),
        jsVsPako: median(ratios[1]),
      });
      process.stderr.write(
        `kernel A/B | ${label.padEnd(40)} | WASM ${fmt(wasm)} msg/s, TS ${fmt(js)}, pako ${fmt(pako)} | ` +
          `WASM ${median(ratios[0]).toFixed(2)}× pako, TS ${median(ratios[1]).toFixed(2)}× ` +
          `(paired medians of ${rounds})\n`,
      );
    }
  }
}
if (process.argv.includes('--ab')) {
  await kernelAB();
  process.exit(0);
}

// A child process measuring one memory case (see the end of this file) does only that.
const memoryArg = process.argv.indexOf('--memory-case');
if (memoryArg !== -1) {
  const [impl, bits, takeover] = process.argv[memoryArg + 1].split(',');
  process.stdout.write(`${JSON.stringify(await memoryCase(impl, Number(bits), takeover === 'takeover'))}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks that decide what can be measured at all
// ---------------------------------------------------------------------------------------------------------------

{
  // fflate's streaming sync flush, with context kept: does node's zlib read the result?
  const out = [];
  const d = new FflateDeflate({ level: 6 }, (c) => out.push(c));
  const messages = DATA[1].messages.slice(0, 4);
  for (const m of messages) {
    d.push(m);
    d.flush(true);
  }
  let verdict;
  try {
    const back = zlib.inflateRawSync(Buffer.concat(out), { finishFlush: Z_SYNC_FLUSH });
    verdict = equal(back, Buffer.concat(messages)) ? 'ok' : 'wrong bytes';
  } catch (e) {
    verdict = `invalid DEFLATE (${e.message})`;
  }
  process.stderr.write(`fflate Deflate.flush(true) with context, 4 messages, read by node:zlib: ${verdict}\n`);
  rows.push({
    suite: 'deflate',
    group: 'check',
    case: 'fflate streaming flush with takeover',
    impl: 'fflate 0.8',
    value: verdict,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Throughput, ratio, bytes against ws
// ---------------------------------------------------------------------------------------------------------------

// --only=<substring>: only the data sets whose name contains it (a quick A/B); --no-memory skips the memory cases.
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
for (const data of DATA.filter((d) => ONLY === undefined || d.name.includes(ONLY))) {
  for (const takeover of [true, false]) {
    const label = `${data.name}, ${takeover ? 'takeover' : 'no takeover'}`;
    const { messages } = data;
    const original = messages.reduce((n, m) => n + m.length, 0);
    // ws's bytes for the pool, in order: the reference for size and identity.
    const ws = wsPair(takeover);
    const wsBytes = [];
    for (const m of messages) wsBytes.push(await ws.compress(m));
    const wsTotal = wsBytes.reduce((n, c) => n + c.length, 0);

    // Deflate: bytes first (one pass, fresh engine), then speed.
    const deflateOps = [];
    const compressed = new Map();
    for (const [key, engine] of Object.entries(ENGINES)) {
      const make = () => engine.deflater(takeover);
      const first = make();
      if (!first) continue;
      const out = messages.map((m) => first.run(m));
      // Every engine's output must inflate back through ws (native zlib) to the messages.
      const check = wsPair(takeover);
      for (let i = 0; i < out.length; i++) {
        const back = await check.decompress(Buffer.from(out[i]));
        if (!equal(back, messages[i])) throw new Error(`${engine.label}: message ${i} of ${label} does not round-trip`);
      }
      compressed.set(key, out);
      const total = out.reduce((n, c) => n + c.length, 0);
      const identical = out.filter((c, i) => equal(c, wsBytes[i])).length;
      deflateOps.push({ key, label: engine.label, fn: cycling(messages, make()), total, identical });
    }
    deflateOps.push({
      key: 'ws',
      label: 'ws 8 (zlib, async)',
      async: true,
      fn: asyncCycling(messages, ws.compress),
      total: wsTotal,
      identical: messages.length,
    });
    const speed = await alternate(deflateOps);
    deflateOps.forEach((op, i) => {
      const row = {
        suite: 'deflate',
        group: 'deflate',
        case: label,
        impl: op.label,
        hz: speed[i].hz,
        rme: speed[i].rme,
        messages: 1,
        bytes: data.avg,
        ratio: op.total / original,
        vsWs: op.total / wsTotal,
        identical: `${op.identical}/${messages.length}`,
      };
      rows.push(row);
      process.stderr.write(
        `deflate | ${label.padEnd(40)} | ${op.label.padEnd(32)} | ${fmt(row.hz)} msg/s ±${row.rme.toFixed(0)}% | ` +
          `ratio ${row.ratio.toFixed(3)} | ${(row.vsWs * 100).toFixed(1)}% of ws | identical ${row.identical}\n`,
      );
    });

    // Inflate: every engine reads ws's bytes (what a ws peer sends).
    const inflateOps = [];
    for (const engine of Object.values(ENGINES)) {
      const make = () => engine.inflater(takeover);
      const first = make();
      if (!first) continue;
      let ok = true;
      try {
        for (let i = 0; i < wsBytes.length; i++) if (!equal(first.run(wsBytes[i]), messages[i])) ok = false;
      } catch {
        ok = false;
      }
      if (!ok) {
        process.stderr.write(`inflate | ${label} | ${engine.label}: does not read ws's messages back — skipped\n`);
        continue;
      }
      inflateOps.push({ label: engine.inflateLabel ?? engine.label, fn: cycling(wsBytes, make()) });
    }
    const wsReader = wsPair(takeover);
    inflateOps.push({ label: 'ws 8 (zlib, async)', async: true, fn: asyncCycling(wsBytes, wsReader.decompress) });
    // ws keeps reading the same pool without a reset: with takeover its window must see them in order, once each.
    if (takeover) inflateOps.pop();
    const inflateSpeed = await alternate(inflateOps);
    inflateOps.forEach((op, i) => {
      const row = {
        suite: 'deflate',
        group: 'inflate',
        case: label,
        impl: op.label,
        hz: inflateSpeed[i].hz,
        rme: inflateSpeed[i].rme,
        messages: 1,
        bytes: data.avg,
      };
      rows.push(row);
      process.stderr.write(
        `inflate | ${label.padEnd(40)} | ${op.label.padEnd(32)} | ${fmt(row.hz)} msg/s ±${row.rme.toFixed(0)}%\n`,
      );
    });
    if (takeover) await wsTakeoverInflate(label, data, wsBytes);
  }
}

/** ws inflating with takeover: a fresh reader per pass over the pool (its window must follow the sender's). */
async function wsTakeoverInflate(label, data, wsBytes) {
  const passes = QUICK ? 3 : 7;
  const times = [];
  for (let p = 0; p < passes; p++) {
    const reader = wsPair(true);
    const t0 = process.hrtime.bigint();
    for (const c of wsBytes) await reader.decompress(c);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / wsBytes.length);
  }
  const row = {
    suite: 'deflate',
    group: 'inflate',
    case: label,
    impl: 'ws 8 (zlib, async)',
    hz: 1 / median(times),
    rme: 0,
    messages: 1,
    bytes: data.avg,
  };
  rows.push(row);
  process.stderr.write(
    `inflate | ${label.padEnd(40)} | ${row.impl.padEnd(32)} | ${fmt(row.hz)} msg/s (median of ${passes} passes)\n`,
  );
}

function fmt(hz) {
  return hz >= 1e6 ? `${(hz / 1e6).toFixed(2)}M` : hz >= 1e3 ? `${(hz / 1e3).toFixed(1)}k` : hz.toFixed(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Memory per connection: N deflater + inflater pairs, each having compressed and inflated 40 messages of ~1 KiB
// (40 KiB: every window is full, as on a connection that has been busy for a while). Resident memory (RSS):
// zlib's native allocations, which ws uses, appear nowhere else (not in `external`), and untouched pages of either
// engine are not resident. Each case runs in a child process of its own, so no case reuses another's freed pages.
// ---------------------------------------------------------------------------------------------------------------

function memory() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage();
}

const MEMORY = [
  ['wsframe', 15, true],
  ['wsframe', 9, true],
  ['wsframe', 15, false],
  ['wsframe', 9, false],
  ['ws', 15, true],
  ['ws', 9, true],
  ['ws', 15, false],
  ['ws', 9, false],
];

async function memoryCase(impl, bits, takeover) {
  const N = QUICK ? 100 : 400;
  const traffic = DATA[1].messages.slice(0, 40);
  const keep = [];
  const make = async () => {
    if (impl === 'wsframe') {
      const d = new MessageDeflater({ windowBits: bits, noContextTakeover: !takeover });
      const i = new MessageInflater({ windowBits: bits, noContextTakeover: !takeover });
      for (const m of traffic) i.inflate(d.deflate(m), 1 << 20);
      return [d, i];
    }
    const pair = wsPair(takeover, bits);
    for (const m of traffic) await pair.decompress(await pair.compress(m));
    return pair;
  };
  keep.push(await make()); // load the code, allocate what is shared
  const before = memory();
  for (let n = 0; n < N; n++) keep.push(await make());
  const after = memory();
  return {
    rss: (after.rss - before.rss) / N,
    heap: (after.heapUsed + after.external - before.heapUsed - before.external) / N,
    kept: keep.length,
  };
}

for (const [impl, bits, takeover] of process.argv.includes('--no-memory') ? [] : MEMORY) {
  const args = [
    '--expose-gc',
    fileURLToPath(import.meta.url),
    ...(QUICK ? ['--quick'] : []),
    '--memory-case',
    `${impl},${bits},${takeover ? 'takeover' : 'none'}`,
  ];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`memory case ${impl} ${bits} failed: ${child.stderr}`);
  const { rss, heap } = JSON.parse(child.stdout.trim().split('\n').pop());
  const label = `window ${bits}, ${takeover ? 'takeover' : 'no takeover'}`;
  const implLabel = impl === 'ws' ? 'ws 8 (zlib)' : 'wsframe (WASM kernel, pako inflate)';
  rows.push({
    suite: 'deflate',
    group: 'memory',
    case: label,
    impl: implLabel,
    value: rss,
    heap,
    unit: 'RSS bytes per pair',
  });
  process.stderr.write(
    `memory  | ${label.padEnd(40)} | ${implLabel.padEnd(32)} | ${(rss / KiB).toFixed(1)} KiB RSS per ` +
      `deflater+inflater pair (heap + external ${(heap / KiB).toFixed(1)} KiB)\n`,
  );
}

emit(rows);

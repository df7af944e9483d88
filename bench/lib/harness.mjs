// Shared bench harness: benchmark.js with medians, one JSON row per (case, implementation).
//
// Machines here are 2-core and noisy: every row reports the median of benchmark.js's samples (seconds per
// op), not the mean, and the relative margin of error alongside.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Benchmark = require('benchmark');

export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
/** Seconds benchmark.js spends per row: enough samples for a median on a noisy 2-core box. */
export const MAX_TIME = QUICK ? 0.1 : 0.3;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Run one case against several implementations, interleaved by benchmark.js's suite order.
 * `impls`: [{ impl, fn }]; `meta`: { suite, case, bytes (payload bytes per op), messages (per op), ... }.
 * Returns rows { ...meta, impl, hz, rme, samples }.
 */
export function runCase(meta, impls) {
  const rows = [];
  const suite = new Benchmark.Suite(meta.case);
  for (const { impl, fn, setup } of impls) {
    if (setup) setup();
    // Warm up outside the timer so the first-run JIT does not dominate short rows.
    for (let i = 0; i < 3; i++) fn();
    suite.add(impl, fn, { maxTime: MAX_TIME, minSamples: QUICK ? 5 : 8, initCount: 1 });
  }
  suite.on('cycle', (event) => {
    const b = event.target;
    if (b.error) throw b.error;
    const hz = 1 / median(b.stats.sample);
    rows.push({ ...meta, impl: b.name, hz, rme: b.stats.rme, samples: b.stats.sample.length });
  });
  suite.run({ async: false });
  return rows;
}

/** Print rows of one case to stderr as they finish (stdout carries JSON). */
export function report(rows) {
  for (const r of rows) {
    const gbps = r.bytes ? ((r.hz * r.bytes) / 1e9).toFixed(3) + ' GB/s' : '';
    const mps = r.messages ? ((r.hz * r.messages) / 1e6).toFixed(3) + ' M msg/s' : '';
    process.stderr.write(`${r.suite} | ${r.case.padEnd(34)} | ${r.impl.padEnd(22)} | ${gbps.padStart(12)} ${mps.padStart(14)} ±${r.rme.toFixed(1)}%\n`);
  }
}

/** Emit rows as one JSON line each on stdout, for bench/run.mjs. */
export function emit(rows) {
  for (const r of rows) process.stdout.write(JSON.stringify(r) + '\n');
}

export function concat(parts) {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** Split into `size`-byte chunks, as a socket delivers them. */
export function chunked(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Which ws build this process loaded: `bufferutil` native add-on, or its pure-JS path. */
export function wsFlavour() {
  return process.env.WS_NO_BUFFER_UTIL ? 'ws (js)' : 'ws (native)';
}

export { require };

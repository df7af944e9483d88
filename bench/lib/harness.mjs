// Shared bench harness: benchmark.js with medians, one JSON row per (case, implementation).
//
// Machines here are 2-core and noisy: every row reports the median of benchmark.js's samples (seconds per
// op), not the mean, from the fastest of PASSES passes, and the relative margin of error alongside.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Benchmark = require('benchmark');

export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
/**
 * Every case runs in PASSES passes over all its implementations (order reversed every other pass); each pass
 * gives a row the median of its benchmark.js samples, and the row keeps its fastest pass. Why: benchmark.js
 * runs the implementations of a case one after another, seconds apart, and this 2-core VM's speed drifts by
 * up to 2x over that time (the same code measured 0.7 and 1.9 GB/s in one run); contention only ever slows
 * a pass down, so the fastest pass is the least disturbed one, and each implementation gets a chance at it.
 */
export const PASSES = QUICK ? 2 : 3;
/** Seconds benchmark.js spends per row and pass, and per sample (its default minTime, 50 ms, made the full
 *  run take 12 minutes; process.hrtime resolves far below 25 ms). */
export const MAX_TIME = QUICK ? 0.05 : 0.08;
const MIN_TIME = QUICK ? 0.015 : 0.025;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Run one case against several implementations. `impls`: [{ impl, fn, setup? }]; `meta`: { suite, case,
 * bytes (payload bytes per op), messages (per op), ... }. Returns rows { ...meta, impl, hz, rme, samples,
 * passes } — hz from the fastest pass (1 / median sample), rme of that pass, passes = hz of every pass.
 */
export function runCase(meta, impls) {
  for (const { setup, fn } of impls) {
    if (setup) setup();
    // Warm up outside the timer so the first-run JIT does not dominate short rows.
    for (let i = 0; i < 3; i++) fn();
  }
  const results = new Map(impls.map(({ impl }) => [impl, []]));
  for (let pass = 0; pass < PASSES; pass++) {
    const suite = new Benchmark.Suite(meta.case);
    for (const { impl, fn } of pass % 2 ? [...impls].reverse() : impls) {
      suite.add(impl, fn, { maxTime: MAX_TIME, minTime: MIN_TIME, minSamples: 3, initCount: 1 });
    }
    suite.on('cycle', (event) => {
      const b = event.target;
      if (b.error) throw b.error;
      results.get(b.name).push({ hz: 1 / median(b.stats.sample), rme: b.stats.rme, samples: b.stats.sample.length });
    });
    suite.run({ async: false });
  }
  return impls.map(({ impl }) => {
    const passes = results.get(impl);
    const best = passes.reduce((a, b) => (b.hz > a.hz ? b : a));
    return {
      ...meta,
      impl,
      hz: best.hz,
      rme: best.rme,
      samples: passes.reduce((n, p) => n + p.samples, 0),
      passes: passes.map((p) => p.hz),
    };
  });
}

/**
 * Time `ops` (functions) against each other in alternating rounds of ~5 ms each (order rotated every round),
 * so this VM's drift hits all alike; returns, per op, { hz: 1 / median round time per call, rme: interquartile
 * range / median in % }. For 10 % questions (auto vs wasm vs js) where benchmark.js rows run seconds apart.
 */
export function alternate(ops, rounds = QUICK ? 11 : 31) {
  // Calls per round: enough for ~5 ms of the first op.
  let k = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < k; i++) ops[0]();
    if (Number(process.hrtime.bigint() - t0) > 5e6 || k >= 1 << 20) break;
    k *= 2;
  }
  const all = ops.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < ops.length; j++) {
      const i = (j + r) % ops.length;
      const op = ops[i];
      const t0 = process.hrtime.bigint();
      for (let n = 0; n < k; n++) op();
      all[i].push(Number(process.hrtime.bigint() - t0) / 1e9 / k);
    }
  }
  return all.map((times) => {
    const sorted = times.sort((a, b) => a - b);
    const med = sorted[sorted.length >> 1];
    const iqr = sorted[Math.floor(sorted.length * 0.75)] - sorted[Math.floor(sorted.length * 0.25)];
    return { hz: 1 / med, rme: (iqr / med) * 100, samples: rounds };
  });
}

/**
 * Like `alternate`, for ops of which some are asynchronous (`ws`'s zlib runs on the thread pool): `ops` are
 * { fn, async? }, an async op awaited call by call, as one connection waits for each message. Messages per
 * round are found per op (~5 ms of each); returns, per op, { hz, rme } as `alternate` does.
 */
export async function alternateAsync(ops, rounds = QUICK ? 9 : 25) {
  // Messages per round: enough for ~5 ms of each op, found per op (async ops are much slower per call).
  const counts = [];
  for (const op of ops) {
    let k = 1;
    for (;;) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < k; i++) op.async ? await op.fn() : op.fn();
      if (Number(process.hrtime.bigint() - t0) > 5e6 || k >= 1 << 16) break;
      k *= 2;
    }
    counts.push(k);
  }
  const times = ops.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < ops.length; j++) {
      const i = (j + r) % ops.length;
      const { fn, async } = ops[i];
      const k = counts[i];
      const t0 = process.hrtime.bigint();
      if (async) for (let n = 0; n < k; n++) await fn();
      else for (let n = 0; n < k; n++) fn();
      times[i].push(Number(process.hrtime.bigint() - t0) / 1e9 / k);
    }
  }
  return times.map((t) => {
    const s = [...t].sort((a, b) => a - b);
    const med = median(s);
    const iqr = s[Math.floor(s.length * 0.75)] - s[Math.floor(s.length * 0.25)];
    return { hz: 1 / med, rme: (iqr / med) * 100 };
  });
}

/** Print rows of one case to stderr as they finish (stdout carries JSON). */
export function report(rows) {
  for (const r of rows) {
    const gbps = r.bytes ? `${((r.hz * r.bytes) / 1e9).toFixed(3)} GB/s` : '';
    const mps = r.messages ? `${((r.hz * r.messages) / 1e6).toFixed(3)} M msg/s` : '';
    process.stderr.write(
      `${r.suite} | ${r.case.padEnd(34)} | ${r.impl.padEnd(22)} | ` +
        `${gbps.padStart(12)} ${mps.padStart(14)} ±${r.rme.toFixed(1)}%\n`,
    );
  }
}

/** Emit rows as one JSON line each on stdout, for bench/run.mjs. */
export function emit(rows) {
  for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
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

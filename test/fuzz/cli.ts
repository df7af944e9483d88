/**
 * `npm run fuzz [-- --seed N --count N --from N --jobs N --slow-ms N --hang-ms N --print]`: the fuzz targets on
 * src/ (bundled by esbuild into build/fuzz/cli.mjs), 10,000,000 inputs by default, seeded and reproducible.
 *
 * Inputs run in worker threads (`--jobs`, default 1), each on its own slice of the index range. The main thread
 * is a watchdog: a worker stuck on one input for `--hang-ms` (default 30 s) is stopped, the input reported as a
 * hang and the rest of its slice handed to a new worker; a worker that runs out of its heap (1 GiB) is reported
 * the same way. Each worker checks that its heap does not grow: after a warm-up it takes a baseline (after a full
 * GC, with --expose-gc), and growth beyond `--heap-mb` (default 64) by the end is a finding. Exit code 1 on any
 * finding. Replay one input: `npm run fuzz -- --seed S --from I --count 1 --print`. Ctrl-C (SIGINT) or SIGTERM
 * stops the workers after their current input and reports what ran.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { randomInt } from 'node:crypto';
import { fuzz, printCase, wasmMemoryBytes, type FoundRecord, type FuzzResult } from './engine.js';

interface Options {
  seed: number;
  from: number;
  count: number;
  jobs: number;
  slowMs: number;
  slowUsPerByte: number;
  hangMs: number;
  heapMb: number;
  print: boolean;
}

interface Slice {
  from: number;
  count: number;
}

type WorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'result'; result: Omit<FuzzResult, 'outcomes'> & { outcomes: [string, number][] }; heap: HeapReport };

interface HeapReport {
  baselineMiB: number;
  endMiB: number;
  peakMiB: number;
  wasmMiB: number;
}

const FLAGS: Record<string, keyof Options> = {
  '--seed': 'seed',
  '--from': 'from',
  '--count': 'count',
  '--jobs': 'jobs',
  '--slow-ms': 'slowMs',
  '--slow-us-per-byte': 'slowUsPerByte',
  '--hang-ms': 'hangMs',
  '--heap-mb': 'heapMb',
};
const MiB = 1024 * 1024;
const HEAP_LIMIT_MB = 1024;

function parseArgs(argv: string[]): Options {
  const options: Options = {
    seed: randomInt(2 ** 32),
    from: 0,
    count: 10_000_000,
    jobs: 1,
    slowMs: 100,
    slowUsPerByte: 20,
    hangMs: 30_000,
    heapMb: 64,
    print: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--print') {
      options.print = true;
      continue;
    }
    const [flag, inline] = arg.split('=', 2);
    const value = inline ?? argv[++i];
    const number = Number(value);
    if (value === undefined || !(number >= 0)) throw new Error(`fuzz: ${flag} needs a number ≥ 0`);
    const key = FLAGS[flag!];
    if (!key) throw new Error(`fuzz: unknown option ${flag} (see test/fuzz/cli.ts)`);
    (options as unknown as Record<string, number>)[key] = key === 'seed' ? number >>> 0 : Math.floor(number);
  }
  options.jobs = Math.max(1, options.jobs);
  return options;
}

const hex32 = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;
const n = (value: number): string => value.toLocaleString('en');
const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = (): number => {
  gc?.();
  return getHeapStatistics().used_heap_size / MiB;
};

/** A worker: fuzz its slice, report progress through shared memory (for the watchdog) and messages. */
function runWorker(): void {
  const { options, slice, progress } = workerData as { options: Options; slice: Slice; progress: SharedArrayBuffer };
  const current = new Int32Array(progress); // [index of the input being run, stop requested]
  const port = parentPort!;
  // Most inputs end in a WebSocketError or HandshakeError; capturing a full stack for each was 14 % of the time.
  Error.stackTraceLimit = 4;
  const warmUp = Math.min(50_000, Math.floor(slice.count / 10));
  let baseline = 0;
  let peak = 0;
  let done = 0;
  const run = (from: number, count: number): FuzzResult =>
    fuzz({
      seed: options.seed,
      from,
      count,
      slowMs: options.slowMs,
      slowUsPerByte: options.slowUsPerByte,
      onInput(index) {
        if (Atomics.load(current, 1) !== 0) return false;
        Atomics.store(current, 0, index);
        if (++done % 20_000 === 0) port.postMessage({ type: 'progress', done } satisfies WorkerMessage);
        if (done % 500_000 === 0) peak = Math.max(peak, heapMiB());
      },
      onCase: options.print ? (index, c) => console.log(`input ${index}: ${printCase(c)}`) : undefined,
    });
  const first = run(slice.from, warmUp);
  baseline = heapMiB();
  peak = baseline;
  const rest = run(slice.from + first.inputs, slice.count - first.inputs);
  const end = heapMiB();
  const result = merge([first, rest].map((r) => ({ ...r, outcomes: [...r.outcomes] })));
  const heap = { baselineMiB: baseline, endMiB: end, peakMiB: Math.max(peak, end), wasmMiB: wasmMemoryBytes() / MiB };
  port.postMessage({ type: 'result', result, heap } satisfies WorkerMessage);
}

type PlainResult = Omit<FuzzResult, 'outcomes'> & { outcomes: [string, number][] };

function merge(results: PlainResult[]): PlainResult {
  const outcomes = new Map<string, number>();
  const kinds: Record<string, number> = {};
  const findings = new Map<string, FoundRecord>();
  let inputs = 0;
  for (const r of results) {
    inputs += r.inputs;
    for (const [k, n] of r.outcomes) outcomes.set(k, (outcomes.get(k) ?? 0) + n);
    for (const [k, n] of Object.entries(r.kinds)) kinds[k] = (kinds[k] ?? 0) + n;
    for (const f of r.findings) {
      const key = `${f.kind} ${f.message.replace(/\d+/g, '#').slice(0, 160)}`;
      const had = findings.get(key);
      if (had) had.count += f.count;
      else findings.set(key, { ...f });
    }
  }
  const slowest = results
    .flatMap((r) => r.slowest)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return { inputs, kinds, outcomes: [...outcomes], findings: [...findings.values()], slowest };
}

/** Run one slice in a worker; resolves with its result, or with a hang/crash finding and the part left to do. */
function runSlice(
  options: Options,
  slice: Slice,
  onProgress: (delta: number) => void,
): Promise<{ result: PlainResult; heap?: HeapReport; rest?: Slice }> {
  const progress = new SharedArrayBuffer(8);
  const current = new Int32Array(progress);
  Atomics.store(current, 0, slice.from);
  stops.push(() => Atomics.store(current, 1, 1));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { options, slice, progress },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
  });
  let reported = 0;
  return new Promise((resolve) => {
    let last = -1;
    let since = Date.now();
    const stopWith = (kind: string, message: string): void => {
      settled = true;
      clearInterval(watchdog);
      const index = Atomics.load(current, 0);
      void worker.terminate();
      const finding = { kind, message, index, count: 1 };
      const inputs = index - slice.from;
      const result: PlainResult = { inputs, kinds: {}, outcomes: [], findings: [finding], slowest: [] };
      const left = slice.from + slice.count - (index + 1);
      onProgress(index + 1 - slice.from - reported);
      resolve({ result, rest: left > 0 ? { from: index + 1, count: left } : undefined });
    };
    const watchdog = setInterval(() => {
      const index = Atomics.load(current, 0);
      if (index !== last) {
        last = index;
        since = Date.now();
      } else if (Date.now() - since > options.hangMs) {
        stopWith('hang', `no progress for ${options.hangMs} ms on this input`);
      }
    }, 250);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        onProgress(m.done - reported);
        reported = m.done;
        return;
      }
      clearInterval(watchdog);
      settled = true;
      onProgress(m.result.inputs - reported);
      resolve({ result: m.result, heap: m.heap });
    });
    let settled = false;
    worker.on('error', (error) => {
      settled = true;
      stopWith('crash', `the worker died: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (!settled) stopWith('crash', `the worker exited (code ${code}) without a result`);
    });
  });
}

/** Ask every running worker to stop after its current input. */
const stops: (() => void)[] = [];
let stopping = false;

async function main(): Promise<void> {
  const stop = (): void => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('fuzz: stopping after the current inputs (again to quit at once)');
    for (const s of stops) s();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const options = parseArgs(process.argv.slice(2));
  const { seed, from, count, jobs } = options;
  console.log(
    `fuzz: seed ${hex32(seed)}, inputs ${from}…${from + count - 1}, ${jobs} worker(s), ` +
      `slow > ${options.slowMs} ms and ${options.slowUsPerByte} µs/byte, hang > ${options.hangMs} ms` +
      `${gc ? '' : ' (no --expose-gc: heap figures without a full GC)'}`,
  );
  const started = Date.now();
  let done = 0;
  let lastReport = started;
  const onProgress = (delta: number): void => {
    done += delta;
    if (Date.now() - lastReport >= 30_000) {
      lastReport = Date.now();
      const rate = done / ((lastReport - started) / 1000);
      const share = ((100 * done) / count).toFixed(1);
      console.log(`fuzz: ${n(done)} / ${n(count)} (${share} %), ${n(Math.round(rate))} inputs/s`);
    }
  };
  const per = Math.ceil(count / jobs);
  const slices: Slice[] = [];
  for (let f = from; f < from + count; f += per) slices.push({ from: f, count: Math.min(per, from + count - f) });
  const results: PlainResult[] = [];
  const heaps: HeapReport[] = [];
  /** Index ranges run, to resume a stopped run with --from/--count. */
  const ran: string[] = [];
  await Promise.all(
    slices.map(async (first) => {
      let slice: Slice | undefined = first;
      while (slice) {
        const { result, heap, rest } = await runSlice(options, slice, onProgress);
        results.push(result);
        if (result.inputs > 0) ran.push(`${slice.from}…${slice.from + result.inputs - 1}`);
        if (heap) heaps.push(heap);
        slice = stopping ? undefined : rest;
      }
    }),
  );
  const total = merge(results);
  const seconds = (Date.now() - started) / 1000;
  for (const heap of heaps) {
    const growth = heap.endMiB - heap.baselineMiB;
    if (growth > options.heapMb) {
      const message = `heap grew ${growth.toFixed(1)} MiB over the run (limit ${options.heapMb})`;
      total.findings.push({ kind: 'memory', message, index: -1, count: 1 });
    }
  }
  report(options, total, heaps, seconds);
  if (stopping) console.log(`fuzz: stopped early, ${n(total.inputs)} of ${n(count)} inputs ran: ${ran.join(', ')}`);
  process.exit(total.findings.length > 0 ? 1 : 0);
}

function report(options: Options, total: PlainResult, heaps: HeapReport[], seconds: number): void {
  const f1 = (n: number): string => n.toFixed(1);
  const rate = Math.round(total.inputs / seconds);
  console.log(`fuzz: ${n(total.inputs)} inputs in ${f1(seconds)} s (${n(rate)} inputs/s), seed ${hex32(options.seed)}`);
  console.log(
    `  by target: ${Object.entries(total.kinds)
      .map(([kind, count]) => `${kind} ${n(count)}`)
      .join(', ')}`,
  );
  const outcomes = [...total.outcomes].sort((a, b) => a[0].localeCompare(b[0]));
  console.log(`  outcomes (${outcomes.length}): ${outcomes.map(([k, n]) => `${k} ×${n}`).join('; ')}`);
  for (const h of heaps) {
    console.log(
      `  heap: ${f1(h.baselineMiB)} MiB after warm-up, ${f1(h.endMiB)} MiB at the end ` +
        `(peak ${f1(h.peakMiB)}); WASM memory ${f1(h.wasmMiB)} MiB`,
    );
  }
  console.log(`  slowest inputs: ${total.slowest.map((s) => `#${s.index} ${s.kind} ${f1(s.ms)} ms`).join(', ')}`);
  if (total.findings.length === 0) {
    console.log('fuzz: no findings');
    return;
  }
  console.log(`fuzz: ${total.findings.length} finding(s):`);
  for (const f of total.findings) {
    console.log(`  [${f.kind}] ×${f.count}, first at input ${f.index}: ${f.message}`);
    if (f.index < 0) continue;
    console.log(`    replay: npm run fuzz -- --seed ${hex32(options.seed)} --from ${f.index} --count 1 --print`);
  }
}

if (isMainThread) await main();
else runWorker();

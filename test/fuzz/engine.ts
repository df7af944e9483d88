/**
 * The fuzz loop, shared by `npm run fuzz` (test/fuzz/cli.ts, millions of inputs) and the short form in `npm test`
 * (test/fuzz/fuzz.test.ts). Input `index` of a run seeded `seed` is always the same case, whatever ran before it.
 */
import { resolveBackend } from '../../src/backend/index.js';
import { connectionCase, printConnectionCase, runConnectionCase, type ConnectionCase } from './connection.js';
import { corpus } from './corpus.js';
import { decoderCase, describeError, printDecoderCase, runDecoderCase, type DecoderCase } from './decoders.js';
import { Finding, Outcomes } from './finding.js';
import {
  headerValueCase,
  httpCase,
  printHttpCase,
  runHeaderValueCase,
  runHttpCase,
  type HeaderValueCase,
  type HttpCase,
} from './handshake.js';
import { Rand, inputSeed } from './mutate.js';

export type FuzzCase = DecoderCase | ConnectionCase | HttpCase | HeaderValueCase;
type Role = 'server' | 'client';

/** Corpus streams up to this size make up most picks; the big ones (64 KiB payloads, 1 000 frames) are slower. */
const SMALL_STREAM = 2048;
let streams: { small: Record<Role, Uint8Array[]>; large: Record<Role, Uint8Array[]> } | null = null;

function stream(role: Role, r: Rand): Uint8Array {
  if (!streams) {
    const { frames } = corpus();
    const by = (keep: (b: Uint8Array) => boolean): Record<Role, Uint8Array[]> => ({
      server: frames.server.filter(keep),
      client: frames.client.filter(keep),
    });
    streams = { small: by((b) => b.length <= SMALL_STREAM), large: by((b) => b.length > SMALL_STREAM) };
  }
  return r.pick(r.chance(0.03) ? streams.large[role] : streams.small[role]);
}

/** The case for input `index`: 60 % decoders, 15 % Connection, 13 % HTTP heads, 12 % header values. */
export function makeCase(seed: number, index: number): FuzzCase {
  const r = new Rand(inputSeed(seed, index));
  const roll = r.int(100);
  if (roll < 60) return decoderCase(r, stream);
  if (roll < 75) return connectionCase(r, corpus(), stream);
  if (roll < 88) return httpCase(r, corpus());
  return headerValueCase(r, corpus());
}

export function runCase(c: FuzzCase, outcomes: Outcomes): void {
  if (c.kind === 'decoders') runDecoderCase(c, outcomes);
  else if (c.kind === 'connection') runConnectionCase(c, outcomes);
  else if (c.kind === 'http') runHttpCase(c, outcomes);
  else runHeaderValueCase(c, outcomes);
}

export function printCase(c: FuzzCase): string {
  if (c.kind === 'decoders') return printDecoderCase(c);
  if (c.kind === 'connection') return printConnectionCase(c);
  if (c.kind === 'http') return printHttpCase(c);
  return `parseExtensions(${JSON.stringify(c.extensions)}), parseProtocols(${JSON.stringify(c.protocols)})`;
}

export interface FoundRecord {
  kind: string;
  message: string;
  /** The first input that showed it, and how many did. */
  index: number;
  count: number;
}

export interface FuzzResult {
  inputs: number;
  kinds: Record<string, number>;
  outcomes: Map<string, number>;
  findings: FoundRecord[];
  /** The slowest inputs (ms), slowest first. */
  slowest: { index: number; kind: string; ms: number }[];
}

export interface FuzzOptions {
  seed: number;
  from?: number;
  count: number;
  /**
   * An input slower than `slowMs` and than `slowUsPerByte` µs per byte of input, twice in a row (a GC pause or a
   * busy machine is not a finding), is a 'slow' finding: work that grows faster than the input. Default: never.
   */
  slowMs?: number;
  slowUsPerByte?: number;
  /** Called before each input (the CLI's watchdog reads it); returning false stops the run there. */
  onInput?(index: number): boolean | undefined;
  /** Called with each case before it runs (`--print`). */
  onCase?(index: number, c: FuzzCase): void;
}

/** Findings that differ only in numbers (push index, lengths) count as one. */
const signature = (f: Finding): string => `${f.kind} ${f.message.replace(/\d+/g, '#').slice(0, 160)}`;

/** Bytes (or characters) of the input, for the time guard. */
function sizeOf(c: FuzzCase): number {
  return c.kind === 'header-value' ? c.extensions.length + c.protocols.length : c.bytes.length;
}

export function fuzz(options: FuzzOptions): FuzzResult {
  const { seed, count, slowMs = Infinity, slowUsPerByte = 0 } = options;
  const from = options.from ?? 0;
  const outcomes = new Outcomes();
  const kinds: Record<string, number> = {};
  const found = new Map<string, FoundRecord>();
  const slowest: FuzzResult['slowest'] = [];
  const record = (index: number, finding: Finding): void => {
    const key = signature(finding);
    const had = found.get(key);
    if (had) had.count++;
    else found.set(key, { kind: finding.kind, message: finding.message, index, count: 1 });
  };
  const attempt = (c: FuzzCase): Finding | null => {
    try {
      runCase(c, outcomes);
      return null;
    } catch (error) {
      return error instanceof Finding ? error : new Finding('exception', `escaped the target: ${describeError(error)}`);
    }
  };
  let index = from;
  for (; index < from + count; index++) {
    if (options.onInput?.(index) === false) break;
    const started = performance.now();
    const c = makeCase(seed, index);
    options.onCase?.(index, c);
    kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    const finding = attempt(c);
    if (finding) record(index, finding);
    const ms = performance.now() - started;
    if (slowest.length < 5 || ms > slowest[slowest.length - 1]!.ms) {
      slowest.push({ index, kind: c.kind, ms });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, 5);
    }
    const budget = Math.max(slowMs, (slowUsPerByte * sizeOf(c)) / 1000);
    if (ms > budget) {
      const again = performance.now();
      attempt(makeCase(seed, index));
      const second = performance.now() - again;
      if (second > budget) {
        const took = `took ${Math.round(ms)} ms, then ${Math.round(second)} ms`;
        const message = `${c.kind} input of ${sizeOf(c)} bytes ${took} (budget ${Math.round(budget)} ms)`;
        record(index, new Finding('slow', message));
      }
    }
  }
  return { inputs: index - from, kinds, outcomes: outcomes.counts, findings: [...found.values()], slowest };
}

/** Bytes of WASM memory now (it grows to the largest chunk pushed and never shrinks). */
export function wasmMemoryBytes(): number {
  return resolveBackend('wasm').wasm?.exports.memory.buffer.byteLength ?? 0;
}

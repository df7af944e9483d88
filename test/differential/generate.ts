/**
 * The differential suites' machinery (fast-check, fixed seed): frame streams generated from plans (valid,
 * fragmented with interleaved control frames, invalid frames, mutated), split at random points, and run through
 * wsframe (FrameOutcome, with coverage counters) and through ws 8.23.0's Receiver (the de-facto reference).
 *
 * Set WSFRAME_FC_SEED to replay another seed, WSFRAME_FC_RUNS to scale the number of runs.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { MessageDecoder, WebSocketError, type Message, type Role } from '../../src/index.js';
import { AUTO_JS_VIEW_MIN } from '../../src/backend/index.js';
import { concat, frame, rng, type FrameSpec } from '../helpers.js';

const require = createRequire(import.meta.url);
// ws's Receiver is not exported by its ESM wrapper; its CommonJS entry has it. ws's "exports" map hides
// 'ws/lib/*', so lib/ files are loaded by absolute path (the same module instances ws itself uses).
const wsLib = join(dirname(require.resolve('ws')), 'lib');
export const Receiver = (require('ws') as { Receiver: unknown }).Receiver as new (options: object) => WsReceiver;
if (Receiver !== require(join(wsLib, 'receiver.js'))) throw new Error('unexpected ws layout');
// `kStatusCode` is a private `Symbol('status-code')` (not Symbol.for), so it must come from ws's constants.
export const { kStatusCode } = require(join(wsLib, 'constants.js')) as { kStatusCode: symbol };

export interface WsReceiver {
  on(event: string, listener: (...args: never[]) => void): this;
  write(chunk: Buffer): boolean;
  readonly errored: (Error & { code?: string; [key: symbol]: unknown }) | null;
}

export const SEED = Number(process.env.WSFRAME_FC_SEED ?? 0x6455);
export const SCALE = Number(process.env.WSFRAME_FC_RUNS ?? 1);
export const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/**
 * Same message-size limit on both sides (ws: maxPayload, sum of fragments, checked from each header). Small
 * enough that two 65,536-byte fragments exceed it.
 */
export const MAX_MESSAGE = 100_000;
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

// ---------------------------------------------------------------------------------------------------------
// Comparable outcomes

export const sha = (b: Uint8Array | string): string => createHash('sha1').update(b).digest('hex').slice(0, 16);
export function showBytes(d: Uint8Array): string {
  const b = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  return b.length <= 48 ? `<${b.toString('hex')}>` : `<${b.length}B ${sha(b)}>`;
}
export function showString(s: string): string {
  return s.length <= 48 ? JSON.stringify(s) : `"${s.length}ch ${sha(s)}"`;
}
export function showMessage(m: Message): string {
  if (m.type === 'close') return `close ${m.code ?? 1005} ${showString(m.reason)}`;
  return `${m.type} ${typeof m.data === 'string' ? showString(m.data) : showBytes(m.data)}`;
}

export interface Outcome {
  events: string[];
  /** `code closeCode`, or null. */
  error: string | null;
}

export interface FrameOutcome extends Outcome {
  /** The push that threw (-1: none). */
  at: number;
  /** What end() said after the last push (only when no push threw). */
  eof: string | null;
  closed: boolean;
}

export interface RunOptions {
  role: Role;
  backend: 'wasm' | 'js' | 'auto';
  textAs?: 'string' | 'bytes';
  inPlace?: boolean;
}

/** Payloads handed out as views of a pushed chunk by `inPlace` decoders (coverage check). */
export let inPlaceViews = 0;

/** Streams on which backend 'auto' parsed some chunks with WASM and others with TS (coverage check). */
export let autoSwitched = 0;
export const usedBackends = new Set<string>();
/** Chunks of >= AUTO_JS_VIEW_MIN bytes that 'auto' gave to TS (unmasked binary payload first; coverage check). */
export let autoViewChunks = 0;

export function runFrame(pieces: readonly Uint8Array[], opts: RunOptions, callEnd = true): FrameOutcome {
  const decoder = new MessageDecoder({ ...opts, maxMessageSize: MAX_MESSAGE, maxFrameSize: MAX_SAFE });
  const events: string[] = [];
  // Every message is shown when it is delivered and again after the last push: later pushes (and the slab
  // or the chunks behind inPlace views) must never change what was already handed out.
  const kept: Message[] = [];
  const check = (): void => expect(kept.map(showMessage), 'messages changed after delivery').toEqual(events);
  const deliver = (m: Message, chunk: Uint8Array): void => {
    events.push(showMessage(m));
    kept.push(m);
    if ('data' in m && m.data instanceof Uint8Array && m.data.buffer === chunk.buffer && m.data.length > 0)
      inPlaceViews++;
  };
  for (let i = 0; i < pieces.length; i++) {
    const chunk = pieces[i]!.slice();
    try {
      for (const m of decoder.push(chunk)) deliver(m, chunk);
    } catch (e) {
      if (!(e instanceof WebSocketError)) throw e;
      for (const m of e.messages as Message[]) deliver(m, chunk);
      check();
      // The decoder stays failed and rethrows the same error.
      let again: unknown = null;
      try {
        decoder.push(new Uint8Array([0x81, 0x00]));
      } catch (e2) {
        again = e2;
      }
      if (again !== e) throw new Error('decoder did not rethrow its failure');
      return { events, error: `${e.code} ${e.closeCode}`, at: i, eof: null, closed: decoder.closed };
    }
    if (decoder.lastBackend) usedBackends.add(decoder.lastBackend);
    if (opts.backend === 'auto' && decoder.lastBackend === 'js' && chunk.length >= AUTO_JS_VIEW_MIN) autoViewChunks++;
  }
  if (opts.backend === 'auto' && usedBackends.size === 2) autoSwitched++;
  usedBackends.clear();
  check();
  let eof: string | null = null;
  if (callEnd) {
    try {
      decoder.end();
    } catch (e) {
      if (!(e instanceof WebSocketError)) throw e;
      eof = `${e.code} ${e.closeCode}`;
    }
  }
  return { events, error: null, at: -1, eof, closed: decoder.closed };
}

/**
 * Feed `pieces` to a fresh ws Receiver (synchronous events: allowSynchronousEvents defaults to true).
 * Writing stops after 'conclude' (ws has ended itself) or once the stream has errored. `boundaries` reports
 * how many events had been emitted after each write.
 */
export function runWs(pieces: readonly Uint8Array[], role: Role): Outcome & { boundaries: number[] } {
  const receiver = new Receiver({
    isServer: role === 'server',
    binaryType: 'nodebuffer',
    maxPayload: MAX_MESSAGE,
    skipUTF8Validation: false,
  });
  const events: string[] = [];
  const boundaries: number[] = [];
  let concluded = false;
  const show = (b: Buffer): string => showBytes(new Uint8Array(b.buffer, b.byteOffset, b.length));
  receiver.on('message', (data: Buffer, isBinary: boolean) =>
    events.push(`${isBinary ? 'binary' : 'text'} ${show(data)}`),
  );
  receiver.on('ping', (data: Buffer) => events.push(`ping ${show(data)}`));
  receiver.on('pong', (data: Buffer) => events.push(`pong ${show(data)}`));
  receiver.on('conclude', (code: number, reason: Buffer) => {
    concluded = true;
    events.push(`close ${code} ${showString(new TextDecoder('utf-8', { ignoreBOM: true }).decode(reason))}`);
  });
  receiver.on('error', () => {}); // emitted on the next tick; read synchronously from `errored` below
  let error: string | null = null;
  for (const piece of pieces) {
    if (concluded) break;
    // A copy: ws unmasks in place and keeps views into the chunk.
    receiver.write(Buffer.from(piece));
    boundaries.push(events.length);
    const err = receiver.errored;
    if (err) {
      error = `${err.code} ${err[kStatusCode]}`;
      break;
    }
  }
  return { events, error, boundaries };
}

/** wsframe's text events in bytes form, to compare with ws's Buffers. */
export const frameBytes = (pieces: readonly Uint8Array[], role: Role): FrameOutcome =>
  runFrame(pieces, { role, backend: 'js', textAs: 'bytes' }, false);

// ---------------------------------------------------------------------------------------------------------
// Stream generation

export const VALID_CLOSE_CODES = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
];
export const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
export const BAD_UTF8 = ['ff', 'c0af', 'eda080', 'edbfbf', 'f4908080', 'e080af', '80', 'f8888080', 'c220', 'e282'].map(
  (h) => Uint8Array.from(Buffer.from(h, 'hex')),
);
/** Code point edges per UTF-8 length (U+D7FF/E000 around the surrogates, BOM, U+FFFF, U+10FFFF…). */
export const EDGES: Record<number, number[]> = {
  2: [0x80, 0x7ff, 0xe9, 0x3ba],
  3: [0x800, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x20ac],
  4: [0x10000, 0x10ffff, 0x1f600, 0x1d11e],
};

export function encodeCodePoint(cp: number, out: Uint8Array, i: number): number {
  if (cp < 0x80) {
    out[i] = cp;
    return 1;
  }
  if (cp < 0x800) {
    out[i] = 0xc0 | (cp >> 6);
    out[i + 1] = 0x80 | (cp & 0x3f);
    return 2;
  }
  if (cp < 0x10000) {
    out[i] = 0xe0 | (cp >> 12);
    out[i + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[i + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  out[i] = 0xf0 | (cp >> 18);
  out[i + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[i + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[i + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

/** Exactly `length` bytes of valid UTF-8: ASCII runs and 2/3/4-byte code points (edges included). */
export function validText(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  const asciiShare = next();
  let i = 0;
  while (i < length) {
    const room = length - i;
    if (room === 1 || next() < asciiShare) {
      out[i++] = (next() * 128) | 0;
      continue;
    }
    const size = 2 + ((next() * Math.min(3, room - 1)) | 0);
    let cp: number;
    if (next() < 0.3) {
      const edges = EDGES[size]!;
      cp = edges[(next() * edges.length) | 0]!;
    } else if (size === 2) cp = 0x80 + ((next() * 0x780) | 0);
    else if (size === 3) {
      cp = 0x800 + ((next() * 0xf800) | 0);
      if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800;
    } else cp = 0x10000 + ((next() * 0x100000) | 0);
    i += encodeCodePoint(cp, out, i);
  }
  return out;
}

export function randomBytes(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (next() * 256) | 0;
  return out;
}

export type TextKind = 'valid' | 'invalid' | 'cut';

/** Text payload: valid, with a bad sequence written somewhere, or valid but cut inside its last code point. */
export function textPayload(length: number, kind: TextKind, seed: number): Uint8Array {
  if (kind === 'cut') return validText(length + 3, seed).subarray(0, length);
  const out = validText(length, seed);
  if (kind === 'invalid' && length > 0) {
    const next = rng(seed ^ 0x5bd1e995);
    const bad = BAD_UTF8[(next() * BAD_UTF8.length) | 0]!;
    const at = (next() * length) | 0;
    out.set(bad.subarray(0, length - at), at);
  }
  return out;
}

export interface Ctl {
  opcode: 8 | 9 | 10;
  kind: number;
  len: number;
  seed: number;
}

export type Seg =
  | {
      t: 'msg';
      opcode: 1 | 2;
      len: number;
      text: TextKind;
      seed: number;
      cuts: number[];
      ctl: { after: number; c: Ctl }[];
      finish: boolean;
    }
  | { t: 'ctl'; c: Ctl }
  | { t: 'raw'; opcode: number; fin: boolean; rsv: number; len: number; seed: number }
  | { t: 'nonmin'; opcode: number; len: number; form: 16 | 64; seed: number }
  | { t: 'huge'; opcode: number; announce: bigint };

export type Tweak = { at: number; kind: 'rsv' | 'mask' | 'zerokey' | 'fin' | 'opcode'; value: number };

export interface Plan {
  role: Role;
  segs: Seg[];
  tweaks: Tweak[];
  keySeed: number;
}

export interface Mutation {
  flips: { at: number; xor: number }[];
  truncate: number | null;
}

export const arbLength = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 24 }) },
  { weight: 5, arbitrary: fc.constantFrom(124, 125, 126, 127, 128) },
  { weight: 2, arbitrary: fc.integer({ min: 129, max: 700 }) },
  { weight: 1, arbitrary: fc.constantFrom(65535, 65536) },
);

export const arbCtl: fc.Arbitrary<Ctl> = fc.record({
  opcode: fc.constantFrom(8 as const, 9 as const, 9 as const, 10 as const),
  kind: fc.integer({ min: 0, max: 99 }),
  len: fc.oneof(
    { weight: 16, arbitrary: fc.integer({ min: 0, max: 12 }) },
    { weight: 4, arbitrary: fc.constantFrom(123, 124, 125) },
    { weight: 1, arbitrary: fc.constant(126) },
  ),
  seed: fc.integer(),
});

export const arbSeg: fc.Arbitrary<Seg> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      t: fc.constant('msg' as const),
      opcode: fc.constantFrom(1 as const, 2 as const),
      len: arbLength,
      text: fc.constantFrom<TextKind>('valid', 'valid', 'valid', 'valid', 'invalid', 'cut'),
      seed: fc.integer(),
      cuts: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 5 }),
      ctl: fc.array(fc.record({ after: fc.nat(), c: arbCtl }), { maxLength: 3 }),
      finish: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('ctl' as const), c: arbCtl }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('raw' as const),
      opcode: fc.integer({ min: 0, max: 15 }),
      fin: fc.boolean(),
      rsv: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
      len: fc.oneof(fc.integer({ min: 0, max: 16 }), fc.constantFrom(125, 126, 127)),
      seed: fc.integer(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('nonmin' as const),
      opcode: fc.constantFrom(1, 2, 9),
      len: fc.oneof(fc.integer({ min: 0, max: 125 }), fc.integer({ min: 126, max: 300 })),
      form: fc.constantFrom(16 as const, 64 as const),
      seed: fc.integer(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('huge' as const),
      opcode: fc.constantFrom(0, 1, 2, 9),
      announce: fc.constantFrom(
        2n ** 63n, // MSB set: (b)
        2n ** 63n + 5n,
        2n ** 64n - 1n,
        2n ** 53n, // above 2^53 - 1: 1009 on both sides
        2n ** 63n - 1n,
        2n ** 53n - 1n, // representable but above MAX_MESSAGE: 1009 on both sides
        2n ** 32n,
        BigInt(MAX_MESSAGE + 1),
      ),
    }),
  },
);

export const arbTweak: fc.Arbitrary<Tweak> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom(
    'rsv' as const,
    'mask' as const,
    'zerokey' as const,
    'zerokey' as const,
    'fin' as const,
    'opcode' as const,
  ),
  value: fc.integer({ min: 1, max: 15 }),
});

export const arbRole = fc.constantFrom<Role>('server', 'client');

export const arbPlan: fc.Arbitrary<Plan> = fc.record({
  role: arbRole,
  segs: fc.array(arbSeg, { minLength: 1, maxLength: 6 }),
  tweaks: fc.oneof(
    { weight: 4, arbitrary: fc.constant<Tweak[]>([]) },
    { weight: 1, arbitrary: fc.array(arbTweak, { minLength: 1, maxLength: 2 }) },
  ),
  keySeed: fc.integer(),
});

/** Well-formed streams (messages, control frames, nothing deliberately broken) as the base for mutation. */
export const arbCleanPlan: fc.Arbitrary<Plan> = fc.record({
  role: arbRole,
  segs: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: arbSeg.filter((s) => s.t === 'msg') },
      { weight: 1, arbitrary: arbSeg.filter((s) => s.t === 'ctl') },
    ),
    { minLength: 1, maxLength: 5 },
  ),
  tweaks: fc.constant<Tweak[]>([]),
  keySeed: fc.integer(),
});

export const arbMutation: fc.Arbitrary<Mutation> = fc.record({
  flips: fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { maxLength: 3 }),
  truncate: fc.option(fc.nat(), { freq: 3 }),
});

/** Split points as fractions (per million) of the stream length. */
export const arbCuts = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 12 });

export function controlSpec(c: Ctl): FrameSpec {
  if (c.opcode !== 8) return { opcode: c.opcode, payload: randomBytes(c.len, c.seed) };
  const code = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
  const pick = <T>(list: readonly T[]): T => list[Math.abs(c.seed) % list.length]!;
  const reasonLength = Math.min(c.len, 123);
  if (c.kind < 20) return { opcode: 8 };
  if (c.kind < 70)
    return { opcode: 8, payload: concat([code(pick(VALID_CLOSE_CODES)), validText(reasonLength, c.seed)]) };
  if (c.kind < 80) return { opcode: 8, payload: code(pick(INVALID_CLOSE_CODES)) };
  if (c.kind < 90)
    return { opcode: 8, payload: concat([code(1000), textPayload(Math.max(1, reasonLength), 'invalid', c.seed)]) };
  if (c.kind < 95) return { opcode: 8, payload: Uint8Array.of(0x03) }; // 1 byte: invalid length
  return { opcode: 8, payload: concat([code(1000), new Uint8Array(124).fill(0x2a)]) }; // 126 bytes
}

export function segSpecs(seg: Seg): FrameSpec[] {
  switch (seg.t) {
    case 'ctl':
      return [controlSpec(seg.c)];
    case 'raw':
      return [{ opcode: seg.opcode, fin: seg.fin, rsv: seg.rsv, payload: randomBytes(seg.len, seg.seed) }];
    case 'nonmin': {
      const payload = validText(seg.len, seg.seed);
      const form = seg.len >= 126 ? 64 : seg.form;
      return [{ opcode: seg.opcode, payload, lengthForm: form }];
    }
    case 'huge':
      return [{ opcode: seg.opcode, announce: seg.announce }];
    case 'msg': {
      const payload = seg.opcode === 1 ? textPayload(seg.len, seg.text, seg.seed) : randomBytes(seg.len, seg.seed);
      const points = seg.cuts.map((c) => Math.floor((c / 1000) * payload.length)).sort((a, b) => a - b);
      const parts: Uint8Array[] = [];
      let prev = 0;
      for (const p of [...points, payload.length]) {
        parts.push(payload.subarray(prev, p));
        prev = p;
      }
      const specs: FrameSpec[][] = parts.map((part, i) => [
        { opcode: i === 0 ? seg.opcode : 0, fin: i === parts.length - 1 && seg.finish, payload: part },
      ]);
      for (const { after, c } of seg.ctl) specs[after % specs.length]!.push(controlSpec(c));
      return specs.flat();
    }
  }
}

export interface Built {
  bytes: Uint8Array;
  role: Role;
}

export function build(plan: Plan, mutation?: Mutation): Built {
  const specs = plan.segs.flatMap(segSpecs).map((s) => ({ ...s, flipMask: false, zeroKey: false }));
  for (const t of plan.tweaks) {
    const s = specs[t.at % specs.length]!;
    if (t.kind === 'rsv') s.rsv = t.value & 7;
    else if (t.kind === 'mask') s.flipMask = true;
    else if (t.kind === 'zerokey') s.zeroKey = true;
    else if (t.kind === 'fin') s.fin = !(s.fin ?? true);
    else s.opcode = t.value;
  }
  const next = rng(plan.keySeed);
  const frames = specs.map(({ flipMask, zeroKey, ...s }) => {
    const masked = (plan.role === 'server') !== flipMask;
    const key = Uint8Array.from({ length: 4 }, () => (zeroKey ? 0 : (next() * 256) | 0));
    return frame({ ...s, mask: masked ? key : null }, false);
  });
  let bytes = concat(frames);
  if (mutation && bytes.length > 0) {
    bytes = bytes.slice();
    for (const f of mutation.flips) bytes[f.at % bytes.length]! ^= f.xor;
    if (mutation.truncate !== null) bytes = bytes.subarray(0, mutation.truncate % (bytes.length + 1));
  }
  return { bytes, role: plan.role };
}

export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor((c / 1_000_000) * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    if (p > prev) out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

export function hexOf(bytes: Uint8Array): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return h.length <= 400 ? h : `${h.slice(0, 200)}…(${bytes.length} bytes)…${h.slice(-200)}`;
}

/** Run a fast-check property with the fixed seed; say how to replay it when it fails. */
export function assertProperty<Ts extends unknown[]>(name: string, property: fc.IProperty<Ts>, numRuns: number): void {
  try {
    fc.assert(property, { seed: SEED, numRuns });
  } catch (e) {
    // fast-check's message already carries seed/path and the shrunk counterexample.
    console.error(`[differential] ${name} failed with seed ${SEED} (replay: WSFRAME_FC_SEED=${SEED})`);
    throw e;
  }
}

/** Re-throw an assertion failure with the stream attached (hex), so the shrunk case is reproducible. */
export function withStream(built: Built, pieces: readonly Uint8Array[] | null, body: () => void): void {
  try {
    body();
  } catch (e) {
    const err = e as Error;
    const cuts = pieces ? ` split=${JSON.stringify(pieces.map((p) => p.length))}` : '';
    err.message = `${err.message}\n  role=${built.role}${cuts}\n  stream=${hexOf(built.bytes)}`;
    throw err;
  }
}

export const BACKEND_OPTIONS = ['wasm', 'js', 'auto'] as const;

/**
 * The conformance catalogue's harness: the vocabulary its cases are written in, the case model, and the machinery
 * that runs a case as a byte-vector test of MessageDecoder. Every case is data: the frames the fuzzer sends plus
 * the exact outcome a strict ("OK") peer shows at decoder level — the messages delivered (an Autobahn "echo" =
 * delivered with the same type and bytes; "pong" = the ping is delivered) and, for "fail" cases, the error
 * `code`/`closeCode`, thrown by the push that carries the offending bytes (fail fast), with nothing after it
 * delivered.
 *
 * Matrix (`catalogue`): backend (wasm, js) × role (server ← masked frames, client ← unmasked frames) × feed (whole,
 * bytewise, 997-byte chops, two random splits, one push per frame, and "as sent" for the cases whose Autobahn
 * timing matters), and the same cases with `inPlace: true`.
 */
import { describe, expect, it } from 'vitest';
import type { WebSocketError, Message, Role } from '../../src/index.js';
import {
  BACKENDS,
  FEEDS,
  chunks,
  concat,
  cutAt,
  decode,
  hex,
  summary,
  utf8,
  type BackendName,
  type FrameSpec,
} from '../helpers.js';
import { build, type Built } from '../runtimes/catalogue.mjs';

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

export const CONT = 0x0;
export const TEXT = 0x1;
export const BINARY = 0x2;
export const CLOSE = 0x8;
export const PING = 0x9;
export const PONG = 0xa;

export const bytesOf = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? utf8(d) : d);
export const text = (data: string): Message => ({ type: 'text', data });
export const binary = (data: Uint8Array): Message => ({ type: 'binary', data });
export const ping = (data: Uint8Array | string = new Uint8Array(0)): Message => ({ type: 'ping', data: bytesOf(data) });
export const pong = (data: Uint8Array | string = new Uint8Array(0)): Message => ({ type: 'pong', data: bytesOf(data) });
export const closed = (code?: number, reason = ''): Message =>
  code === undefined ? { type: 'close', reason } : { type: 'close', code, reason };

export const fill = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
export const star = (n: number): string => '*'.repeat(n);
/** Autobahn's `payload_len=N` with a short pattern: repeated and truncated to exactly N bytes (§1.2). */
export const repeatBytes = (pattern: Uint8Array, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  out.set(pattern.subarray(0, Math.min(pattern.length, n)));
  for (let have = pattern.length; have < n; have *= 2) out.copyWithin(have, 0, Math.min(have, n - have));
  return out;
};
export const repeatText = (pattern: string, n: number): string =>
  pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n);
export const TEXT_PATTERN = 'BAsd7&jh23';
export const BINARY_PATTERN = hex('00 fe 23 fa f0');

/** Close frame body: 2-byte big-endian code + reason bytes (RFC 6455 §5.5.1). */
export const closeBody = (code: number, reason: Uint8Array | string = ''): Uint8Array =>
  concat([new Uint8Array([code >> 8, code & 0xff]), bytesOf(reason)]);

/** Split a payload into a fragmented message of frames of `size` bytes (Autobahn `fragmentSize`, §1.2). */
export function fragments(opcode: number, payload: Uint8Array | string, size: number): FrameSpec[] {
  const bytes = bytesOf(payload);
  if (bytes.length <= size) return [{ opcode, payload: bytes }];
  const specs: FrameSpec[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    specs.push({
      opcode: i === 0 ? opcode : CONT,
      fin: i + size >= bytes.length,
      payload: bytes.subarray(i, i + size),
    });
  }
  return specs;
}

export const HELLO = 'Hello, world!';
export const NON_UTF8 = hex('00 ff fe fd fc fb 00 ff');
export const KOSME_BYTES = hex('ce ba e1 bd b9 cf 83 ce bc ce b5');
export const KOSME = '\u03ba\u1f79\u03c3\u03bc\u03b5';
export const UTF8_29 = hex('48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121');
export const UTF8_29_TEXT = 'Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!';
/** 6.3: kosme + U+D800 (lone surrogate, invalid at the a0, payload byte 12) + "edited". */
export const SURROGATE_20 = concat([KOSME_BYTES, hex('ed a0 80'), utf8('edited')]);
/** 6.4: PART1 kosme, PART2 f4 90 80 80 (U+110000, invalid at the 90, payload byte 12), PART3 "edited". */
export const PART1 = KOSME_BYTES;
export const PART2 = hex('f4 90 80 80');
export const PART3 = utf8('edited');
export const BEYOND_21 = concat([PART1, PART2, PART3]);

// ---------------------------------------------------------------------------------------------------------------
// Case model
// ---------------------------------------------------------------------------------------------------------------

/**
 * Where the error must be thrown, relative to frame `frame` of the case: `'header'` = while its header is being
 * read (before any payload byte is needed), a number = exactly at that payload byte (fail-fast UTF-8), `'end'` =
 * somewhere in its payload (close frames are checked once complete).
 */
export interface ExpectedError {
  code: string;
  closeCode: number;
  frame: number;
  at: 'header' | 'end' | number;
}

export interface Case {
  id: string;
  title: string;
  frames: FrameSpec[];
  /** Everything the decoder must deliver, in order (before the error, if any). */
  messages: Message[];
  error?: ExpectedError;
  /** Roles the case applies to (default both). */
  roles?: readonly Role[];
  /**
   * How Autobahn writes the case when timing matters (the "as sent" feed): groups of whole frames per write
   * (pauses between writes), or one frame's header followed by its payload in chops. `failPush`: index of the
   * push that must throw.
   */
  sent?: { frames: number[]; failPush?: number } | { payloadChops: number[]; failPush?: number };
  /** Feeds left out because another case already runs the very same bytes that way (runtime budget). */
  skip?: readonly FeedName[];
}

export const ERR = {
  rsv23: { code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002 },
  rsv1: { code: 'WS_ERR_UNEXPECTED_RSV_1', closeCode: 1002 },
  opcode: { code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002 },
  fin: { code: 'WS_ERR_EXPECTED_FIN', closeCode: 1002 },
  controlLength: { code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', closeCode: 1002 },
  unexpectedContinuation: { code: 'WS_ERR_UNEXPECTED_CONTINUATION', closeCode: 1002 },
  expectedContinuation: { code: 'WS_ERR_EXPECTED_CONTINUATION', closeCode: 1002 },
  utf8: { code: 'WS_ERR_INVALID_UTF8', closeCode: 1007 },
  closeCode: { code: 'WS_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
  nonMinimal: { code: 'WS_ERR_NON_MINIMAL_LENGTH', closeCode: 1002 },
  msb: { code: 'WS_ERR_INVALID_PAYLOAD_LENGTH', closeCode: 1002 },
  tooLong: { code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', closeCode: 1009 },
  expectedMask: { code: 'WS_ERR_EXPECTED_MASK', closeCode: 1002 },
  unexpectedMask: { code: 'WS_ERR_UNEXPECTED_MASK', closeCode: 1002 },
} as const;

export const fail = (kind: keyof typeof ERR, frame: number, at: ExpectedError['at'] = 'header'): ExpectedError => ({
  ...ERR[kind],
  frame,
  at,
});

export const F = (n: number): string => `fragment${n}`;
export const closeWith = (payload: Uint8Array): FrameSpec[] => [{ opcode: CLOSE, payload }];

// ---------------------------------------------------------------------------------------------------------------
// Machinery
// ---------------------------------------------------------------------------------------------------------------

export const ROLES: readonly Role[] = ['server', 'client'];
export const maskedFor = (role: Role): boolean => role === 'server';

export type FeedName =
  | 'whole'
  | 'bytewise'
  | 'chop997'
  | 'random (seed 1)'
  | 'random (seed 2)'
  | 'one push per frame'
  | 'as sent';
export const SEEDS = [1, 0xc0ffee] as const;
export const FEED_NAMES: FeedName[] = [
  ...FEEDS.flatMap((f): FeedName[] => (f === 'random' ? ['random (seed 1)', 'random (seed 2)'] : [f as FeedName])),
  'one push per frame',
  'as sent',
];

export function piecesFor(feed: FeedName, built: Built, c: Case): Uint8Array[] {
  const { bytes } = built;
  switch (feed) {
    case 'whole':
      return chunks(bytes, 'whole');
    case 'bytewise':
      return chunks(bytes, 'bytewise');
    case 'chop997':
      return chunks(bytes, 'chop997');
    case 'random (seed 1)':
      return chunks(bytes, 'random', SEEDS[0]);
    case 'random (seed 2)':
      return chunks(bytes, 'random', SEEDS[1]);
    case 'one push per frame':
      return cutAt(bytes, built.end.slice(0, -1));
    case 'as sent': {
      const sent = c.sent!;
      if ('frames' in sent) {
        const cuts: number[] = [];
        let f = 0;
        for (const n of sent.frames.slice(0, -1)) cuts.push(built.end[(f += n) - 1]!);
        return cutAt(bytes, cuts);
      }
      // One frame: its header, then the payload in the given chops.
      const cuts = [built.payloadStart[0]!];
      for (const n of sent.payloadChops.slice(0, -1)) cuts.push(cuts[cuts.length - 1]! + n);
      return cutAt(bytes, cuts);
    }
  }
}

/** Index of the piece holding stream offset `offset`. */
export function pieceAt(pieces: readonly Uint8Array[], offset: number): number {
  let o = 0;
  for (let i = 0; i < pieces.length; i++) {
    o += pieces[i]!.length;
    if (offset < o) return i;
  }
  return pieces.length - 1;
}

/** The stream offsets [lo, hi] one of which the failing push must carry. */
export function failRange(e: ExpectedError, built: Built): [number, number] {
  const start = built.start[e.frame]!;
  const payload = built.payloadStart[e.frame]!;
  const end = built.end[e.frame]!;
  if (e.at === 'header') return [start, payload - 1];
  if (e.at === 'end') return [payload, end - 1];
  return [payload + e.at, payload + e.at];
}

/**
 * Exact comparison: a readable summary first (small payloads), then the type, the data kind (string for text,
 * Uint8Array otherwise), the close code's presence, and every byte / code unit — in a plain loop, so that 1000
 * messages cost one assertion.
 */
export function expectMessages(got: readonly Message[], want: readonly Message[]): void {
  const shape = (ms: readonly Message[]): string[] =>
    ms.map((m) =>
      m.type === 'close' ? m.type : `${m.type} ${typeof m.data === 'string' ? 'string' : 'bytes'}(${m.data.length})`,
    );
  const size = want.reduce((n, m) => n + (m.type === 'close' ? 0 : m.data.length), 0);
  if (size <= 256 * 1024)
    expect(summary(got)).toEqual(summary(want)); // readable diff; hex of big payloads is costly
  else expect(shape(got)).toEqual(shape(want));
  expect(mismatch(got, want)).toBeNull();
}

export function mismatch(got: readonly Message[], want: readonly Message[]): string | null {
  if (got.length !== want.length) return `expected ${want.length} messages, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g.type !== w.type) return `message ${i}: expected ${w.type}, got ${g.type}`;
    if (w.type === 'close' || g.type === 'close') {
      const gc = g as Extract<Message, { type: 'close' }>;
      const wc = w as Extract<Message, { type: 'close' }>;
      if (
        'code' in gc !== 'code' in wc ||
        gc.code !== wc.code ||
        gc.reason !== wc.reason ||
        Object.keys(gc).length !== Object.keys(wc).length
      ) {
        return `message ${i}: expected ${JSON.stringify(wc)}, got ${JSON.stringify(gc)}`;
      }
      continue;
    }
    if (typeof w.data === 'string') {
      if (typeof g.data !== 'string') return `message ${i}: text data must be a string`;
      if (g.data.length !== w.data.length)
        return `message ${i}: expected ${w.data.length} characters, got ${g.data.length}`;
      if (g.data !== w.data) return `message ${i}: text content differs`;
    } else {
      if (!(g.data instanceof Uint8Array)) return `message ${i}: data must be a Uint8Array`;
      if (g.data.length !== w.data.length) return `message ${i}: expected ${w.data.length} bytes, got ${g.data.length}`;
      if (Buffer.compare(g.data, w.data) !== 0) return `message ${i}: bytes differ`;
    }
  }
  return null;
}

export function errorShape(e: WebSocketError | null): { code: string; closeCode: number } | null {
  return e && { code: e.code, closeCode: e.closeCode };
}

export function runCase(c: Case, backend: BackendName, role: Role, feed: FeedName, inPlace = false): void {
  const built = build(c.frames, maskedFor(role));
  const pieces = piecesFor(feed, built, c);
  expect(Buffer.compare(concat(pieces), built.bytes), 'the feed must cover the stream exactly').toBe(0);
  const outcome = decode(pieces, { role, backend, inPlace });
  expectMessages(outcome.messages, c.messages);
  if (!c.error) {
    expect(errorShape(outcome.error)).toBeNull();
    return;
  }
  expect(errorShape(outcome.error)).toEqual({ code: c.error.code, closeCode: c.error.closeCode });
  const [lo, hi] = failRange(c.error, built);
  const first = pieceAt(pieces, lo);
  const last = pieceAt(pieces, hi);
  if (first === last) expect(outcome.errorAtChunk, 'push that must throw').toBe(first);
  else {
    expect(outcome.errorAtChunk, 'thrown too early').toBeGreaterThanOrEqual(first);
    expect(outcome.errorAtChunk, 'thrown too late').toBeLessThanOrEqual(last);
  }
  if (feed === 'as sent' && c.sent?.failPush !== undefined) expect(outcome.errorAtChunk).toBe(c.sent.failPush);
}

export function applies(c: Case, role: Role, feed: FeedName): boolean {
  if (c.roles && !c.roles.includes(role)) return false;
  if (c.skip?.includes(feed)) return false;
  if (feed === 'as sent') return c.sent !== undefined;
  return true;
}

/**
 * Declares the catalogue's tests for `cases`: every backend × role × feed, then the same cases with `inPlace`.
 * Each conformance file passes its own group(s); the test names are the same whichever file a case is in.
 */
export function catalogue(cases: readonly Case[]): void {
  describe.each(BACKENDS)('Autobahn catalogue — %s backend', (backend) => {
    describe.each(ROLES)('%s role', (role) => {
      // A feed none of these cases applies to declares no suite (vitest fails a suite without tests).
      const feeds = FEED_NAMES.filter((feed) => cases.some((c) => applies(c, role, feed)));
      describe.each(feeds)('feed: %s', (feed) => {
        const rows = cases.filter((c) => applies(c, role, feed)).map((c) => [`${c.id} ${c.title}`, c] as const);
        it.each(rows)('%s', (_name, c) => runCase(c, backend, role, feed));
      });
    });
  });

  // The same catalogue with `inPlace: true` (payloads as views of the pushed chunks, unmasked in place): server
  // role (masked input, where the option acts), fed whole and one push per frame (payloads whole in a chunk).
  describe.each(BACKENDS)('Autobahn catalogue, inPlace — %s backend', (backend) => {
    describe.each(['whole', 'one push per frame'] as const)('feed: %s', (feed) => {
      const rows = cases.filter((c) => applies(c, 'server', feed)).map((c) => [`${c.id} ${c.title}`, c] as const);
      it.each(rows)('%s', (_name, c) => runCase(c, backend, 'server', feed, true));
    });
  });
}

/**
 * Test helpers: build frames byte by byte (like the Autobahn fuzzer, §1.2 of CONFORMANCE.md), feed streams
 * whole / 1 byte at a time / in 997-byte pieces / at random split points, and collect messages or the error.
 */
import { MessageDecoder, WebSocketError, type Message, type MessageDecoderOptions } from '../src/index.js';

export const BACKENDS = ['wasm', 'js'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so random splits are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FrameSpec {
  fin?: boolean;
  /** Autobahn's rsv number 0..7 (1 → RSV3 0x10, 2 → RSV2 0x20, 4 → RSV1 0x40). */
  rsv?: number;
  opcode: number;
  payload?: Uint8Array | string;
  /** Mask key bytes; null = unmasked. Default: masked with a deterministic key when `masked` is true. */
  mask?: Uint8Array | null;
  /** Force the length field form (for non-minimal-length tests): 7, 16 or 64. Default minimal. */
  lengthForm?: 7 | 16 | 64;
  /** Override the announced length (for limit tests: header only, no payload). */
  announce?: bigint;
}

let keyCounter = 0;
/** A deterministic but varying mask key (never all-zero unless asked). */
export function nextKey(): Uint8Array {
  keyCounter = (keyCounter + 1) >>> 0;
  const k = Math.imul(keyCounter, 0x9e3779b1) | 0x01010101;
  return new Uint8Array([k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, (k >>> 24) & 0xff]);
}

/** Serialise one frame exactly as on the wire. */
export function frame(spec: FrameSpec, masked: boolean): Uint8Array {
  const payload = typeof spec.payload === 'string' ? utf8(spec.payload) : (spec.payload ?? new Uint8Array(0));
  const fin = spec.fin ?? true;
  const rsv = spec.rsv ?? 0;
  const key = spec.mask === undefined ? (masked ? nextKey() : null) : spec.mask;
  const length = spec.announce ?? BigInt(payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 65536n ? 16 : 64);
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (spec.opcode & 0x0f)];
  const maskBit = key ? 0x80 : 0;
  if (form === 7) head.push(maskBit | Number(length));
  else if (form === 16) head.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    head.push(maskBit | 127);
    for (let i = 7; i >= 0; i--) head.push(Number((length >> BigInt(i * 8)) & 0xffn));
  }
  if (key) head.push(...key);
  const body = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ (key ? key[i & 3]! : 0);
  return concat([new Uint8Array(head), body]);
}

/** Several frames as one stream; `masked` applies to frames without an explicit mask. */
export function stream(specs: readonly FrameSpec[], masked: boolean): Uint8Array {
  return concat(specs.map((s) => frame(s, masked)));
}

export type Feed = 'whole' | 'bytewise' | 'chop997' | 'random';
export const FEEDS: readonly Feed[] = ['whole', 'bytewise', 'chop997', 'random'];

/** Split a stream into chunks according to a feeding strategy. */
export function chunks(bytes: Uint8Array, feed: Feed, seed = 1): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (feed === 'whole') return [bytes];
  if (feed === 'bytewise') {
    for (let i = 0; i < bytes.length; i++) out.push(bytes.subarray(i, i + 1));
    return out;
  }
  if (feed === 'chop997') {
    for (let i = 0; i < bytes.length; i += 997) out.push(bytes.subarray(i, i + 997));
    return out;
  }
  const next = rng(seed);
  let i = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(next() * Math.min(64, bytes.length - i + 1));
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

export interface Outcome {
  messages: Message[];
  error: WebSocketError | null;
  /** Index of the chunk whose push threw (to check fail-fast), -1 if none. */
  errorAtChunk: number;
}

/**
 * Feed `pieces` to a fresh MessageDecoder; collect messages (including `error.messages`) and the error.
 * Copies every chunk into a fresh buffer first, so views into reused memory would be caught.
 */
export function decode(pieces: readonly Uint8Array[], opts: MessageDecoderOptions): Outcome {
  const decoder = new MessageDecoder(opts);
  const messages: Message[] = [];
  for (let i = 0; i < pieces.length; i++) {
    try {
      messages.push(...decoder.push(pieces[i]!.slice()));
    } catch (e) {
      if (!(e instanceof WebSocketError)) throw e;
      messages.push(...(e.messages as Message[]));
      return { messages, error: e, errorAtChunk: i };
    }
  }
  return { messages, error: null, errorAtChunk: -1 };
}

/** A comparable, printable form of messages (bytes as hex, long payloads summarised). */
export function summary(messages: readonly Message[]): string[] {
  const show = (d: Uint8Array | string): string => {
    if (typeof d === 'string') return d.length > 64 ? `str(${d.length}):${d.slice(0, 16)}…${d.slice(-16)}` : JSON.stringify(d);
    const h = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
    return d.length > 32 ? `bytes(${d.length}):${h.slice(0, 32)}…${h.slice(-32)}` : `bytes:${h}`;
  };
  return messages.map((m) => (m.type === 'close' ? `close ${m.code ?? '-'} ${JSON.stringify(m.reason)}` : `${m.type} ${show(m.data)}`));
}

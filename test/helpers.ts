/**
 * Test helpers: build frames byte by byte (as the Autobahn fuzzer does), feed streams
 * whole / 1 byte at a time / in 997-byte pieces / at random split points, and collect messages or the error.
 */
import { MessageDecoder, WebSocketError, type Message, type MessageDecoderOptions } from '../src/index.js';
import * as wire from './runtimes/catalogue.mjs';
import type { WireFrameSpec } from './runtimes/catalogue.mjs';

export const BACKENDS = ['wasm', 'js'] as const;
export type BackendName = (typeof BACKENDS)[number];

export { hex, concat, rng, nextKey } from './runtimes/catalogue.mjs';

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** One frame as the tests describe it (the builder is shared with the runtime matrix: runtimes/catalogue.mjs). */
export type FrameSpec = WireFrameSpec;

/** Serialise one frame exactly as on the wire. */
export function frame(spec: FrameSpec, masked: boolean): Uint8Array {
  return wire.frame(spec, masked).bytes;
}

/** Several frames as one stream; `masked` applies to frames without an explicit mask. */
export function stream(specs: readonly FrameSpec[], masked: boolean): Uint8Array {
  return wire.concat(specs.map((s) => frame(s, masked)));
}

export type Feed = 'whole' | 'bytewise' | 'chop997' | 'random';
export const FEEDS: readonly Feed[] = ['whole', 'bytewise', 'chop997', 'random'];

/** Split a stream into chunks according to a feeding strategy. */
export function chunks(bytes: Uint8Array, feed: Feed, seed = 1): Uint8Array[] {
  if (feed === 'whole') return [bytes];
  if (feed === 'bytewise') return wire.chop(bytes, 1);
  if (feed === 'chop997') return wire.chop(bytes, 997);
  return wire.randomSplit(bytes, seed);
}

/** Cut `bytes` at the given ascending offsets: views, one per piece. */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((p, i) => bytes.subarray(points[i]!, p));
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
    if (typeof d === 'string')
      return d.length > 64 ? `str(${d.length}):${d.slice(0, 16)}…${d.slice(-16)}` : JSON.stringify(d);
    const h = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
    return d.length > 32 ? `bytes(${d.length}):${h.slice(0, 32)}…${h.slice(-32)}` : `bytes:${h}`;
  };
  return messages.map((m) =>
    m.type === 'close' ? `close ${m.code ?? '-'} ${JSON.stringify(m.reason)}` : `${m.type} ${show(m.data)}`,
  );
}

/** What the stream suites share: sources, readers, the messages every round trip carries, a re-splitter. */
import type { Message, OutgoingMessage } from '../../src/index.js';
import { rng, utf8 } from '../helpers.js';

/** A ReadableStream of the given chunks. */
export function readableOf<T>(items: readonly T[]): ReadableStream<T> {
  let i = 0;
  return new ReadableStream<T>({
    pull(controller) {
      if (i < items.length) controller.enqueue(items[i++]!);
      else controller.close();
    },
  });
}

export async function collect<T>(readable: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

/** Read everything, then the error (or null if the stream ended normally). */
export async function collectUntilError<T>(readable: ReadableStream<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { items, error: null };
      items.push(value);
    }
  } catch (error) {
    return { items, error };
  }
}

/** Let queued promise jobs and stream internals run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

export const OUTGOING: OutgoingMessage[] = [
  { type: 'text', data: 'hello' },
  { type: 'binary', data: new Uint8Array([0, 1, 2, 0xfe, 0xff]) },
  { type: 'ping', data: utf8('are you there?') },
  { type: 'pong', data: 'yes' },
  { type: 'ping' },
  { type: 'text', data: 'Grüße, κόσμε — 𝄞'.repeat(100) },
  { type: 'binary', data: new Uint8Array(70000).map((_, i) => i * 7) },
  { type: 'close', code: 1000, reason: 'done' },
];

export const EXPECTED: Message[] = [
  { type: 'text', data: 'hello' },
  { type: 'binary', data: new Uint8Array([0, 1, 2, 0xfe, 0xff]) },
  { type: 'ping', data: utf8('are you there?') },
  { type: 'pong', data: utf8('yes') },
  { type: 'ping', data: new Uint8Array(0) },
  { type: 'text', data: 'Grüße, κόσμε — 𝄞'.repeat(100) },
  { type: 'binary', data: new Uint8Array(70000).map((_, i) => i * 7) },
  { type: 'close', code: 1000, reason: 'done' },
];

/** Re-split a byte stream at random points (1–700 bytes), as a network would. */
export function resplit(seed: number): TransformStream<Uint8Array, Uint8Array> {
  const next = rng(seed);
  return new TransformStream({
    transform(chunk, controller) {
      for (let i = 0; i < chunk.length; ) {
        const n = 1 + Math.floor(next() * 700);
        controller.enqueue(chunk.slice(i, i + n));
        i += n;
      }
    },
  });
}

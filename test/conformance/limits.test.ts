/**
 * Autobahn group 9 (limits / performance: messages and frames up to 16 MiB, fragmented, chopped) as byte vectors
 * of MessageDecoder, with the conformance harness (harness.ts); the type, length and content of every echo.
 */
import { describe, expect, it } from 'vitest';
import type { Message, Role } from '../../src/index.js';
import { BACKENDS, chunks, decode, stream, utf8, type FrameSpec } from '../helpers.js';
import { chop } from '../runtimes/catalogue.mjs';
import {
  TEXT,
  BINARY,
  text,
  binary,
  fill,
  star,
  repeatBytes,
  repeatText,
  TEXT_PATTERN,
  BINARY_PATTERN,
  fragments,
  ROLES,
  maskedFor,
  SEEDS,
  expectMessages,
  errorShape,
} from './harness.js';

// ---------------------------------------------------------------------------------------------------------------
// Group 9 — limits / performance (type, length and content of every echo)
//
// Bytewise is too slow at these sizes. Feeds: whole, 997-byte chops, 64-byte chops (9.5/9.6: the case's own chop
// size; 9.3/9.4: only x.1, see bigFeeds), two random splits for messages ≤ 1 MiB (not 9.5/9.6, whose
// stream is 9.1.3's / 9.2.3's), bytewise for streams ≤ 16 KiB; 16 MiB: whole and 65536-byte chops only.
// ---------------------------------------------------------------------------------------------------------------

const KiB = 1024;
const MiB = 1024 * KiB;

interface BigCase {
  id: string;
  title: string;
  /** Message payload bytes (per message). */
  size: number;
  /** The case's own TCP chop size (9.5/9.6), else 64. */
  chop?: number;
  /** Run the small-chop feed (default true; see bigFeeds). */
  smallChops?: boolean;
  make(): { specs: FrameSpec[]; messages: Message[] };
}

const sizes = [64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB];
const sizeName = (n: number): string => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);
const fragSizes = [64, 256, 1024, 4096, 16384, 65536, 262144, MiB, 4 * MiB];
const chops = [64, 128, 256, 512, 1024, 2048];
const roundTrips = [0, 16, 64, 256, 1024, 4096];

const group9: BigCase[] = [
  ...sizes.map(
    (n, i): BigCase => ({
      id: `9.1.${i + 1}`,
      title: `echoes a ${sizeName(n)} text message in one frame`,
      size: n,
      make: () => {
        const s = repeatText(TEXT_PATTERN, n);
        return { specs: [{ opcode: TEXT, payload: utf8(s) }], messages: [text(s)] };
      },
    }),
  ),
  ...sizes.map(
    (n, i): BigCase => ({
      id: `9.2.${i + 1}`,
      title: `echoes a ${sizeName(n)} binary message in one frame`,
      size: n,
      make: () => {
        const b = repeatBytes(BINARY_PATTERN, n);
        return { specs: [{ opcode: BINARY, payload: b }], messages: [binary(b)] };
      },
    }),
  ),
  ...fragSizes.map(
    (f, i): BigCase => ({
      id: `9.3.${i + 1}`,
      title: `echoes a 4 MiB text message in ${(4 * MiB) / f} fragment(s) of ${f} bytes`,
      size: 4 * MiB,
      smallChops: i === 0,
      make: () => ({ specs: fragments(TEXT, fill(4 * MiB, 0x2a), f), messages: [text(star(4 * MiB))] }),
    }),
  ),
  ...fragSizes.map(
    (f, i): BigCase => ({
      id: `9.4.${i + 1}`,
      title: `echoes a 4 MiB binary message in ${(4 * MiB) / f} fragment(s) of ${f} bytes`,
      size: 4 * MiB,
      smallChops: i === 0,
      make: () => {
        const b = fill(4 * MiB, i === 0 ? 0xfe : 0x2a);
        return { specs: fragments(BINARY, b, f), messages: [binary(b)] };
      },
    }),
  ),
  ...chops.map(
    (k, i): BigCase => ({
      id: `9.5.${i + 1}`,
      title: `echoes a 1 MiB text message in one frame sent in ${k}-byte chops`,
      size: MiB,
      chop: k,
      make: () => {
        const s = repeatText(TEXT_PATTERN, MiB);
        return { specs: [{ opcode: TEXT, payload: utf8(s) }], messages: [text(s)] };
      },
    }),
  ),
  ...chops.map(
    (k, i): BigCase => ({
      id: `9.6.${i + 1}`,
      title: `echoes a 1 MiB binary message in one frame sent in ${k}-byte chops`,
      size: MiB,
      chop: k,
      make: () => {
        const b = repeatBytes(BINARY_PATTERN, MiB);
        return { specs: [{ opcode: BINARY, payload: b }], messages: [binary(b)] };
      },
    }),
  ),
  ...roundTrips.map(
    (n, i): BigCase => ({
      id: `9.7.${i + 1}`,
      title: `echoes 1000 sequential ${n}-byte text messages`,
      size: 1000 * n,
      make: () => ({
        specs: Array.from({ length: 1000 }, () => ({ opcode: TEXT, payload: star(n) })),
        messages: Array.from({ length: 1000 }, () => text(star(n))),
      }),
    }),
  ),
  ...roundTrips.map(
    (n, i): BigCase => ({
      id: `9.8.${i + 1}`,
      title: `echoes 1000 sequential ${n}-byte binary messages`,
      size: 1000 * n,
      make: () => ({
        specs: Array.from({ length: 1000 }, () => ({ opcode: BINARY, payload: fill(n, 0xfe) })),
        messages: Array.from({ length: 1000 }, () => binary(fill(n, 0xfe))),
      }),
    }),
  ),
];

interface BigFeed {
  name: string;
  pieces(bytes: Uint8Array): Uint8Array[];
}

function bigFeeds(c: BigCase): BigFeed[] {
  if (c.size >= 16 * MiB) {
    return [
      { name: 'whole', pieces: (b) => [b] },
      { name: '65536-byte chops', pieces: (b) => chop(b, 65536) },
    ];
  }
  const k = c.chop ?? 64;
  const feeds: BigFeed[] = [
    { name: 'whole', pieces: (b) => [b] },
    { name: 'chop997', pieces: (b) => chunks(b, 'chop997') },
  ];
  // 64-byte chops of 4 MiB cost ~65k pushes per run: for the fragmented 4 MiB messages (9.3/9.4) they run on x.1
  // only (65536 fragments of 64 B, a header split in every other chop); 9.3.2–9.3.9 / 9.4.2–9.4.9 keep whole +
  // 997-byte chops (one 4 MiB frame in 64-byte chops is 9.1.4 / 9.2.4).
  if (c.smallChops ?? true) feeds.push({ name: `${k}-byte chops`, pieces: (b) => chop(b, k) });
  // Random splits only up to 1 MiB. 9.5.x/9.6.x send the very stream of 9.1.3/9.2.3 (1 MiB, one frame), whose
  // random runs already cover it; what they add is their own chop size.
  if (c.size <= MiB && c.chop === undefined) {
    feeds.push(
      { name: 'random (seed 1)', pieces: (b) => chunks(b, 'random', SEEDS[0]) },
      { name: 'random (seed 2)', pieces: (b) => chunks(b, 'random', SEEDS[1]) },
    );
  }
  if (c.size <= 16 * KiB) feeds.push({ name: 'bytewise', pieces: (b) => chunks(b, 'bytewise') });
  return feeds;
}

/**
 * One case at a time (up to 16 MiB): its frames and expected messages are made on first use and reused for both
 * roles; the stream is built once per role and reused across backends and feeds.
 */
let made: { id: string; specs: FrameSpec[]; messages: Message[] } | null = null;
let built9: { key: string; bytes: Uint8Array } | null = null;
function bigStream(c: BigCase, role: Role): { bytes: Uint8Array; messages: Message[] } {
  if (made?.id !== c.id) {
    made = built9 = null; // release the previous case before making the next
    made = { id: c.id, ...c.make() };
  }
  const key = `${c.id}/${role}`;
  if (built9?.key !== key) {
    built9 = null;
    built9 = { key, bytes: stream(made.specs, maskedFor(role)) };
  }
  return { bytes: built9.bytes, messages: made.messages };
}

describe('Autobahn group 9 — limits / performance', () => {
  describe.each(group9.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_name, c) => {
    describe.each(ROLES)('%s role', (role) => {
      const matrix = BACKENDS.flatMap((backend) =>
        bigFeeds(c).map(
          (feed) => [`${c.id} ${c.title} — ${backend} backend, ${feed.name}`, backend, feed.pieces] as const,
        ),
      );
      it.each(matrix)('%s', (_name, backend, pieces) => {
        const { bytes, messages } = bigStream(c, role);
        const outcome = decode(pieces(bytes), { role, backend });
        expect(errorShape(outcome.error)).toBeNull();
        expectMessages(outcome.messages, messages);
      });
    });
  });
});

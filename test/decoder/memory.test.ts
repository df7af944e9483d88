/**
 * Decoder memory grows with the bytes received, never with the lengths headers announce: a peer that sends a
 * header announcing 64 MiB − 1 (within the default maxFrameSize / maxMessageSize) and then a few bytes costs a
 * few KiB, not 64 MiB per connection. And payloads collected across chunks or fragments still come out exact:
 * the right bytes, in a buffer of exactly their length.
 *
 * Memory is read as `process.memoryUsage().arrayBuffers` (every ArrayBuffer's backing store) around the pushes,
 * with the decoders kept alive, and as the capacity of the decoders' buffers; the code before this rule
 * allocated the announced length at the header.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  Connection,
  FrameDecoder,
  MessageDecoder,
  type DecoderOptions,
  type Frame,
  type Message,
  type MessageDecoderOptions,
} from '../../src/index.js';
import { GROW_AHEAD, GROW_START } from '../../src/decoder.js';
import { BACKENDS, concat, frame, rng } from '../helpers.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const ANNOUNCED = 64 * MiB - 1;
const ROLES = ['server', 'client'] as const;
type Role = (typeof ROLES)[number];
type Backend = (typeof BACKENDS)[number];
/** Clients mask (RFC 6455 §5.3): a server reads masked frames, a client unmasked ones. */
const maskedFor = (role: Role): boolean => role === 'server';

/** What a decoder that was fed a big header and a few bytes may hold: far below the announced length. */
const ONE_DECODER_MAX = 256 * KiB;
/** What 1,000 such decoders may hold together: GROW_START (4 KiB) each and their small state, a few MB. */
const THOUSAND_DECODERS_MAX = 8 * MiB;

/**
 * Bytes in ArrayBuffers once garbage is gone: garbage of earlier tests (such as a 64 MiB buffer the code before
 * this rule left behind) is collected and its backing stores freed (V8 frees them on a background thread, hence
 * the wait), so none is freed during a measurement and hides what the measured code allocates.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function arrayBuffersAfterGc(): Promise<number> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
  return process.memoryUsage().arrayBuffers;
}
const arrayBuffers = (): number => process.memoryUsage().arrayBuffers;

function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + seed * 17 + (i >>> 8)) & 0xff;
  return out;
}

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

/** The ways a stream is fed: whole, one byte at a time, random pieces of 1 B to 128 KiB, 64 KiB pieces. */
const FEEDS = ['whole', 'bytewise', 'random', '64 KiB'] as const;
type Feed = (typeof FEEDS)[number];

function split(bytes: Uint8Array, feed: Feed, seed = 7): Uint8Array[] {
  if (feed === 'whole') return [bytes];
  const next = rng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; ) {
    // Random: mostly small pieces, some up to 128 KiB (cubed uniform).
    const n = feed === 'bytewise' ? 1 : feed === '64 KiB' ? 64 * KiB : 1 + Math.floor(next() ** 3 * 128 * KiB);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/**
 * Something that takes bytes: a FrameDecoder, a MessageDecoder or a Connection (OPEN, no handshake), and the
 * capacity of the buffers its decoder holds for a payload in progress (read from the decoder's private fields:
 * a deterministic check next to the process-wide ArrayBuffer count).
 */
type Sink = { push(chunk: Uint8Array): unknown; held(): number };
type Internals = { payload?: Uint8Array; buffer?: Uint8Array; control?: Uint8Array };
const heldBy = (decoder: unknown): number => {
  const d = decoder as Internals;
  return (d.payload?.length ?? 0) + (d.buffer?.length ?? 0) + (d.control?.length ?? 0);
};
type SinkKind = 'FrameDecoder' | 'MessageDecoder' | 'Connection';
const SINKS: readonly SinkKind[] = ['FrameDecoder', 'MessageDecoder', 'Connection'];

function makeSink(kind: SinkKind, role: Role, backend: Backend): Sink {
  if (kind !== 'Connection') {
    const d = kind === 'FrameDecoder' ? new FrameDecoder({ role, backend }) : new MessageDecoder({ role, backend });
    return { push: (chunk) => d.push(chunk), held: () => heldBy(d) };
  }
  const c = new Connection({ role, backend });
  return { push: (chunk) => c.receive(chunk), held: () => heldBy((c as unknown as { decoder: unknown }).decoder) };
}

/**
 * Attacks: headers announcing a total of 64 MiB − 1 bytes followed by 6 payload bytes. `FrameDecoder` reads
 * every one as the frame it is (the second and third are complete small frames first).
 */
const ATTACKS: readonly { name: string; specs: (extra: Uint8Array) => Parameters<typeof frame>[0][] }[] = [
  { name: 'a single frame', specs: (extra) => [{ opcode: 2, announce: BigInt(ANNOUNCED), payload: extra }] },
  {
    name: 'a first fragment',
    specs: (extra) => [{ opcode: 2, fin: false, announce: BigInt(ANNOUNCED), payload: extra }],
  },
  {
    name: 'a final continuation frame after a small fragment',
    specs: (extra) => [
      { opcode: 2, fin: false, payload: pattern(100) },
      { opcode: 0, announce: BigInt(ANNOUNCED - 100), payload: extra },
    ],
  },
  {
    name: 'a further fragment after a small fragment',
    specs: (extra) => [
      { opcode: 2, fin: false, payload: 'abc' },
      { opcode: 0, fin: false, announce: BigInt(ANNOUNCED - 3), payload: extra },
    ],
  },
];

function attackBytes(specs: Parameters<typeof frame>[0][], role: Role): Uint8Array {
  return concat(specs.map((s) => frame(s, maskedFor(role))));
}

/** Bring the backends' windows, WASM memory and the payload slab to their working size before measuring. */
function warmUp(kind: SinkKind, role: Role, backend: Backend): void {
  const bytes = frame({ opcode: 2, payload: pattern(3 * GROW_START) }, maskedFor(role));
  const sink = makeSink(kind, role, backend);
  for (const piece of split(bytes, 'random')) sink.push(piece.slice());
}

describe.each(BACKENDS)('decoder memory on the %s backend', (backend) => {
  describe.each(ROLES)('%s role', (role) => {
    for (const kind of SINKS) {
      for (const attack of ATTACKS) {
        if (kind === 'FrameDecoder' && attack.name.startsWith('a further')) continue; // same frames as above
        it(`${kind}: ${attack.name} announcing 64 MiB - 1 then 6 bytes holds < 256 KiB, not 64 MiB`, async () => {
          const bytes = attackBytes(attack.specs(pattern(6)), role);
          warmUp(kind, role, backend);
          const before = await arrayBuffersAfterGc();
          const sink = makeSink(kind, role, backend);
          sink.push(bytes);
          expect(arrayBuffers() - before).toBeLessThan(ONE_DECODER_MAX);
          // The small fragment before the big frame, if any, is part of what was received.
          const received = bytes.length;
          expect(sink.held()).toBeLessThanOrEqual(Math.max(GROW_START, GROW_AHEAD * received));
          // More bytes arrive: the buffer follows them (at most GROW_AHEAD× them), still far below the announced length.
          sink.push(pattern(100 * KiB));
          expect(sink.held()).toBeLessThanOrEqual(GROW_AHEAD * (received + 100 * KiB));
          expect(arrayBuffers() - before).toBeLessThan(ONE_DECODER_MAX + GROW_AHEAD * 100 * KiB);
        });
      }

      it(`${kind}: 1,000 connections, each sent such a header and 6 bytes, hold a few MB in total`, async () => {
        const bytes = attackBytes(ATTACKS[0]!.specs(pattern(6)), role);
        warmUp(kind, role, backend);
        const sinks: Sink[] = [];
        const before = await arrayBuffersAfterGc();
        for (let i = 0; i < 1000; i++) {
          const sink = makeSink(kind, role, backend);
          sink.push(bytes.slice());
          expect(sink.held()).toBeLessThanOrEqual(GROW_START);
          sinks.push(sink);
          // Fail at the first decoder that allocates the announced length (64 GB would not end well).
          if (arrayBuffers() - before > THOUSAND_DECODERS_MAX) break;
        }
        const held = arrayBuffers() - before;
        expect(sinks.length).toBe(1000);
        expect(held).toBeLessThan(THOUSAND_DECODERS_MAX);
      });
    }

    // ---- payloads come out exact, whatever the split ----------------------------------------------------------

    const SIZES = [0, 1, 125, 126, 65535, 65536, MiB + 3];
    const options: DecoderOptions & MessageDecoderOptions = { role, backend };

    /**
     * A payload collected from several chunks is a buffer of exactly its length: no slack past its end pinned
     * by the caller's message. (Only above 4 KiB: smaller ones are views of the shared slab, src/alloc.ts.)
     */
    const expectExact = (data: Uint8Array, size: number): void => {
      if (size <= 4096) return;
      expect([data.byteOffset, data.buffer.byteLength]).toEqual([0, size]);
    };

    for (const size of SIZES) {
      for (const feed of FEEDS) {
        if (feed === 'bytewise' && size > 65536) continue; // a million pushes: covered by 'random' pieces
        for (const inPlace of [false, true]) {
          it(`FrameDecoder and MessageDecoder deliver ${size} B fed ${feed}${inPlace ? ' (inPlace)' : ''}`, () => {
            const payload = pattern(size, size);
            const bytes = frame({ opcode: 2, payload }, maskedFor(role));
            const pieces = split(bytes, feed);
            const frames = new FrameDecoder({ ...options, inPlace });
            const messages = new MessageDecoder({ ...options, inPlace });
            const gotFrames: Frame[] = [];
            const gotMessages: Message[] = [];
            for (const piece of pieces) {
              const copy = piece.slice(); // its own buffer: inPlace may write into it
              gotFrames.push(...frames.push(copy));
              gotMessages.push(...messages.push(piece.slice()));
            }
            expect(gotFrames.length).toBe(1);
            expect(gotMessages.length).toBe(1);
            const f = gotFrames[0]!;
            const m = gotMessages[0]!;
            expect([f.opcode, f.fin, m.type]).toEqual([2, true, 'binary']);
            expect(same(f.payload, payload)).toBe(true);
            expect(m.type === 'binary' && same(m.data, payload)).toBe(true);
            if (pieces.length > 1) {
              expectExact(f.payload, size);
              if (m.type === 'binary') expectExact(m.data, size);
            }
          });
        }
      }
    }

    /** Fragment sizes of one message (RFC 6455 §5.4), some chosen so doubling overshoots the total. */
    const FRAGMENTATIONS: readonly (readonly number[])[] = [
      [1, 0, 125, 126, 65535, 65536, 3],
      [MiB, MiB / 2, MiB / 4], // doubling reaches 2 MiB on the second fragment; the message is 1.75 MiB
      [5000, 5000, 5000, 5000, 5000],
      Array.from({ length: 1000 }, (_, i) => 1 + ((i * 37) % 1500)), // many small fragments: O(size) copying
      [0, 0, MiB + 3],
    ];

    for (const sizes of FRAGMENTATIONS) {
      for (const feed of ['whole', 'random', '64 KiB'] as const) {
        const total = sizes.reduce((a, b) => a + b, 0);
        const label = sizes.length > 8 ? `${sizes.length} fragments` : `fragments of ${sizes.join(', ')} B`;
        it(`MessageDecoder and Connection reassemble ${label} (${total} B) fed ${feed}, exactly`, () => {
          const payload = pattern(total, sizes.length);
          const specs: Parameters<typeof frame>[0][] = [];
          let at = 0;
          sizes.forEach((n, i) => {
            specs.push({
              opcode: i === 0 ? 2 : 0,
              fin: i === sizes.length - 1,
              payload: payload.subarray(at, at + n),
            });
            at += n;
            // A ping between fragments (RFC 6455 §5.4: control frames may be injected in the middle).
            if (i === 1) specs.push({ opcode: 9, payload: 'p' });
          });
          const bytes = concat(specs.map((s) => frame(s, maskedFor(role))));
          const decoder = new MessageDecoder(options);
          const connection = new Connection({ role, backend });
          const got: Message[] = [];
          const events: { type: string; data?: unknown }[] = [];
          for (const piece of split(bytes, feed)) {
            got.push(...decoder.push(piece.slice()));
            events.push(...connection.receive(piece.slice()));
          }
          const types = sizes.length > 1 ? ['ping', 'binary'] : ['binary'];
          expect(got.map((m) => m.type)).toEqual(types);
          expect(events.map((e) => e.type)).toEqual(types);
          for (const data of [got.at(-1)!, events.at(-1)!].map((m) => (m as { data: Uint8Array }).data)) {
            expect(same(data, payload)).toBe(true);
            expectExact(data, total);
          }
        });
      }
    }

    it('reassembles fragmented text (strings and bytes) split at random', () => {
      const text = 'Grüße, κόσμε! 😀 '.repeat(20000);
      const utf8 = new TextEncoder().encode(text);
      const cuts = [0, 7, 4097, 100000, 200001, utf8.length];
      const specs = cuts.slice(1).map((end, i) => ({
        opcode: i === 0 ? 1 : 0,
        fin: i === cuts.length - 2,
        payload: utf8.subarray(cuts[i]!, end),
      }));
      const bytes = concat(specs.map((s) => frame(s, maskedFor(role))));
      const asString = new MessageDecoder(options);
      const asBytes = new MessageDecoder({ ...options, textAs: 'bytes' });
      const strings: Message[] = [];
      const arrays: Message[] = [];
      for (const piece of split(bytes, 'random', 3)) {
        strings.push(...asString.push(piece.slice()));
        arrays.push(...asBytes.push(piece.slice()));
      }
      expect(strings).toEqual([{ type: 'text', data: text }]);
      expect(arrays.length).toBe(1);
      const data = (arrays[0] as { data: Uint8Array }).data;
      expect(same(data, utf8)).toBe(true);
      expectExact(data, utf8.length);
    });
  });
});

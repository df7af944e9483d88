/**
 * Deferred UTF-8 validation of whole text messages (textAs: 'bytes'): the runtime's validator against ours, and
 * the same outcome, deferred or streaming, on both backends.
 */
import { describe, expect, it } from 'vitest';
import { FrameEncoder, MessageDecoder, MessageEncoder } from '../../src/index.js';
import { wasmBackendForTests } from '../../src/backend/index.js';
import { JsBackend } from '../../src/backend/js.js';
import { platformIsUtf8, validateUtf8 } from '../../src/backend/utf8.js';
import { UTF8_DEFER_MIN } from '../../src/portable/frame.js';
import {
  C_MESSAGES,
  C_SERVER,
  C_UTF8,
  C_UTF8_DEFER,
  F_KIND,
  KIND_DEFERRED_TEXT,
  KIND_TEXT,
  REC_WORDS,
  R_FLAGS,
  STATE_WORDS,
  S_CONFIG,
  S_MAXFRAGS,
  S_MAXFRAME_LO,
  S_MAXMSG_LO,
} from '../../src/portable/layout.js';
import { concat, rng } from '../helpers.js';

const wasm = wasmBackendForTests()!;

describe('deferred UTF-8 validation of whole text messages (C_UTF8_DEFER, textAs bytes)', () => {
  it("the runtime's validator is found here (Node 20.16+) and accepts exactly what ours accepts", () => {
    expect(platformIsUtf8).toBeTypeOf('function');
    const next = rng(23);
    const alphabet = [
      0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90, 0x8f, 0xc0, 0xc1, 0x9f,
    ];
    let valid = 0;
    for (let n = 0; n < 20000; n++) {
      const len = (next() * 12) | 0;
      const bytes = Uint8Array.from({ length: len }, () =>
        next() < 0.4 ? 0x61 : alphabet[(next() * alphabet.length) | 0]!,
      );
      const r = validateUtf8(bytes, null, 0, len, 0);
      const ours = r >= 0 && (r & 0xffffff) === 0;
      if (ours) valid++;
      expect(platformIsUtf8!(bytes), Buffer.from(bytes).toString('hex')).toBe(ours);
    }
    expect(valid).toBeGreaterThan(2000); // both outcomes exercised
  });

  /** Record flags of each parse of `pieces` by `backend` with C_UTF8_DEFER set (server role). */
  function recordFlags(
    backend: { parse(state: Int32Array, chunk: Uint8Array, pos: number): number; records: Int32Array },
    pieces: Uint8Array[],
  ): number[] {
    const state = new Int32Array(STATE_WORDS);
    state[S_CONFIG] = C_SERVER | C_MESSAGES | C_UTF8 | C_UTF8_DEFER;
    state[S_MAXFRAME_LO] = state[S_MAXMSG_LO] = state[S_MAXFRAGS] = 1 << 30; // limits far away
    const flags: number[] = [];
    for (const piece of pieces) {
      const n = backend.parse(state, piece, 0);
      for (let i = 0; i < n; i++) flags.push(backend.records[i * REC_WORDS + R_FLAGS]! & F_KIND);
    }
    return flags;
  }

  it('both backends leave text messages whose first frame has >= UTF8_DEFER_MIN bytes unchecked, all their frames', () => {
    const client = new MessageEncoder({ role: 'client', backend: 'js' });
    const framer = new FrameEncoder({ role: 'client', backend: 'js' });
    const text = (n: number): Uint8Array => concat(client.text('a'.repeat(n)));
    const whole = text(UTF8_DEFER_MIN);
    const small = text(UTF8_DEFER_MIN - 1);
    const fragmented = (first: number): Uint8Array =>
      concat([
        ...framer.encode({ opcode: 1, fin: false, payload: new Uint8Array(first).fill(0x61) }),
        ...framer.encode({ opcode: 0, fin: true, payload: new Uint8Array(UTF8_DEFER_MIN).fill(0x61) }),
      ]);
    for (const backend of [wasm, new JsBackend()]) {
      expect(recordFlags(backend, [whole])).toEqual([KIND_DEFERRED_TEXT]);
      expect(recordFlags(backend, [small])).toEqual([KIND_TEXT]);
      const halves = [whole.subarray(0, 300), whole.subarray(300)];
      expect(recordFlags(backend, halves)).toEqual([KIND_DEFERRED_TEXT, KIND_DEFERRED_TEXT]);
      // The first frame decides for the whole message.
      expect(recordFlags(backend, [fragmented(UTF8_DEFER_MIN)])).toEqual([KIND_DEFERRED_TEXT, KIND_DEFERRED_TEXT]);
      expect(recordFlags(backend, [fragmented(10)])).toEqual([KIND_TEXT, KIND_TEXT]);
    }
  });

  // Invalid sequences (Autobahn 6.x kinds) placed at the start, middle and end of a message of >= 512 bytes.
  const BAD = ['ff', 'c0af', 'eda080', 'f4908080', 'e080af', '80', 'c220', 'e282', 'f0908080ff'];
  function message(bad: string, at: 'start' | 'middle' | 'end'): Uint8Array {
    const fill = Buffer.from('héllo wörld ✓ 日本 '.repeat(40)); // ~1 KiB of valid mixed text
    const b = Buffer.from(bad, 'hex');
    const parts =
      at === 'start' ? [b, fill] : at === 'end' ? [fill, b] : [fill.subarray(0, 500), b, fill.subarray(500)];
    return new Uint8Array(Buffer.concat(parts));
  }

  it('deferred and streaming validation agree: same error at the same push after the same messages, any split', () => {
    const client = new FrameEncoder({ role: 'client', backend: 'js' });
    const frame = (opcode: number, payload: Uint8Array, fin = true, rsv1 = false): Uint8Array =>
      concat(client.encode({ opcode, payload, fin, rsv1 }));
    const first = frame(2, new Uint8Array([1, 2, 3]));
    const outcome = (
      pieces: Uint8Array[],
      backend: 'wasm' | 'js' | 'auto',
      textAs: 'bytes' | 'string',
      inPlace: boolean,
    ): string => {
      const d = new MessageDecoder({ role: 'server', backend, textAs, inPlace });
      let delivered = 0;
      for (let i = 0; i < pieces.length; i++) {
        try {
          delivered += d.push(pieces[i]!.slice()).length;
        } catch (e) {
          const err = e as { code: string; closeCode: number; messages: unknown[] };
          return `${err.code} ${err.closeCode} at push ${i} after ${delivered + err.messages.length}`;
        }
      }
      return `no error, ${delivered} messages`;
    };
    let failures = 0;
    for (const bad of [...BAD, '']) {
      for (const at of ['start', 'middle', 'end'] as const) {
        const payload = message(bad, at);
        expect(payload.length).toBeGreaterThanOrEqual(UTF8_DEFER_MIN);
        // Whole, and in three fragments cut at arbitrary bytes (through code points too).
        const a = 400;
        const b = payload.length - 7;
        const bodies = [
          [frame(1, payload)],
          [
            frame(1, payload.subarray(0, a), false),
            frame(0, payload.subarray(a, b), false),
            frame(0, payload.subarray(b)),
          ],
        ];
        for (const body of bodies) {
          // A binary message first, then the text, then a frame that is a protocol error (RSV1): a bad text's
          // 1007 must win, as it does when validation streams (fail fast, RFC 6455 §8.1).
          const stream = concat([first, ...body, frame(2, new Uint8Array(4), true, true)]);
          const cuts = [
            [stream],
            [stream.subarray(0, 300), stream.subarray(300)],
            [stream.subarray(0, 509), stream.subarray(509, 700), stream.subarray(700)],
          ];
          for (let size = 61; size < stream.length; size += 211) {
            cuts.push(
              Array.from({ length: Math.ceil(stream.length / size) }, (_, i) =>
                stream.subarray(i * size, (i + 1) * size),
              ),
            );
          }
          for (const pieces of cuts) {
            for (const backend of ['wasm', 'js', 'auto'] as const) {
              for (const inPlace of [false, true]) {
                const expected = outcome(pieces, backend, 'string', inPlace);
                expect(
                  outcome(pieces, backend, 'bytes', inPlace),
                  `${bad || 'valid'} at ${at}, ${backend}, ${pieces.length} pieces`,
                ).toBe(expected);
                if (bad && !expected.startsWith('WS_ERR_INVALID_UTF8 1007'))
                  throw new Error(`expected 1007: ${expected}`);
                if (bad) failures++;
              }
            }
          }
        }
      }
    }
    expect(failures).toBeGreaterThan(1000);
  });

  it('valid whole messages come out the same, deferred or not', () => {
    const client = new MessageEncoder({ role: 'client', backend: 'js' });
    for (const n of [UTF8_DEFER_MIN - 1, UTF8_DEFER_MIN, 5000, 70_000]) {
      const text = 'héllo wörld ✓ 日本 𝄞 '.repeat(Math.ceil(n / 20)).slice(0, n);
      const stream = concat(client.text(text));
      for (const backend of ['wasm', 'js', 'auto'] as const) {
        const [m] = new MessageDecoder({ role: 'server', backend, textAs: 'bytes' }).push(stream.slice());
        expect(m!.type).toBe('text');
        expect(Buffer.from((m as { data: Uint8Array }).data).toString()).toBe(text);
      }
    }
  });
});

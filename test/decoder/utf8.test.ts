/**
 * UTF-8 validation of text messages (RFC 6455 §8.1, strict RFC 3629) on both backends and both roles:
 *
 * 1. the 132 Autobahn 6.5–6.23 vectors (test/fixtures), each (a) as one text frame, (b) one byte per frame
 *    (like 6.2.3/6.2.4) and (c) as one frame fed one byte per push (like 6.4.3/6.4.4). Invalid vectors must fail
 *    with 1007 at the exact byte where the input stops being a prefix of any valid UTF-8 string (fail fast,
 *    the strict-pass criterion of 6.4.x); the reference for that byte is the WHATWG decoder (`TextDecoder`
 *    with `fatal` + `stream`), which is independent of src/.
 * 2. cases the vectors miss: long payloads (so the WASM backend's 16/64-byte SIMD blocks, its scalar carry
 *    and the TS backend's 4/8-byte ASCII skip are all exercised) with multi-byte sequences straddling block
 *    boundaries at every offset, an invalid byte at every position, truncation at the end, surrogates and
 *    overlongs after 64+ ASCII bytes, and a leading BOM (which must be kept).
 * 3. fail fast across fragments: the push of an invalid first fragment throws before the final one is sent.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MessageDecoder, WebSocketError, type Message, type Role } from '../../src/index.js';
import { BACKENDS, concat, cutAt, decode, frame, hex, stream, type FrameSpec, type Outcome } from '../helpers.js';

interface Vector {
  case: string;
  valid: boolean;
  hex: string;
}

const VECTORS: Vector[] = JSON.parse(readFileSync(new URL('../fixtures/utf8-cases.json', import.meta.url), 'utf8'));
const CASES = VECTORS.map((v) => ({ ...v, name: `${v.case} ${v.valid ? 'valid (echo)' : 'invalid (fails 1007)'}` }));

/** 'server' decodes client frames (masked), 'client' decodes server frames (unmasked). */
const ROLES = [
  { role: 'server', masked: true },
  { role: 'client', masked: false },
] as const satisfies readonly { role: Role; masked: boolean }[];

const WHATWG = (bytes: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * Reference for fail-fast: the index of the first byte at which `bytes` stops being a prefix of valid UTF-8
 * (WHATWG streaming decoder, fatal), 'eof' when it is a valid prefix but ends inside a sequence, -1 if valid.
 */
const firstInvalidCache = new Map<string, number | 'eof'>();
function firstInvalid(bytes: Uint8Array): number | 'eof' {
  const key = toHex(bytes);
  let result = firstInvalidCache.get(key);
  if (result === undefined) firstInvalidCache.set(key, (result = firstInvalidUncached(bytes)));
  return result;
}

function firstInvalidUncached(bytes: Uint8Array): number | 'eof' {
  const validPrefix = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (validPrefix(bytes.length)) {
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      return -1;
    } catch {
      return 'eof';
    }
  }
  // Being a valid prefix is monotone (a prefix of a valid prefix is one): binary search the first failing length.
  let lo = 0; // validPrefix(lo) is true
  let hi = bytes.length; // validPrefix(hi) is false
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (validPrefix(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** Index of the data byte whose arrival must make the decoder fail (the last byte for a truncated sequence). */
function failByte(bytes: Uint8Array): number {
  const f = firstInvalid(bytes);
  if (f === -1) throw new Error('valid input has no failing byte');
  return f === 'eof' ? bytes.length - 1 : f;
}

function expectInvalid(out: Outcome): void {
  expect(out.error, 'expected a WebSocketError').toBeInstanceOf(WebSocketError);
  expect(out.error!.code).toBe('WS_ERR_INVALID_UTF8');
  expect(out.error!.closeCode).toBe(1007);
  expect(out.messages).toEqual([]);
}

/** The data of a text message (fails the test for any other message type). */
function textData(m: Message | undefined): string | Uint8Array {
  if (m?.type !== 'text') throw new Error(`expected a text message, got ${m?.type}`);
  return m.data;
}

/** One text message whose bytes equal `bytes` (decoder ran with textAs: 'bytes'). */
function expectTextBytes(out: Outcome, bytes: Uint8Array): void {
  expect(out.error).toBeNull();
  expect(out.messages).toHaveLength(1);
  const data = textData(out.messages[0]);
  expect(data).toBeInstanceOf(Uint8Array);
  expect(toHex(data as Uint8Array)).toBe(toHex(bytes));
}

/** One text message whose string equals the BOM-preserving WHATWG decoding of `bytes` (default textAs). */
function expectTextString(out: Outcome, bytes: Uint8Array): void {
  expect(out.error).toBeNull();
  expect(out.messages).toHaveLength(1);
  const data = textData(out.messages[0]);
  expect(typeof data).toBe('string');
  expect(data).toBe(WHATWG(bytes));
}

/**
 * Check a stream carrying exactly the text `bytes` fed as `pieces`: valid → one text message (bytes and
 * string form); invalid → 1007, thrown by the push that carries byte `failAt` of the stream when given.
 */
function check(
  pieces: readonly Uint8Array[],
  bytes: Uint8Array,
  valid: boolean,
  opts: { role: Role; backend: (typeof BACKENDS)[number] },
  failAtPiece?: number,
): void {
  const asBytes = decode(pieces, { ...opts, textAs: 'bytes' });
  const asString = decode(pieces, opts);
  if (valid) {
    expectTextBytes(asBytes, bytes);
    expectTextString(asString, bytes);
  } else {
    expectInvalid(asBytes);
    expectInvalid(asString);
    if (failAtPiece !== undefined) {
      expect(asBytes.errorAtChunk, 'fail fast: error must come from the push carrying the offending byte').toBe(
        failAtPiece,
      );
      expect(asString.errorAtChunk).toBe(failAtPiece);
    }
  }
}

/** Frames carrying `payload` one byte each: T FIN0, C FIN0 …, C FIN1 (1-byte payload: T FIN0 + empty C FIN1). */
function bytePerFrame(payload: Uint8Array): FrameSpec[] {
  const specs: FrameSpec[] = [];
  for (let i = 0; i < payload.length; i++) {
    specs.push({
      opcode: i === 0 ? 1 : 0,
      fin: i === payload.length - 1 && i > 0,
      payload: payload.subarray(i, i + 1),
    });
  }
  if (payload.length === 1) specs.push({ opcode: 0, fin: true });
  return specs;
}

/** Header length of a single frame with a payload of `n` bytes. */
const headerLength = (n: number, masked: boolean): number => 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + (masked ? 4 : 0);

describe('Autobahn 6.5–6.23 UTF-8 vectors', () => {
  it('has 132 vectors: 63 valid, 69 invalid, and the fixture agrees with the WHATWG decoder', () => {
    expect(VECTORS).toHaveLength(132);
    expect(VECTORS.filter((v) => v.valid)).toHaveLength(63);
    expect(VECTORS.filter((v) => !v.valid)).toHaveLength(69);
    expect(new Set(VECTORS.map((v) => v.case)).size).toBe(132);
    for (const v of VECTORS) expect(firstInvalid(hex(v.hex)) === -1, v.case).toBe(v.valid);
  });

  describe.each(BACKENDS)('backend %s', (backend) => {
    describe.each(ROLES)('role $role', ({ role, masked }) => {
      const opts = { role, backend } as const;

      describe('(a) one text frame', () => {
        it.each(CASES)('$name', (v) => {
          const payload = hex(v.hex);
          check([frame({ opcode: 1, payload }, masked)], payload, v.valid, opts);
        });
      });

      describe('(b) one byte per frame', () => {
        it.each(CASES)('$name', (v) => {
          const payload = hex(v.hex);
          const specs = bytePerFrame(payload);
          const frames = specs.map((s) => frame(s, masked));
          // Whole stream in one push.
          check([concat(frames)], payload, v.valid, opts);
          // One frame per push: fails on the frame carrying the offending byte (6.4.2 strict), or on the final
          // frame when the payload only ends inside a sequence.
          const failAt = v.valid ? undefined : firstInvalid(payload) === 'eof' ? frames.length - 1 : failByte(payload);
          check(frames, payload, v.valid, opts, failAt);
        });
      });

      describe('(c) one frame fed one byte per push', () => {
        it.each(CASES)('$name', (v) => {
          const payload = hex(v.hex);
          const bytes = frame({ opcode: 1, payload }, masked);
          const pieces = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
          const failAt = v.valid ? undefined : headerLength(payload.length, masked) + failByte(payload);
          check(pieces, payload, v.valid, opts, failAt);
        });
      });
    });
  });
});

const ASCII = 0x61; // 'a'
const filler = (n: number, byte = ASCII): Uint8Array => new Uint8Array(n).fill(byte);
const withAt = (base: Uint8Array, at: number, seq: Uint8Array): Uint8Array => {
  const out = base.slice();
  out.set(seq, at);
  return out;
};

const VALID_SEQUENCES = [
  'c280',
  'c2a9',
  'dfbf', // 2-byte: first, ©, last
  'e0a080',
  'e282ac',
  'ed9fbf',
  'ee8080',
  'efbbbf',
  'efbfbd',
  'efbfbf', // 3-byte: first, €, U+D7FF, U+E000, BOM, U+FFFD, U+FFFF
  'f0908080',
  'f09f9880',
  'f48fbfbf', // 4-byte: first, 😀, U+10FFFF
].map(hex);

const INVALID_SEQUENCES = [
  'eda080',
  'edafbf',
  'edb080',
  'edbfbf',
  'eda0bdedb2a9', // surrogates (lone, and a CESU-8 pair)
  'c080',
  'c0af',
  'c1bf',
  'e08080',
  'e080af',
  'e09fbf',
  'f0808080',
  'f08080af',
  'f08fbfbf', // overlongs
  'f4908080',
  'f5808080',
  'f7bfbfbf',
  'f888808080',
  'fc8480808080', // above U+10FFFF, 5/6-byte forms
  'fe',
  'ff',
  '80',
  'bf',
  'c220',
  'e28220',
  'f09f9820', // impossible bytes, lone continuation, too short
].map(hex);

describe.each(BACKENDS)('validator edge cases beyond the vectors, backend %s', (backend) => {
  describe.each(ROLES)('role $role', ({ role, masked }) => {
    const opts = { role, backend } as const;
    const one = (payload: Uint8Array): Uint8Array[] => [frame({ opcode: 1, payload }, masked)];

    it('valid 2-, 3- and 4-byte sequences at every offset 0..70 of 1100+ byte ASCII payloads (16/64-byte block straddles)', () => {
      for (const seq of VALID_SEQUENCES) {
        for (let offset = 0; offset <= 70; offset++) {
          // The sequence at `offset` and again 512 + offset later (same block phase, after many ASCII blocks),
          // and right before the end so the tail after the last whole block is multi-byte too.
          let payload = withAt(filler(1100 + (offset % 7)), offset, seq);
          payload = withAt(payload, 512 + offset, seq);
          payload = withAt(payload, payload.length - seq.length - (offset % 5), seq);
          check(one(payload), payload, true, opts);
        }
      }
    });

    it('runs of multi-byte characters starting at every offset 0..70 (no ASCII blocks, sequences cut by every block edge)', () => {
      for (const seq of VALID_SEQUENCES) {
        for (let offset = 0; offset <= 70; offset++) {
          const run = concat(Array.from({ length: Math.ceil(1040 / seq.length) }, () => seq));
          const payload = concat([filler(offset), run, filler(3)]);
          check(one(payload), payload, true, opts);
        }
      }
    });

    it('the same payloads split into two pushes and into two fragments at every point around the sequence', () => {
      for (const seq of [hex('c2a9'), hex('e282ac'), hex('f09f9880')]) {
        for (let offset = 60; offset <= 70; offset++) {
          const payload = withAt(filler(1024), offset, seq);
          const bytes = frame({ opcode: 1, payload }, masked);
          const h = headerLength(payload.length, masked);
          for (let cut = offset - 2; cut <= offset + seq.length + 1; cut++) {
            // One frame, two pushes (the carry crosses a partial-payload boundary).
            check(cutAt(bytes, [h + cut]), payload, true, opts);
            // Two fragments, the code point split between them.
            const frag = stream(
              [
                { opcode: 1, fin: false, payload: payload.subarray(0, cut) },
                { opcode: 0, fin: true, payload: payload.subarray(cut) },
              ],
              masked,
            );
            check([frag], payload, true, opts);
          }
        }
      }
    });

    it('an invalid byte at every position 0..200 of long ASCII and multi-byte payloads fails 1007 on the push carrying it', () => {
      const bases = [
        filler(1200), // ASCII
        concat(Array.from({ length: 400 }, () => hex('e282ac'))), // '€' × 400 (1200 bytes)
        concat(Array.from({ length: 120 }, () => hex('c3a9 e282ac 61 f09f9880'))), // mixed 'é€a😀' (1200 bytes)
      ];
      const badBytes = [
        [0xff, 0x80, 0xc1],
        [0xff, 0x61],
        [0xc0, 0xf5],
      ];
      for (const [b, base] of bases.entries()) {
        for (const bad of badBytes[b]!) {
          for (let at = 0; at <= 200; at++) {
            // In an ASCII base every bad byte is invalid where it stands; in a multi-byte base overwriting a
            // lead or continuation byte breaks the sequence (the reference says at which byte).
            const payload = withAt(base, at, Uint8Array.of(bad));
            const first = firstInvalid(payload);
            expect(first, 'each chosen bad byte breaks the text wherever it lands').not.toBe(-1);
            const fail = first === 'eof' ? payload.length - 1 : first;
            if (b === 0) expect(fail).toBe(at);
            const bytes = frame({ opcode: 1, payload }, masked);
            const h = headerLength(payload.length, masked);
            check([bytes], payload, false, opts);
            // Everything before the offending byte, the byte itself, the rest: must throw on the second push.
            check(cutAt(bytes, [h + fail, h + fail + 1]), payload, false, opts, 1);
          }
        }
      }
    });

    it('every pattern of ASCII / multi-byte 64-byte blocks, with a sequence cut at a block end followed by either kind', () => {
      // The SIMD validator runs an ASCII loop and a checking loop and switches between them on block content:
      // a sequence left open at the end of a block must fail whichever loop reads the next block.
      const multi = hex('c3a9'); // é
      const block = (kind: number): Uint8Array =>
        kind === 0 ? filler(64) : concat([filler(8), concat(Array.from({ length: 28 }, () => multi))]);
      for (let pattern = 0; pattern < 64; pattern++) {
        const blocks = Array.from({ length: 6 }, (_, i) => block((pattern >> i) & 1));
        const valid = concat([...blocks, filler(20)]);
        check(one(valid), valid, true, opts);
        for (const tail of [hex('e2'), hex('e282')]) {
          for (const at of [0, 2, 4]) {
            // The last bytes of block `at` start a 3-byte sequence; block at + 1 starts with ASCII either way.
            const broken = withAt(valid, (at + 1) * 64 - tail.length, tail);
            check(one(broken), broken, false, opts);
          }
        }
      }
    });

    it('a truncated sequence at the very end of a long payload fails 1007 (and is valid if completed by a continuation)', () => {
      const truncated = ['c2', 'df', 'e0a0', 'e282', 'ed9f', 'ef', 'f0', 'f09f', 'f09f98', 'f48fbf'].map(hex);
      const completions = ['a9', 'bf', '80', 'ac', 'bf', 'bfbd', '9f9880', '9880', '80', 'bf'].map(hex);
      for (const [i, tail] of truncated.entries()) {
        for (let length = 1000; length <= 1070; length++) {
          const payload = concat([filler(length - tail.length), tail]);
          check(one(payload), payload, false, opts);
          // Fragmented: the message only fails when the final (FIN) frame ends inside the sequence.
          const frames = [
            frame({ opcode: 1, fin: false, payload: payload.subarray(0, 600) }, masked),
            frame({ opcode: 0, fin: true, payload: payload.subarray(600) }, masked),
          ];
          check(frames, payload, false, opts, 1);
          const completed = concat([payload, completions[i]!]);
          check(
            [
              concat([
                ...frames.slice(0, 1),
                frame({ opcode: 0, fin: false, payload: payload.subarray(600) }, masked),
                frame({ opcode: 0, fin: true, payload: completions[i]! }, masked),
              ]),
            ],
            completed,
            true,
            opts,
          );
        }
      }
    });

    it('surrogates, overlongs and out-of-range sequences after 64..140 ASCII bytes fail 1007; their valid neighbours pass', () => {
      const prefixes = [...Array.from({ length: 19 }, (_, i) => 64 + i), 95, 96, 97, 111, 126, 127, 128, 129, 130, 140];
      for (const prefix of prefixes) {
        for (const seq of INVALID_SEQUENCES) {
          const payload = concat([filler(prefix), seq, filler(300)]);
          const bytes = frame({ opcode: 1, payload }, masked);
          const h = headerLength(payload.length, masked);
          const fail = failByte(payload);
          check([bytes], payload, false, opts);
          check(cutAt(bytes, [h + fail, h + fail + 1]), payload, false, opts, 1);
        }
        for (const seq of VALID_SEQUENCES) {
          const payload = concat([filler(prefix), seq, filler(300)]);
          check(one(payload), payload, true, opts);
        }
      }
    });

    it('a BOM (EF BB BF) at the start of a text message is kept in the string', () => {
      const short = hex('efbbbf 68656c6c6f');
      for (const textAs of ['string', undefined] as const) {
        const out = decode(one(short), { ...opts, textAs });
        expect(out.error).toBeNull();
        expect(out.messages).toEqual([{ type: 'text', data: '\ufeffhello' }]);
        expect((textData(out.messages[0]) as string).length).toBe(1 + 5);
      }
      const bytes = decode(one(short), { ...opts, textAs: 'bytes' });
      expect(toHex(textData(bytes.messages[0]) as Uint8Array)).toBe('efbbbf68656c6c6f');

      // A BOM alone, a BOM before a long ASCII body (TextDecoder path) and a BOM split across fragments.
      const alone = decode(one(hex('efbbbf')), opts);
      expect(alone.messages).toEqual([{ type: 'text', data: '\ufeff' }]);
      const long = concat([hex('efbbbf'), filler(1000)]);
      const longOut = decode(one(long), opts);
      expect(longOut.error).toBeNull();
      const s = textData(longOut.messages[0]) as string;
      expect(s.length).toBe(1 + 1000);
      expect(s.charCodeAt(0)).toBe(0xfeff);
      expect(s).toBe(`\ufeff${'a'.repeat(1000)}`);
      for (const cut of [1, 2]) {
        const fragmented = stream(
          [
            { opcode: 1, fin: false, payload: long.subarray(0, cut) },
            { opcode: 0, fin: true, payload: long.subarray(cut) },
          ],
          masked,
        );
        expect(decode([fragmented], opts).messages).toEqual([{ type: 'text', data: s }]);
      }
      // Two BOMs: both kept.
      expect(decode(one(hex('efbbbf efbbbf 61')), opts).messages).toEqual([{ type: 'text', data: '\ufeff\ufeffa' }]);
    });
  });
});

describe.each(BACKENDS)('fail fast across fragments, backend %s', (backend) => {
  describe.each(ROLES)('role $role', ({ role, masked }) => {
    const cases: { name: string; first: Uint8Array; rest: Uint8Array[] }[] = [
      { name: 'invalid byte mid-fragment', first: hex('68656c6c6f ff 776f'), rest: [hex('726c64')] },
      { name: 'invalid byte last in the fragment', first: hex('68656c6c6f c0'), rest: [hex('af')] },
      {
        name: 'surrogate in a long first fragment',
        first: concat([filler(100), hex('eda080'), filler(100)]),
        rest: [filler(500)],
      },
      {
        name: 'above U+10FFFF after 1000 ASCII bytes',
        first: concat([filler(1000), hex('f4908080')]),
        rest: [filler(10), filler(10)],
      },
      // Autobahn 6.4.1: kosme, then U+110000, then "edited"; the invalid byte is in the second fragment.
      {
        name: '6.4.1 (invalid in fragment 2 of 3)',
        first: hex('cebae1bdb9cf83cebcceb5'),
        rest: [hex('f4908080'), hex('656469746564')],
      },
      // Autobahn 6.4.2: 12 B (kosme + f4), 1 B (90: the offending byte), 8 B.
      {
        name: '6.4.2 (offending byte alone in fragment 2)',
        first: hex('cebae1bdb9cf83cebcceb5f4'),
        rest: [hex('90'), hex('8080656469746564')],
      },
    ];

    it.each(cases)('$name: throws on the push of the fragment holding the invalid byte', ({ first, rest }) => {
      const payloads = [first, ...rest];
      const frames = payloads.map((payload, i) =>
        frame({ opcode: i === 0 ? 1 : 0, fin: i === payloads.length - 1, payload }, masked),
      );
      const whole = concat(payloads);
      const failFragment = (() => {
        const fail = failByte(whole);
        let acc = 0;
        for (let i = 0; i < payloads.length; i++) {
          acc += payloads[i]!.length;
          if (fail < acc) return i;
        }
        return payloads.length - 1;
      })();
      expect(failFragment).toBeLessThan(payloads.length - 1); // the final fragment is never needed
      const decoder = new MessageDecoder({ role, backend });
      const seen: Message[] = [];
      let thrown: unknown = null;
      let at = -1;
      for (let i = 0; i < frames.length; i++) {
        try {
          seen.push(...decoder.push(frames[i]!.slice()));
        } catch (e) {
          thrown = e;
          at = i;
          break;
        }
      }
      expect(thrown).toBeInstanceOf(WebSocketError);
      expect((thrown as WebSocketError).code).toBe('WS_ERR_INVALID_UTF8');
      expect((thrown as WebSocketError).closeCode).toBe(1007);
      expect(at).toBe(failFragment);
      expect(seen).toEqual([]);
      // The decoder stays failed: the final fragment only rethrows the same error.
      expect(() => decoder.push(frames[frames.length - 1]!.slice())).toThrow(thrown as Error);
    });

    it('a ping between the invalid first fragment and the rest is never delivered', () => {
      const bytes = stream(
        [
          { opcode: 1, fin: false, payload: hex('68656c6c6f ff') },
          { opcode: 9, payload: 'ping' },
          { opcode: 0, fin: true, payload: 'world' },
        ],
        masked,
      );
      const out = decode([bytes], { role, backend });
      expectInvalid(out);
    });
  });
});

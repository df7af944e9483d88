/** The two backends against each other and against plain reference code, kernel by kernel. */
import { describe, expect, it } from 'vitest';
import {
  AUTO_WASM_MIN_CHUNK,
  FrameDecoder,
  FrameEncoder,
  MessageDecoder,
  MessageEncoder,
  activeBackend,
  initSync,
  type Message,
} from '../src/index.js';
import { AUTO_JS_VIEW_MIN, AUTO_WASM_MIN_MASK, wasmBackendForTests } from '../src/backend/index.js';
import { JsBackend } from '../src/backend/js.js';
import { maskInto, unmaskAt } from '../src/backend/mask.js';
import { platformIsUtf8, validateUtf8 } from '../src/backend/utf8.js';
import { UTF8_DEFER_MIN } from '../src/portable/frame.js';
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
} from '../src/portable/layout.js';
import { rotateKey } from '../src/portable/rotate.js';
import { concat, rng } from './helpers.js';

const wasm = wasmBackendForTests()!;

describe('backends', () => {
  it('WASM compiles here', () => {
    expect(initSync()).toBe('wasm');
    expect(activeBackend()).toBe('wasm');
  });

  it('masks identically to the RFC 6455 §5.3 definition for every length 0..300, key phase 0..3, offset 0..7', () => {
    const next = rng(5);
    for (let len = 0; len <= 300; len++) {
      for (let phase = 0; phase < 4; phase++) {
        const off = (len + phase) & 7;
        const key = (next() * 2 ** 32) | 0;
        // The key as it applies from byte `phase` of a payload on: what a segment of a frame is unmasked with.
        const rotated = rotateKey(key, phase);
        const data = Uint8Array.from({ length: len + 16 }, () => (next() * 256) | 0);
        const expected = data.slice();
        for (let i = 0; i < len; i++) expected[off + i] = data[off + i]! ^ ((key >>> (((i + phase) & 3) * 8)) & 0xff);
        // The TS fallback: the encoders' entry into arrays at every alignment and offset; the decoder's, in
        // place, into a window through word views, and from an array that is not 4-aligned.
        const into = new Uint8Array(data.length + 8);
        for (const shift of [0, 1, 2, 3]) {
          into.fill(0);
          maskInto(into.subarray(shift), off, data.subarray(off, off + len), rotated);
          expect(into.subarray(off + shift, off + shift + len)).toEqual(expected.subarray(off, off + len));
        }
        const words = (b: Uint8Array): Int32Array => new Int32Array(b.buffer, b.byteOffset, b.length >> 2);
        const window = new Uint8Array(data.length);
        unmaskAt(data, words(data), window, words(window), off, len, rotated);
        expect(window.subarray(off, off + len)).toEqual(expected.subarray(off, off + len));
        const inPlace = data.slice();
        unmaskAt(inPlace, words(inPlace), inPlace, words(inPlace), off, len, rotated);
        expect(inPlace).toEqual(expected);
        const odd = new Uint8Array(data.length + 1).subarray(1);
        odd.set(data);
        window.fill(0);
        unmaskAt(odd, null, window, words(window), off, len, rotated);
        expect(window.subarray(off, off + len)).toEqual(expected.subarray(off, off + len));
        expect(odd).toEqual(data);
        // The WASM kernel, in place in its window.
        wasm.reserve(data.length).set(data);
        wasm.exports.maskInPlace(wasm.windowPtr + off, len, rotated);
        expect(wasm.window.slice(0, data.length)).toEqual(expected);
      }
    }
  });

  it('WASM SIMD validation equals the TS state machine on random mixed input, from every carry state', () => {
    const next = rng(11);
    const alphabet = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90, 0x8f, 0xc0];
    const states = [0, 0x00bf8001, 0x00bf8002, 0x009fa002, 0x008f8003, 0x00bf9003];
    for (let n = 0; n < 3000; n++) {
      const len = 1 + ((next() * 200) | 0);
      const bytes = Uint8Array.from({ length: len }, () =>
        next() < 0.7 ? 0x61 : alphabet[(next() * alphabet.length) | 0]!,
      );
      const state = states[n % states.length]!;
      const expected = validateUtf8(bytes, null, 0, len, state);
      const window = wasm.reserve(len);
      window.set(bytes);
      expect(wasm.exports.unmaskValidate(wasm.windowPtr, len, 0, state)).toBe(expected);
    }
  });
});

describe('frame records are a function of the decoder state and the chunk alone', () => {
  it('a frame read over two pushes keeps its own mask key while other decoders read frames in between', () => {
    const client = new FrameEncoder({ role: 'client', backend: 'js' });
    const first = concat(client.encode({ opcode: 2, payload: new Uint8Array(100).fill(7), maskKey: 0x11111111 }));
    const other = concat(client.encode({ opcode: 2, payload: new Uint8Array(10).fill(8), maskKey: 0x22222222 }));
    for (const backend of ['wasm', 'js', 'auto'] as const) {
      const a = new FrameDecoder({ role: 'server', backend });
      const b = new FrameDecoder({ role: 'server', backend });
      expect(a.push(first.subarray(0, 50))).toEqual([]);
      expect(b.push(other)[0]!.maskKey).toBe(0x22222222);
      const [frame] = a.push(first.subarray(50));
      expect(frame!.maskKey, backend).toBe(0x11111111);
      expect(frame!.payload).toEqual(new Uint8Array(100).fill(7));
    }
  });
});

describe('UTF-8 → UTF-16 transcoder (string building for non-ASCII text)', () => {
  it('matches TextDecoder on random valid text of every length 0..400, from inside and outside the window', () => {
    const next = rng(23);
    const pieces = ['a', 'bc', 'é', 'ß', 'κ', '€', '中', '\u{1F600}', '\u{10FFFF}', '\uFFFD', ' ', '0123456789'];
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (let n = 0; n < 400; n++) {
      let s = '';
      while (new TextEncoder().encode(s).length < n) s += pieces[(next() * pieces.length) | 0];
      const bytes = new TextEncoder().encode(s);
      const expected = decoder.decode(bytes);
      expect(wasm.utf16String(bytes, 0, bytes.length, 0)).toBe(expected);
      // Already in the window (as after parsing a chunk), with `keep` protecting bytes before it.
      const window = wasm.reserve(bytes.length + 64);
      window.set(bytes, 0);
      expect(wasm.utf16String(window, 0, bytes.length, bytes.length)).toBe(expected);
    }
  });
});

describe("'auto' backend choice per chunk", () => {
  /** Push `pieces` to a fresh 'auto' decoder: which backend read each piece, and what came out (as 'js' gives it). */
  function feed(
    role: 'client' | 'server',
    pieces: Uint8Array[],
    textAs: 'bytes' | 'string' = 'string',
  ): { used: (string | null)[]; out: Message[] } {
    const auto = new MessageDecoder({ role, backend: 'auto', textAs });
    const js = new MessageDecoder({ role, backend: 'js', textAs });
    const used: (string | null)[] = [];
    const out: Message[] = [];
    for (const piece of pieces) {
      const got = auto.push(piece);
      expect(got).toEqual(js.push(piece));
      out.push(...got);
      used.push(auto.lastBackend);
    }
    return { used, out };
  }
  const bytes = (n: number, seed: number): Uint8Array =>
    Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
  const cut = (b: Uint8Array, at: number[]): Uint8Array[] =>
    [0, ...at].map((s, i, a) => b.subarray(s, a[i + 1] ?? b.length));

  it('gives chunks of nothing but >= AUTO_JS_VIEW_MIN-byte unmasked binary frames to TS (no copy into WASM)', () => {
    const server = new MessageEncoder({ role: 'server', backend: 'js' });
    const big = bytes(70_000, 1); // 64-bit length form
    const mid = bytes(2 * AUTO_JS_VIEW_MIN + 10, 2); // 16-bit length form
    const stream = concat([
      ...server.binary(big),
      ...server.binary(mid),
      ...server.text('x'.repeat(20_000)),
      ...server.binary(bytes(100, 3)),
    ]);
    const b = 10 + big.length;
    const m = b + 4 + mid.length;
    const { used, out } = feed('client', cut(stream, [30_000, b - 3, b, b + 4 + 9000, m + 4 + 10_000]));
    expect(out.map((x) => x.type)).toEqual(['binary', 'binary', 'text', 'binary']);
    expect((out[0] as { data: Uint8Array }).data).toEqual(big);
    expect((out[1] as { data: Uint8Array }).data).toEqual(mid);
    // [0, 30000): big's header, then its payload. [30000, b-3): more of it. [b-3, b): too short for WASM.
    // [b, b+9004): mid's header and 9000 payload bytes. Next: mid's last 7394 bytes (< AUTO_JS_VIEW_MIN), then
    // text: WASM. Last: the rest of the text (validated): WASM.
    expect(used).toEqual(['js', 'js', 'js', 'js', 'wasm', 'wasm']);
  });

  it('walks the frames of a chunk: only large unmasked binary frames (fragments too) go to TS', () => {
    const server = new MessageEncoder({ role: 'server', backend: 'js' });
    const frames = (sizes: number[]): Uint8Array[] => sizes.map((n, i) => concat(server.binary(bytes(n, i))));
    // The tail of one frame (any length), then whole and cut-off frames of >= AUTO_JS_VIEW_MIN bytes.
    const large = concat(frames([20_000, 9000, 16_384, 30_000]));
    expect(feed('client', cut(large, [19_000])).used).toEqual(['js', 'js']);
    // A small frame among large ones: WASM for that chunk.
    const mixed = concat(frames([20_000, 9000, 100, 16_384]));
    expect(feed('client', cut(mixed, [19_000])).used).toEqual(['js', 'wasm']);
    // Fragments of a binary message count as binary; a text message's, not (they are validated).
    const framer = new FrameEncoder({ role: 'server' });
    const fragmented = (opcode: 1 | 2): Uint8Array =>
      concat(
        [0, 1, 2].flatMap((i) =>
          framer.encode({
            opcode: i === 0 ? opcode : 0,
            fin: i === 2,
            payload: opcode === 1 ? new Uint8Array(10_000).fill(0x61) : bytes(10_000, i),
          }),
        ),
      );
    expect(feed('client', [fragmented(2)]).used).toEqual(['js']);
    expect(feed('client', [fragmented(1)]).used).toEqual(['wasm']);
    // ... unless the decoder validates that text itself (textAs 'bytes', C_UTF8_DEFER), or nobody does.
    expect(feed('client', [fragmented(1)], 'bytes').used).toEqual(['js']);
    const unvalidated = new MessageDecoder({ role: 'client', backend: 'auto', validateUtf8: false });
    unvalidated.push(fragmented(1));
    expect(unvalidated.lastBackend).toBe('js');
    // A continuation of a binary message opened in an earlier chunk.
    const two = fragmented(2);
    expect(feed('client', cut(two, [1000, 10_004])).used).toEqual(['wasm', 'js', 'js']);
  });

  it('keeps WASM for masked, text, small-frame and split-header chunks', () => {
    const client = new MessageEncoder({ role: 'client', backend: 'js' });
    const masked = concat(client.binary(bytes(50_000, 4)));
    expect(feed('server', cut(masked, [20_000])).used).toEqual(['wasm', 'wasm']);
    const server = new MessageEncoder({ role: 'server', backend: 'js' });
    const text = concat(server.text('y'.repeat(50_000)));
    expect(feed('client', cut(text, [20_000]), 'string').used).toEqual(['wasm', 'wasm']);
    // Text as bytes of >= UTF8_DEFER_MIN is validated by the decoder (C_UTF8_DEFER): then its payload is plain
    // bytes to either backend, and TS spares the copy.
    expect(feed('client', cut(text, [20_000]), 'bytes').used).toEqual(['js', 'js']);
    expect(UTF8_DEFER_MIN).toBeLessThanOrEqual(AUTO_JS_VIEW_MIN);
    const small = concat(Array.from({ length: 400 }, (_, i) => concat(server.binary(bytes(100, i)))));
    expect(feed('client', [small]).used).toEqual(['wasm']);
    const big = concat(server.binary(bytes(50_000, 5)));
    // Header split after 3 bytes: the second chunk starts with the rest of a header, not payload.
    expect(feed('client', cut(big, [3])).used).toEqual(['js', 'wasm']);
    expect(AUTO_WASM_MIN_CHUNK).toBeLessThan(AUTO_JS_VIEW_MIN);
  });

  it('tiny pushes go to TS, except the rest of a frame that WASM started (no switching within a frame)', () => {
    const client = new MessageEncoder({ role: 'client', backend: 'js' });
    const ping = concat(client.ping(new Uint8Array(0))); // 6 bytes: header + mask key
    const big = concat(client.binary(bytes(20, 9))); // 26 bytes
    expect(AUTO_WASM_MIN_CHUNK).toBe(4);
    // 4 + 2: WASM starts the frame, and finishes it.
    expect(feed('server', cut(ping, [4])).used).toEqual(['wasm', 'wasm']);
    // 1-byte pushes from a frame's start: TS throughout.
    expect(feed('server', cut(ping, [1, 2, 3, 4, 5])).used).toEqual(['js', 'js', 'js', 'js', 'js', 'js']);
    // After a frame WASM finished, a tiny push that starts the next one goes to TS.
    expect(feed('server', [...cut(ping, [4]), ...cut(big, [2])]).used).toEqual(['wasm', 'wasm', 'js', 'wasm']);
  });
});

describe("encoders: 'auto' masks short payloads in TS and longer ones in WASM, with the same bytes", () => {
  it('client frames around AUTO_WASM_MIN_MASK are identical from auto, wasm and js (RFC 6455 §5.3 masking)', () => {
    const encoders = (['auto', 'wasm', 'js'] as const).map((backend) => new FrameEncoder({ role: 'client', backend }));
    for (const length of [
      0,
      1,
      3,
      4,
      5,
      13,
      AUTO_WASM_MIN_MASK - 1,
      AUTO_WASM_MIN_MASK,
      AUTO_WASM_MIN_MASK + 1,
      125,
      126,
      1000,
      70_000,
    ]) {
      const payload = Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 0xff);
      const [auto, wasmOut, jsOut] = encoders.map((e) => concat(e.encode({ opcode: 2, payload, maskKey: 0xa1b2c3d4 })));
      expect(auto, `auto, ${length} B`).toEqual(jsOut);
      expect(wasmOut, `wasm, ${length} B`).toEqual(jsOut);
      // Unmasking by the definition gives the payload back.
      const hl = jsOut!.length - length;
      const key = [0xd4, 0xc3, 0xb2, 0xa1];
      expect(Uint8Array.from(jsOut!.subarray(hl), (b, i) => b ^ key[i & 3]!)).toEqual(payload);
    }
  });
});

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

/**
 * The 'auto' backend: which backend reads each chunk (WASM, or TS for large unmasked binary payloads) and which
 * masks each payload, and that the choice never changes what comes out.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_WASM_MIN_CHUNK, FrameEncoder, MessageDecoder, MessageEncoder, type Message } from '../../src/index.js';
import { AUTO_JS_VIEW_MIN, AUTO_WASM_MIN_MASK } from '../../src/backend/index.js';
import { UTF8_DEFER_MIN } from '../../src/portable/frame.js';
import { concat } from '../helpers.js';

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

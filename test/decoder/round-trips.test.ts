/**
 * Encoder → decoder round trips over the length-encoding boundaries (RFC 6455 §5.2), both roles, both
 * backends, with chunk splits that put the payload start at every mask phase.
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MessageDecoder, MessageEncoder, FrameEncoder, Opcode, type Message } from '../../src/index.js';
import { IN_PLACE_MIN } from '../../src/decoder.js';
import { BACKENDS, concat, cutAt, rng } from '../helpers.js';

const LONG = process.env.WSFRAME_LONG === '1';
const LENGTHS = [0, 1, 3, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 125, 126, 127, 128, 65535, 65536, 1 << 20, 1 << 24];
const ROLES = [
  { sender: 'client', receiver: 'server' },
  { sender: 'server', receiver: 'client' },
] as const;

function payloadOf(length: number, seed: number): Uint8Array {
  const next = rng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < Math.min(length, 4096); i++) out[i] = (next() * 256) | 0;
  for (let i = 4096; i < length; i++) out[i] = out[i & 4095]! ^ (i >>> 12);
  return out;
}

/** Mixed text: ASCII with 2-, 3- and 4-byte characters, about `length` UTF-8 bytes. */
function textOf(length: number): string {
  const parts = ['a', 'é', '€', '𝄞', 'bcdefghij'];
  let s = '';
  let bytes = 0;
  for (let i = 0; bytes < length; i++) {
    const p = parts[i % parts.length]!;
    const n = new TextEncoder().encode(p).length;
    if (bytes + n > length) {
      s += 'x'.repeat(length - bytes);
      break;
    }
    s += p;
    bytes += n;
  }
  return s;
}

/** Split points: inside the header, then so the first payload segment starts at mask phase 0..3. */
function splits(total: number, headerLen: number, length: number): number[][] {
  const out: number[][] = [[]];
  for (let k = 1; k < headerLen; k++) out.push([k]);
  for (let phase = 0; phase < 4 && headerLen + phase < total; phase++) out.push([headerLen + phase]);
  if (length > 17) out.push([headerLen + 1, headerLen + 6, headerLen + 17]);
  if (length > 65536) out.push([headerLen + 3, headerLen + 65537, total - 5]);
  return out;
}

describe.each(BACKENDS)('round trips on the %s backend', (backend) => {
  describe.each(ROLES)('$sender → $receiver', ({ sender, receiver }) => {
    it.each(LENGTHS.filter((n) => LONG || n <= 1 << 20 || backend === 'wasm'))(
      'binary of %i bytes, split at every header byte and mask phase',
      (length) => {
        const payload = payloadOf(length, length + 7);
        const bytes = concat(new MessageEncoder({ role: sender, backend }).binary(payload));
        const headerLen = bytes.length - length;
        expect(headerLen).toBe((length < 126 ? 2 : length < 65536 ? 4 : 10) + (sender === 'client' ? 4 : 0));
        const plans =
          length >= 1 << 20
            ? [[], [headerLen + 3, headerLen + 65537, bytes.length - 5]]
            : splits(bytes.length, headerLen, length);
        for (const plan of plans) {
          const decoder = new MessageDecoder({ role: receiver, backend });
          const got: Message[] = [];
          for (const piece of cutAt(bytes, plan)) got.push(...decoder.push(piece.slice())); // own buffer per chunk
          expect(got.length).toBe(1);
          expect(got[0]!.type).toBe('binary');
          const data = (got[0] as { data: Uint8Array }).data;
          expect(data.length).toBe(length);
          expect(Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.length), Buffer.from(payload))).toBe(0);
        }
      },
    );

    it.each(LENGTHS.filter((n) => n <= 1 << 20))('text of %i UTF-8 bytes, fragmented and whole', (length) => {
      const text = textOf(length);
      for (const fragmentSize of [0, 1, 7, 125, 4096]) {
        if (fragmentSize === 1 && length > 4096) continue;
        const bytes = concat(new MessageEncoder({ role: sender, backend, fragmentSize }).text(text));
        for (const feed of ['whole', 'random'] as const) {
          const decoder = new MessageDecoder({ role: receiver, backend });
          const got: Message[] = [];
          if (feed === 'whole') got.push(...decoder.push(bytes));
          else {
            const next = rng(length + fragmentSize);
            for (let i = 0; i < bytes.length; ) {
              const n = 1 + Math.floor(next() * 300);
              got.push(...decoder.push(bytes.subarray(i, i + n)));
              i += n;
            }
          }
          expect(got).toEqual([{ type: 'text', data: text }]);
        }
      }
    });
  });

  it('FrameDecoder returns header fields and the unmasked payload', () => {
    const enc = new FrameEncoder({ role: 'client', backend });
    const bytes = concat([
      ...enc.encode({ opcode: Opcode.Text, fin: false, payload: new TextEncoder().encode('frag') }),
      ...enc.encode({ opcode: Opcode.Continuation, payload: new Uint8Array([1, 2, 3]), maskKey: 0x04030201 }),
    ]);
    const frames = new FrameDecoder({ role: 'server', backend }).push(bytes);
    expect(frames.map((f) => [f.opcode, f.fin, f.masked, Array.from(f.payload)])).toEqual([
      [1, false, true, [102, 114, 97, 103]],
      [0, true, true, [1, 2, 3]],
    ]);
    expect(frames[1]!.maskKey).toBe(0x04030201);
  });
});

describe('chunks at any byte offset of their buffer (aligned and unaligned word paths)', () => {
  it.each(BACKENDS)('decodes masked binary and text from chunks at byteOffset 0..7 (%s)', (backend) => {
    const payload = payloadOf(5000, 99);
    const text = textOf(3000);
    const enc = new MessageEncoder({ role: 'client', backend });
    const bytes = concat([...enc.binary(payload), ...enc.text(text)]);
    for (let shift = 0; shift < 8; shift++) {
      for (const size of [37, 1000, 4096]) {
        const decoder = new MessageDecoder({ role: 'server', backend });
        const got: Message[] = [];
        for (let i = 0; i < bytes.length; i += size) {
          const piece = bytes.subarray(i, i + size);
          const host = new Uint8Array(piece.length + 8);
          host.set(piece, shift);
          got.push(...decoder.push(host.subarray(shift, shift + piece.length)));
        }
        expect(got.length).toBe(2);
        expect(Buffer.compare(Buffer.from((got[0] as { data: Uint8Array }).data), Buffer.from(payload))).toBe(0);
        expect(got[1]).toEqual({ type: 'text', data: text });
      }
    }
  });
});

describe.each(BACKENDS)('inPlace: payloads as views of the pushed chunk (%s)', (backend) => {
  const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

  it('unmasks a whole frame into the chunk and returns a view of it; the default never writes the chunk', () => {
    const payload = payloadOf(5000, 7);
    const wire = concat(new MessageEncoder({ role: 'client', backend }).binary(payload));
    const original = wire.slice();
    // Default: a fresh copy, input untouched.
    const copied = new MessageDecoder({ role: 'server', backend }).push(wire)[0] as { data: Uint8Array };
    expect(eq(copied.data, payload)).toBe(true);
    expect(copied.data.buffer).not.toBe(wire.buffer);
    expect(eq(wire, original)).toBe(true);
    // inPlace: the payload is the chunk's own bytes, now unmasked.
    const chunk = wire.slice();
    const viewed = new MessageDecoder({ role: 'server', backend, inPlace: true }).push(chunk)[0] as {
      data: Uint8Array;
    };
    expect(viewed.data.buffer).toBe(chunk.buffer);
    expect(viewed.data.byteOffset).toBe(chunk.byteOffset + 8); // 2 + 2 length bytes + 4 key bytes
    expect(eq(viewed.data, payload)).toBe(true);
  });

  it('FrameDecoder too; small payloads (< IN_PLACE_MIN) and payloads split across chunks are still owned copies', () => {
    const enc = new FrameEncoder({ role: 'client', backend });
    const big = payloadOf(IN_PLACE_MIN, 3);
    const small = payloadOf(IN_PLACE_MIN - 1, 4);
    const chunk = concat([
      ...enc.encode({ opcode: Opcode.Binary, payload: big }),
      ...enc.encode({ opcode: Opcode.Binary, payload: small }),
    ]);
    const frames = new FrameDecoder({ role: 'server', backend, inPlace: true }).push(chunk);
    expect(frames.map((f) => f.payload.buffer === chunk.buffer)).toEqual([true, false]);
    expect(eq(frames[0]!.payload, big) && eq(frames[1]!.payload, small)).toBe(true);

    const wire = concat(enc.encode({ opcode: Opcode.Binary, payload: big }));
    const decoder = new FrameDecoder({ role: 'server', backend, inPlace: true });
    const a = wire.slice(0, 500);
    const b = wire.slice(500);
    expect(decoder.push(a)).toEqual([]);
    const [split] = decoder.push(b);
    expect(split!.payload.buffer === a.buffer || split!.payload.buffer === b.buffer).toBe(false);
    expect(eq(split!.payload, big)).toBe(true);
  });

  it('text as bytes is a validated view; text as string is unaffected; later pushes never change earlier messages', () => {
    const text = textOf(3000);
    const enc = new MessageEncoder({ role: 'client', backend });
    for (const textAs of ['bytes', 'string'] as const) {
      const decoder = new MessageDecoder({ role: 'server', backend, inPlace: true, textAs });
      const chunks = [0, 1, 2].map(() => concat([...enc.text(text), ...enc.binary(payloadOf(2048, 5))]));
      const got = chunks.flatMap((c) => decoder.push(c));
      expect(got).toHaveLength(6);
      for (let i = 0; i < 6; i += 2) {
        const m = got[i] as { data: Uint8Array | string };
        if (textAs === 'string') expect(m.data).toBe(text);
        else {
          expect((m.data as Uint8Array).buffer).toBe(chunks[i / 2]!.buffer);
          expect(new TextDecoder().decode(m.data as Uint8Array)).toBe(text);
        }
        expect(eq((got[i + 1] as { data: Uint8Array }).data, payloadOf(2048, 5))).toBe(true);
      }
    }
  });

  it('an error mid-chunk keeps the messages decoded before it (as views)', () => {
    const enc = new MessageEncoder({ role: 'client', backend });
    const payload = payloadOf(4096, 9);
    const chunk = concat([...enc.binary(payload), new Uint8Array([0x83, 0x80, 0, 0, 0, 0])]); // opcode 3: reserved
    const decoder = new MessageDecoder({ role: 'server', backend, inPlace: true });
    let error: { code?: string; closeCode?: number; messages?: Message[] } = {};
    try {
      decoder.push(chunk);
    } catch (e) {
      error = e as typeof error;
    }
    expect([error.code, error.closeCode]).toEqual(['WS_ERR_INVALID_OPCODE', 1002]);
    expect(error.messages).toHaveLength(1);
    expect(eq((error.messages![0] as { data: Uint8Array }).data, payload)).toBe(true);
  });
});

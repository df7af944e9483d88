/**
 * Random numbers and mutations for the fuzzer. Every input is made from its own generator, seeded from the run's
 * seed and the input's index, so any one input can be made again alone (`--from INDEX --count 1`).
 */
import { rng } from '../runtimes/catalogue.mjs';

export class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  /** 0 … n − 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of input `index` in a run seeded `seed` (a 32-bit mix, so neighbouring inputs are unrelated). */
export function inputSeed(seed: number, index: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Bytes that sit on a rule's edge: 7-bit length markers, FIN/mask bits, opcodes, CR/LF and header syntax. */
const INTERESTING = [
  0x00, 0x01, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x88, 0x89, 0x8a, 0xfe, 0xff, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x2c,
  0x3b, 0x22, 0x3d, 0x5c, 0xc0, 0xed, 0xf4,
];
/** Lengths on the edges of the three length forms and of 2^53 / 2^63 (RFC 6455 §5.2), as 8 big-endian bytes. */
const LENGTHS = [
  0n,
  1n,
  125n,
  126n,
  127n,
  65535n,
  65536n,
  2n ** 31n,
  2n ** 32n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 63n,
  2n ** 64n - 1n,
];

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** One random edit; `other` is another corpus entry for cross-overs. */
export function mutateOnce(r: Rand, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  const n = bytes.length;
  const at = r.int(n + 1);
  const op = n === 0 ? 3 : r.int(11);
  switch (op) {
    case 0: {
      // flip a bit
      const out = bytes.slice();
      out[Math.min(at, n - 1)]! ^= 1 << r.int(8);
      return out;
    }
    case 1: {
      // an interesting byte
      const out = bytes.slice();
      out[Math.min(at, n - 1)] = r.pick(INTERESTING);
      return out;
    }
    case 2: {
      // a random byte
      const out = bytes.slice();
      out[Math.min(at, n - 1)] = r.int(256);
      return out;
    }
    case 3: // insert random bytes
      return splice(bytes, at, 0, r.bytes(1 + r.int(8)));
    case 4: // delete a run
      return splice(bytes, at, Math.min(n - at, 1 + r.int(16)), new Uint8Array(0));
    case 5: {
      // duplicate a run somewhere else
      const from = r.int(n);
      return splice(bytes, at, 0, bytes.slice(from, from + 1 + r.int(64)));
    }
    case 6: {
      // a long run of one byte: finds work that grows faster than the input
      const length = r.chance(0.1) ? 1 + r.int(12000) : 1 + r.int(300);
      return splice(bytes, at, 0, new Uint8Array(length).fill(r.chance(0.5) ? r.pick(INTERESTING) : r.int(256)));
    }
    case 7: // truncate
      return bytes.slice(0, at);
    case 8: {
      // cross-over: a prefix of this one, a suffix of the other
      const cut = r.int(other.length + 1);
      return splice(bytes, at, n - at, other.subarray(cut));
    }
    case 9: {
      // a 16- or 64-bit big-endian length from the edge list
      const wide = r.chance(0.5);
      const value = r.pick(LENGTHS);
      const field = new Uint8Array(wide ? 8 : 2);
      for (let i = 0; i < field.length; i++) field[field.length - 1 - i] = Number((value >> BigInt(8 * i)) & 0xffn);
      return splice(bytes, Math.min(at, n - 1), Math.min(field.length, n - Math.min(at, n - 1)), field);
    }
    default: {
      // swap two bytes
      const out = bytes.slice();
      const a = Math.min(at, n - 1);
      const b = r.int(n);
      [out[a], out[b]] = [out[b]!, out[a]!];
      return out;
    }
  }
}

/** 1 edit most of the time, up to 8. */
export function mutate(r: Rand, bytes: Uint8Array, other: Uint8Array): Uint8Array {
  let out = bytes;
  const edits = 1 + (r.chance(0.5) ? 0 : r.int(8));
  for (let i = 0; i < edits; i++) out = mutateOnce(r, out, other);
  return out;
}

/** Split points (sorted, strictly inside) for `length` bytes: none, a few, or many small pushes. */
export function splitPoints(r: Rand, length: number): number[] {
  if (length <= 1 || r.chance(0.15)) return [];
  const style = r.int(4);
  const cuts = new Set<number>();
  if (style === 3 && length <= 600) {
    // small pushes (1–4 bytes), where headers and UTF-8 sequences get split
    for (let i = 1 + r.int(4); i < length; i += 1 + r.int(4)) cuts.add(i);
  } else {
    const count = style === 0 ? 1 : 1 + r.int(Math.min(32, length - 1));
    for (let i = 0; i < count; i++) cuts.add(1 + r.int(length - 1));
  }
  return [...cuts].sort((a, b) => a - b);
}

export function chunksOf(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    out.push(bytes.subarray(from, cut));
    from = cut;
  }
  out.push(bytes.subarray(from));
  return out;
}

const OPCODES = [0, 0, 1, 1, 2, 2, 8, 9, 10];
const CLOSE_CODES = [1000, 1001, 1002, 1005, 1006, 1011, 1015, 1016, 2999, 3000, 4999, 5000, 0, 65535];
const TEXT = ['', 'a', 'Hello', 'κόσμε', '𝄞', '\u{10ffff}', 'ab\u00e9'];
const PAYLOAD_LENGTHS = [0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 123, 124, 125, 126, 127, 128, 200];
const utf8 = new TextEncoder();

function payloadFor(r: Rand, opcode: number): Uint8Array {
  if (opcode === 8 && r.chance(0.8)) {
    if (r.chance(0.1)) return new Uint8Array(0);
    const code = r.pick(CLOSE_CODES);
    const reason = utf8.encode(r.pick(TEXT).repeat(r.chance(0.1) ? 40 : 1));
    const body = new Uint8Array(2 + reason.length);
    body[0] = code >> 8;
    body[1] = code & 0xff;
    body.set(reason, 2);
    return body;
  }
  const length = r.chance(0.03) ? r.pick([1000, 8192, 65535, 65536]) : r.pick(PAYLOAD_LENGTHS);
  if ((opcode === 1 || opcode === 0) && r.chance(0.7)) {
    let text = '';
    while (text.length < Math.min(length, 64)) text += r.pick(TEXT);
    const bytes = utf8.encode(length > 64 ? text.repeat(Math.ceil(length / text.length)) : text);
    return r.chance(0.1) ? bytes.subarray(0, r.int(bytes.length + 1)) : bytes;
  }
  return r.bytes(length);
}

/**
 * A stream of 1–8 frames from the grammar of RFC 6455 §5.2 with values on its edges: every opcode (reserved ones
 * rarely), fragmented messages with control frames between them, RSV bits, non-minimal and oversized lengths,
 * zero or missing mask keys, close bodies with valid and invalid codes, text that is valid or cut UTF-8.
 */
export function randomFrames(r: Rand, masked: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const count = 1 + r.int(8);
  for (let i = 0; i < count; i++) {
    const opcode = r.chance(0.04) ? r.int(16) : r.pick(OPCODES);
    const b0 = (r.chance(0.75) ? 0x80 : 0) | (r.chance(0.04) ? r.int(8) << 4 : 0) | opcode;
    const withMask = r.chance(0.05) ? !masked : masked;
    const key = withMask ? (r.chance(0.05) ? new Uint8Array(4) : r.bytes(4)) : null;
    // A header that only announces (2^53, 2^63, more than follows), or one with its payload.
    const announce = r.chance(0.03) ? r.pick([2 ** 53, 2 ** 63, 70000, 126]) : -1;
    const payload = announce < 0 ? payloadFor(r, opcode) : new Uint8Array(0);
    const length = announce < 0 ? payload.length : announce;
    // The minimal length form, or now and then a longer one than needed (RFC 6455 §5.2 forbids it).
    const minimal = length < 126 ? 7 : length < 65536 ? 16 : 64;
    const form = r.chance(0.05) ? Math.max(minimal, r.pick([7, 16, 64])) : minimal;
    const head = new Uint8Array(2 + (form === 16 ? 2 : form === 64 ? 8 : 0) + (key ? 4 : 0));
    head[0] = b0;
    head[1] = (key ? 0x80 : 0) | (form === 7 ? length : form === 16 ? 126 : 127);
    if (form === 16) new DataView(head.buffer).setUint16(2, length);
    if (form === 64) new DataView(head.buffer).setBigUint64(2, BigInt(length));
    if (key) {
      head.set(key, head.length - 4);
      for (let j = 0; j < payload.length; j++) payload[j]! ^= key[j & 3]!;
    }
    parts.push(head, payload);
    total += head.length + payload.length;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const HEADER_CHARS = ' \t,;="\\!#$%&\'*+-.^_`|~0123456789abcdefzAZ\u00e9\u0000\r\n\u2028';

/** A header value edited as text: byte edits on its Latin-1 form, plus now and then a character from the edges. */
export function mutateText(r: Rand, value: string, other: string): string {
  const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  let out = String.fromCharCode(...mutate(r, latin1(value), latin1(other)).subarray(0, 20000));
  if (r.chance(0.3)) {
    const at = r.int(out.length + 1);
    out = out.slice(0, at) + r.pick([...HEADER_CHARS]) + out.slice(at);
  }
  return out;
}

/**
 * The fuzzer's own wire layer, independent of src/ (an oracle must not share code with what it tests): frame
 * serialisation exactly as the Autobahn fuzzer (autobahn-python's `sendFrame`) writes it (minimal lengths,
 * `rsv` number → bits, a fresh random mask per frame when masking), and a frame reader for what the peer sends
 * back.
 */
import { randomBytes } from 'node:crypto';

export const OP = { CONT: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

export interface FrameOut {
  opcode: number;
  fin?: boolean;
  /** Autobahn's rsv number 0..7: byte 0 gets (rsv % 8) << 4 (1 → RSV3, 2 → RSV2, 4 → RSV1). */
  rsv?: number;
  payload?: Uint8Array;
}

/** `payload_len=N` with a short pattern: repeated and truncated to exactly N bytes (§1.2). */
export function repeat(pattern: Uint8Array | string, length: number): Uint8Array {
  const p = typeof pattern === 'string' ? Buffer.from(pattern, 'latin1') : pattern;
  const out = Buffer.allocUnsafe(length);
  if (length === 0) return out;
  out.set(p.subarray(0, Math.min(p.length, length)));
  for (let have = Math.min(p.length, length); have < length; have *= 2)
    out.copyWithin(have, 0, Math.min(have, length - have));
  return out;
}

export const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
export const hexBytes = (h: string): Uint8Array => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** Header bytes for a frame (minimal length form), with the mask key appended when `mask` is given. */
export function frameHeader(
  opcode: number,
  length: number,
  fin: boolean,
  rsv: number,
  mask: Uint8Array | null,
): Uint8Array {
  const head: number[] = [(fin ? 0x80 : 0) | ((rsv % 8) << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  if (length <= 125) head.push(maskBit | length);
  else if (length <= 0xffff) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) head.push(Number((big >> BigInt(i * 8)) & 0xffn));
  }
  if (mask) head.push(...mask);
  return Uint8Array.from(head);
}

/** XOR `data` with `mask`, starting at mask phase `offset` (a copy; the input is not touched). */
export function applyMask(data: Uint8Array, mask: Uint8Array, offset = 0): Uint8Array {
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ mask[(offset + i) & 3]!;
  return out;
}

export const newMask = (): Uint8Array => randomBytes(4);

/** A whole frame, masked with a fresh key when `masked`. */
export function encodeFrame(frame: FrameOut, masked: boolean): Uint8Array {
  const payload = frame.payload ?? new Uint8Array(0);
  const mask = masked ? newMask() : null;
  const head = frameHeader(frame.opcode, payload.length, frame.fin ?? true, frame.rsv ?? 0, mask);
  return Buffer.concat([head, mask ? applyMask(payload, mask) : payload]);
}

/** Close frame body: optional 2-byte code, then raw reason bytes (the fuzzer's sendCloseFrame allows anything). */
export function closeBody(code?: number, reason?: Uint8Array): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  return Buffer.concat([Uint8Array.from([code >> 8, code & 0xff]), reason ?? new Uint8Array(0)]);
}

export interface FrameIn {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/**
 * Reads frames from a byte stream in any split. Keeps a list of chunks and copies each payload once, so a
 * 16 MiB message arriving in 64 KiB reads costs O(size).
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private available = 0;

  push(chunk: Uint8Array): FrameIn[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.available += chunk.length;
    }
    const frames: FrameIn[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    for (const c of this.chunks) {
      const take = Math.min(c.length, n - filled);
      out.set(c.subarray(0, take), filled);
      filled += take;
      if (filled === n) break;
    }
    return out;
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.available -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const part = Math.min(c.length, n - filled);
      out.set(c.subarray(0, part), filled);
      filled += part;
      if (part === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    this.available -= n;
    return out;
  }

  private next(): FrameIn | null {
    if (this.available < 2) return null;
    const h = this.peek(Math.min(14, this.available));
    const b0 = h[0]!,
      b1 = h[1]!;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let headerLength = 2;
    if (length === 126) {
      if (h.length < 4) return null;
      length = (h[2]! << 8) | h[3]!;
      headerLength = 4;
    } else if (length === 127) {
      if (h.length < 10) return null;
      length = Number(Buffer.from(h.subarray(2, 10)).readBigUInt64BE());
      headerLength = 10;
    }
    const maskOffset = headerLength;
    if (masked) headerLength += 4;
    if (this.available < headerLength + length) return null;
    const mask = masked ? h.slice(maskOffset, maskOffset + 4) : null;
    this.take(headerLength);
    let payload = this.take(length);
    if (mask) payload = applyMask(payload, mask);
    return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked, payload };
  }
}

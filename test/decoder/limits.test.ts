/**
 * Limits (maxFrameSize, maxMessageSize, maxFragments) are enforced from the header, before any payload is
 * buffered: an oversized frame costs its header, never its announced length in memory.
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MessageDecoder, WebSocketError } from '../../src/index.js';
import { BACKENDS, concat, frame } from '../helpers.js';

function thrown(fn: () => unknown): WebSocketError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebSocketError) return e;
    throw e;
  }
  throw new Error('expected a WebSocketError');
}

describe.each(BACKENDS)('limits on the %s backend', (backend) => {
  it('fails 1009 on a header announcing 2^63 - 1 bytes, without allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    const head = frame({ opcode: 2, announce: (1n << 63n) - 1n }, true);
    const e = thrown(() => new MessageDecoder({ role: 'server', backend }).push(head));
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  it('fails 1002 on a 64-bit length with the most significant bit set (RFC 6455 §5.2)', () => {
    const e = thrown(() =>
      new FrameDecoder({ role: 'client', backend }).push(frame({ opcode: 2, announce: 1n << 63n }, false)),
    );
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_INVALID_PAYLOAD_LENGTH', 1002]);
  });

  it('fails 1009 from the header of a frame above maxMessageSize, before its payload arrives', () => {
    const decoder = new MessageDecoder({ role: 'server', backend, maxMessageSize: 1000 });
    const head = frame({ opcode: 2, payload: new Uint8Array(1001) }, true).subarray(0, 8);
    const e = thrown(() => decoder.push(head));
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009]);
    // The decoder stays failed and rethrows the same error.
    expect(thrown(() => decoder.push(new Uint8Array([1])))).toBe(e);
  });

  it('counts the whole message across fragments for maxMessageSize', () => {
    const bytes = concat([
      frame({ opcode: 1, fin: false, payload: 'a'.repeat(600) }, true),
      frame({ opcode: 9, payload: 'ping' }, true),
      frame({ opcode: 0, payload: 'b'.repeat(401) }, true),
    ]);
    const e = thrown(() => new MessageDecoder({ role: 'server', backend, maxMessageSize: 1000 }).push(bytes));
    expect(e.closeCode).toBe(1009);
    expect(e.messages).toEqual([{ type: 'ping', data: new TextEncoder().encode('ping') }]);
  });

  it('fails 1009 above maxFrameSize even when the message limit is larger', () => {
    const e = thrown(() =>
      new MessageDecoder({ role: 'server', backend, maxFrameSize: 100, maxMessageSize: 1000 }).push(
        frame({ opcode: 2, payload: new Uint8Array(101) }, true),
      ),
    );
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_FRAME_TOO_LARGE', 1009]);
  });

  it('fails 1008 above maxFragments, counting empty fragments', () => {
    const parts = [frame({ opcode: 1, fin: false }, true)];
    for (let i = 0; i < 3; i++) parts.push(frame({ opcode: 0, fin: false }, true));
    const e = thrown(() => new MessageDecoder({ role: 'server', backend, maxFragments: 3 }).push(concat(parts)));
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_TOO_MANY_FRAGMENTS', 1008]);
  });

  it('accepts 65,536 fragments by default (Autobahn 9.3.1) and 100,000 empty fragments in bounded memory', () => {
    const decoder = new MessageDecoder({ role: 'server', backend });
    const empty = frame({ opcode: 0, fin: false }, true);
    expect(decoder.push(frame({ opcode: 2, fin: false, payload: new Uint8Array([1]) }, true))).toEqual([]);
    const batch = concat(Array.from({ length: 1000 }, () => empty));
    if (globalThis.gc) globalThis.gc();
    const before = process.memoryUsage();
    for (let i = 0; i < 100; i++) expect(decoder.push(batch)).toEqual([]);
    if (globalThis.gc) globalThis.gc();
    const after = process.memoryUsage();
    // Nothing is retained per fragment: the growth stays far below one object per fragment (100k × ~100 B).
    expect(after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)).toBeLessThan(4 << 20);
    const last = decoder.push(frame({ opcode: 0, payload: new Uint8Array([2]) }, true));
    expect(last).toEqual([{ type: 'binary', data: new Uint8Array([1, 2]) }]);
  });

  it('delivers a 16 MiB message with the default limits (Autobahn 9.1.6)', () => {
    const payload = new Uint8Array(16 << 20).fill(0x2a);
    const bytes = frame({ opcode: 2, payload }, true);
    const decoder = new MessageDecoder({ role: 'server', backend });
    const got = [];
    for (let i = 0; i < bytes.length; i += 65536) got.push(...decoder.push(bytes.subarray(i, i + 65536)));
    expect(got.length).toBe(1);
    expect((got[0] as { data: Uint8Array }).data.length).toBe(16 << 20);
  });

  it('reports a stream that ends inside a frame as WS_ERR_UNEXPECTED_EOF (1006)', () => {
    const decoder = new MessageDecoder({ role: 'server', backend });
    decoder.push(frame({ opcode: 1, payload: 'hello' }, true).subarray(0, 4));
    const e = thrown(() => decoder.end());
    expect([e.code, e.closeCode]).toEqual(['WS_ERR_UNEXPECTED_EOF', 1006]);
    const clean = new MessageDecoder({ role: 'server', backend });
    clean.push(frame({ opcode: 1, payload: 'hello' }, true));
    expect(() => clean.end()).not.toThrow();
  });
});

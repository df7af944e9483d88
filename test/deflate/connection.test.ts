/**
 * permessage-deflate through the handshake functions and Connection pairs (client ↔ server, no sockets): the
 * offer, the agreement both sides reach, and messages both ways with context takeover on and off, windows 9–15,
 * thresholds and fragment sizes — checked to arrive intact and to travel compressed (RSV1 on the wire).
 */
import { describe, expect, it } from 'vitest';
import { deflate, type PerMessageDeflateOptions } from '../../src/deflate/index.js';
import {
  Connection,
  buildUpgradeRequest,
  buildUpgradeResponse,
  checkUpgradeRequest,
  verifyUpgradeResponse,
  type ConnectionEvent,
} from '../../src/index.js';
import { BACKENDS, concat } from '../helpers.js';

/** Move bytes both ways until neither side has anything to send; `wire` records every chunk the client got. */
function pump(a: Connection, b: Connection, wire?: { toA: Uint8Array[]; toB: Uint8Array[] }) {
  const events = { a: [] as ConnectionEvent[], b: [] as ConnectionEvent[] };
  for (let round = 0; round < 10; round++) {
    const fromA = concat(a.bytesToSend());
    const fromB = concat(b.bytesToSend());
    if (fromA.length === 0 && fromB.length === 0) break;
    if (fromA.length) {
      wire?.toB.push(fromA);
      events.b.push(...b.receive(fromA));
    }
    if (fromB.length) {
      wire?.toA.push(fromB);
      events.a.push(...a.receive(fromB));
    }
  }
  return events;
}

/** A client and a server Connection, opened through their own handshake with these deflate options. */
function pair(
  backend: 'wasm' | 'js',
  client?: PerMessageDeflateOptions,
  server?: PerMessageDeflateOptions,
  fragmentSize = 0,
) {
  const c = new Connection({
    role: 'client',
    backend,
    fragmentSize,
    handshake: { host: 'h', ...(client && { perMessageDeflate: deflate(client) }) },
  });
  const s = new Connection({
    role: 'server',
    backend,
    fragmentSize,
    handshake: server ? { perMessageDeflate: deflate(server) } : {},
  });
  const opened = pump(c, s);
  expect(opened.a[0]?.type).toBe('open');
  expect(opened.b[0]?.type).toBe('open');
  return { c, s };
}

/** Frame headers' first bytes in a stream of unmasked (server) or masked (client) frames. */
function firstBytes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const len7 = bytes[at + 1]! & 0x7f;
    const masked = (bytes[at + 1]! & 0x80) !== 0;
    const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const length =
      len7 === 126
        ? (bytes[at + 2]! << 8) | bytes[at + 3]!
        : len7 === 127
          ? Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2).getBigUint64(0))
          : len7;
    out.push(bytes[at]!);
    at += 2 + extra + (masked ? 4 : 0) + length;
  }
  return out;
}

const corpus = (n: number, seed: number): string =>
  Array.from(
    { length: n },
    (_, i) => `{"id":${i * seed},"price":${(i * 7919) % 1000},"side":"${i % 3 ? 'buy' : 'sell'}"}`,
  ).join(',');

describe('the handshake functions with perMessageDeflate', () => {
  it('offer → agreement → 101 with Sec-WebSocket-Extensions → the client reads the same agreement', () => {
    const client = deflate({ clientMaxWindowBits: 12, serverNoContextTakeover: true });
    const server = deflate({ serverMaxWindowBits: 10 });
    const { headers, key } = buildUpgradeRequest({ host: 'h', perMessageDeflate: client });
    expect(headers['Sec-WebSocket-Extensions']).toBe(
      'permessage-deflate; server_no_context_takeover; client_max_window_bits=12',
    );
    const accepted = checkUpgradeRequest({ method: 'GET', httpVersion: '1.1', headers }, { perMessageDeflate: server });
    if (!accepted.ok) throw new Error(accepted.reason);
    expect(accepted.deflate).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 12,
    });
    const response = buildUpgradeResponse(accepted);
    expect(response).toContain(
      '\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; server_max_window_bits=10; ' +
        'client_max_window_bits=12\r\n',
    );
    const field = /Sec-WebSocket-Extensions: (.*)\r\n/.exec(response)![1]!;
    const verified = verifyUpgradeResponse(
      {
        status: 101,
        headers: {
          upgrade: 'websocket',
          connection: 'upgrade',
          'sec-websocket-accept': accepted.accept,
          'sec-websocket-extensions': field,
        },
      },
      { key, perMessageDeflate: client },
    );
    expect(verified).toMatchObject({ ok: true, deflate: accepted.deflate });
  });

  it('declines (never fails) an offer with a repeated parameter, and without the option accepts no extension', () => {
    const headers = {
      host: 'h',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    };
    const repeated = {
      ...headers,
      'sec-websocket-extensions':
        'permessage-deflate; server_max_window_bits=10; server_max_window_bits=11, permessage-deflate',
    };
    const result = checkUpgradeRequest(
      { method: 'GET', httpVersion: '1.1', headers: repeated },
      { perMessageDeflate: deflate() },
    );
    expect(result).toMatchObject({
      ok: true,
      deflate: { serverMaxWindowBits: 15 },
      agreedExtensions: [{ name: 'permessage-deflate', params: {} }],
    });
    const plain = checkUpgradeRequest({
      method: 'GET',
      httpVersion: '1.1',
      headers: { ...headers, 'sec-websocket-extensions': 'permessage-deflate' },
    });
    expect(plain).toMatchObject({ ok: true, deflate: undefined, agreedExtensions: [] });
    expect(buildUpgradeResponse(plain as never)).not.toContain('Extensions');
  });

  it('fails the client on a response that accepts permessage-deflate without an offer, or outside the offer', () => {
    const base = {
      upgrade: 'websocket',
      connection: 'upgrade',
      'sec-websocket-accept': 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    };
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const with_ = (ext: string) => ({ status: 101, headers: { ...base, 'sec-websocket-extensions': ext } });
    expect(verifyUpgradeResponse(with_('permessage-deflate'), { key }).ok).toBe(false);
    const offered = { key, perMessageDeflate: deflate({ serverMaxWindowBits: 10 }) };
    expect(verifyUpgradeResponse(with_('permessage-deflate; server_max_window_bits=12'), offered).ok).toBe(false);
    expect(verifyUpgradeResponse(with_('permessage-deflate, permessage-deflate'), offered).ok).toBe(false);
    expect(verifyUpgradeResponse(with_('permessage-deflate; server_max_window_bits=9'), offered)).toMatchObject({
      ok: true,
    });
  });

  it('refuses a perMessageDeflate that is not what deflate() returns', () => {
    expect(() => buildUpgradeRequest({ host: 'h', perMessageDeflate: true as never })).toThrow(TypeError);
    expect(() =>
      checkUpgradeRequest({ method: 'GET', httpVersion: '1.1', headers: {} }, { perMessageDeflate: {} as never }),
    ).toThrow(TypeError);
  });
});

describe.each(BACKENDS)('Connection pairs with permessage-deflate, backend %s', (backend) => {
  it('agree, report the extension on both sides, and carry messages compressed both ways', () => {
    const { c, s } = pair(backend, {}, {});
    expect(c.extensions).toEqual([{ name: 'permessage-deflate', params: {} }]);
    expect(s.extensions).toEqual([{ name: 'permessage-deflate', params: {} }]);
    const wire = { toA: [] as Uint8Array[], toB: [] as Uint8Array[] };
    const text = corpus(40, 3);
    c.send(text);
    s.send(new TextEncoder().encode(text));
    c.send('short');
    const { a, b } = pump(c, s, wire);
    expect(b).toEqual([
      { type: 'text', data: text },
      { type: 'text', data: 'short' },
    ]);
    expect(a).toEqual([{ type: 'binary', data: new TextEncoder().encode(text) }]);
    expect(firstBytes(concat(wire.toB))).toEqual([0xc1, 0x81]); // below the 1024-byte threshold: uncompressed
    expect(firstBytes(concat(wire.toA))).toEqual([0xc2]);
    expect(concat(wire.toB).length).toBeLessThan(text.length / 2);
  });

  it('runs uncompressed when only one side has it', () => {
    for (const [client, server] of [
      [{}, undefined],
      [undefined, {}],
    ] as const) {
      const { c, s } = pair(backend, client, server);
      expect([c.extensions, s.extensions]).toEqual([[], []]);
      const wire = { toA: [] as Uint8Array[], toB: [] as Uint8Array[] };
      c.send(corpus(40, 1));
      expect(pump(c, s, wire).b).toEqual([{ type: 'text', data: corpus(40, 1) }]);
      expect(firstBytes(concat(wire.toB))).toEqual([0x81]);
    }
  });

  const variants: [string, PerMessageDeflateOptions, PerMessageDeflateOptions, number][] = [
    ['takeover both ways, windows 15', {}, {}, 0],
    ['no takeover either way', { clientNoContextTakeover: true, serverNoContextTakeover: true }, {}, 0],
    ['server asks for no takeover', {}, { serverNoContextTakeover: true, clientNoContextTakeover: true }, 0],
    ['windows 9', { clientMaxWindowBits: 9, serverMaxWindowBits: 9 }, {}, 0],
    ['windows 10 and 12, fragments of 100', { serverMaxWindowBits: 10 }, { clientMaxWindowBits: 12 }, 100],
    [
      'windows 13/14, threshold 0, fragments of 1',
      { clientMaxWindowBits: 14, threshold: 0 },
      { serverMaxWindowBits: 13, threshold: 0 },
      1,
    ],
    ['window 11, threshold 64', { threshold: 64, serverMaxWindowBits: 11 }, { threshold: 64 }, 7],
  ];
  for (const [title, client, server, fragmentSize] of variants) {
    it(`round-trips messages both ways: ${title}`, () => {
      const { c, s } = pair(backend, client, server, fragmentSize);
      const messages = [corpus(30, 1), '', 'x'.repeat(70), corpus(200, 5), corpus(30, 1), 'Grüße 𝄞'.repeat(300)];
      for (let round = 0; round < 2; round++) {
        for (const m of messages) {
          c.send(m);
          s.send(m);
          c.send(new TextEncoder().encode(m));
        }
        const { a, b } = pump(c, s);
        expect(a.map((e) => (e.type === 'text' ? e.data : '?'))).toEqual(messages);
        expect(b.filter((e) => e.type === 'text').map((e) => (e as { data: string }).data)).toEqual(messages);
        expect(b.filter((e) => e.type === 'binary').length).toBe(messages.length);
      }
      c.close(1000);
      const closing = pump(c, s);
      expect(closing.b).toEqual([{ type: 'close', code: 1000, reason: '' }]);
      expect([c.state, s.state]).toEqual(['CLOSED', 'CLOSED']);
    });
  }

  it('fails the connection 1007 on corrupt compressed data and 1009 on an inflated size above maxMessageSize', () => {
    const { c, s } = pair(backend, {}, {});
    const events = s.receive(new Uint8Array([0xc2, 0x84, 1, 2, 3, 4, 0xfe, 0xfd, 0xfc, 0xfb]));
    expect(events).toMatchObject([
      { type: 'error', error: { code: 'WS_ERR_INVALID_COMPRESSED_DATA', closeCode: 1007 } },
    ]);
    expect(s.bytesToSend()[0]!.subarray(0, 4)).toEqual(new Uint8Array([0x88, 0x02, 0x03, 0xef]));
    const small = new Connection({
      role: 'server',
      backend,
      maxMessageSize: 1000,
      handshake: { perMessageDeflate: deflate() },
    });
    const client = new Connection({ role: 'client', backend, handshake: { host: 'h', perMessageDeflate: deflate() } });
    pump(client, small);
    client.send(new Uint8Array(5000));
    expect(pump(client, small).b).toMatchObject([{ type: 'error', error: { closeCode: 1009 } }]);
    expect(c.state).toBe('OPEN');
  });
});

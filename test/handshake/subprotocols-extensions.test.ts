/** Opening handshake: Sec-WebSocket-Protocol and Sec-WebSocket-Extensions, parsed, selected and formatted. */
import { describe, expect, it } from 'vitest';
import { formatExtensions, HandshakeError, parseExtensions, parseProtocols, selectProtocol } from '../../src/index.js';

describe('Sec-WebSocket-Protocol and Sec-WebSocket-Extensions', () => {
  it('parses protocol lists (RFC 6455 §4.1 item 10)', () => {
    expect(parseProtocols(undefined)).toEqual([]);
    expect(parseProtocols('chat, superchat')).toEqual(['chat', 'superchat']);
    expect(parseProtocols(' v1.stomp ,v2.stomp,, ')).toEqual(['v1.stomp', 'v2.stomp']);
    expect(() => parseProtocols('a b')).toThrow(HandshakeError);
    expect(() => parseProtocols('x, x')).toThrow(/duplicate/);
  });

  it('selects by client order or server order', () => {
    expect(selectProtocol(['a', 'b', 'c'], ['c', 'b'])).toBe('b');
    expect(selectProtocol(['a', 'b', 'c'], ['c', 'b'], 'server')).toBe('c');
    expect(selectProtocol(['a'], ['A'])).toBeUndefined(); // case-sensitive
  });

  it('parses the RFC 6455 §9.1 examples', () => {
    expect(parseExtensions('foo, bar; baz=2')).toEqual([
      { name: 'foo', params: {} },
      { name: 'bar', params: { baz: '2' } },
    ]);
    expect(parseExtensions('mux; max-channels=4; flow-control, deflate-stream')).toEqual([
      { name: 'mux', params: { 'max-channels': '4', 'flow-control': true } },
      { name: 'deflate-stream', params: {} },
    ]);
    expect(parseExtensions('private-extension')).toEqual([{ name: 'private-extension', params: {} }]);
  });

  it('unquotes quoted-string values (with escapes) and keeps repeated offers in order (Autobahn 13.7)', () => {
    expect(parseExtensions('x; a="1"; b="\\2"')).toEqual([{ name: 'x', params: { a: '1', b: '2' } }]);
    const offers = parseExtensions(
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=9, permessage-deflate; server_no_context_takeover, permessage-deflate',
    );
    expect(offers.map((o) => o.params)).toEqual([
      { server_no_context_takeover: true, server_max_window_bits: '9' },
      { server_no_context_takeover: true },
      {},
    ]);
    expect(parseExtensions('  a ;b = 1 ,  c  ')).toEqual([
      { name: 'a', params: { b: '1' } },
      { name: 'c', params: {} },
    ]);
    expect(parseExtensions(undefined)).toEqual([]);
  });

  for (const bad of ['a;', 'a; =1', 'a; b=', 'a; b="x', 'a b', 'a; b=1; b=2', ';a', 'a,,b;', 'a; b="\\', '', ', ,']) {
    it(`rejects malformed extensions ${JSON.stringify(bad)} with 400`, () => {
      try {
        parseExtensions(bad);
        throw new Error('no error');
      } catch (error) {
        expect(error).toBeInstanceOf(HandshakeError);
        expect((error as HandshakeError).status).toBe(400);
      }
    });
  }

  it('formats extensions back', () => {
    expect(formatExtensions(parseExtensions('bar; baz=2; q, foo'))).toBe('bar; baz=2; q, foo');
  });
});

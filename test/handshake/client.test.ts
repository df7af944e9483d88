/** Opening handshake (RFC 6455 §4.1): the client's response verifier. */
import { describe, expect, it } from 'vitest';
import { acceptKey, verifyUpgradeResponse } from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY } from './fixtures.js';

describe('client: verifyUpgradeResponse (RFC 6455 §4.1)', () => {
  const good = { Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Accept': RFC_ACCEPT };
  const verify = (status: number, headers: Record<string, string>, protocols?: string[], extensions?: string[]) =>
    verifyUpgradeResponse({ status, headers }, { key: RFC_KEY, protocols, extensions });

  it('accepts the RFC 6455 §1.3 response and reports the subprotocol', () => {
    expect(verify(101, { ...good, 'Sec-WebSocket-Protocol': 'chat' }, ['chat', 'superchat'])).toEqual({
      ok: true,
      protocol: 'chat',
      extensions: [],
    });
    expect(verify(101, good, ['chat'])).toEqual({ ok: true, protocol: undefined, extensions: [] });
  });

  const failures: [string, number, Record<string, string>, string[]?, string[]?][] = [
    ['a 200', 200, good],
    ['a 426', 426, { ...good, 'Sec-WebSocket-Version': '13' }],
    ['no Upgrade', 101, { Connection: 'Upgrade', 'Sec-WebSocket-Accept': RFC_ACCEPT }],
    ['Upgrade: h2c', 101, { ...good, Upgrade: 'h2c' }],
    ['no Connection', 101, { Upgrade: 'websocket', 'Sec-WebSocket-Accept': RFC_ACCEPT }],
    ['a wrong accept', 101, { ...good, 'Sec-WebSocket-Accept': acceptKey('AAAAAAAAAAAAAAAAAAAAAA==') }],
    ['no accept', 101, { Upgrade: 'websocket', Connection: 'Upgrade' }],
    ['a subprotocol that was not offered', 101, { ...good, 'Sec-WebSocket-Protocol': 'superchat' }, ['chat']],
    ['a subprotocol when none was offered', 101, { ...good, 'Sec-WebSocket-Protocol': 'chat' }],
    ['an extension that was not offered', 101, { ...good, 'Sec-WebSocket-Extensions': 'permessage-deflate' }],
    ['a malformed extension header', 101, { ...good, 'Sec-WebSocket-Extensions': 'a;' }, [], ['a']],
    ['CR/LF in a header', 101, { ...good, 'X-A': 'a\r\nb' }],
  ];
  for (const [title, status, headers, protocols, extensions] of failures) {
    it(`fails on ${title}`, () => {
      const result = verify(status, headers, protocols, extensions);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toBe('');
    });
  }

  it('accepts an extension that was offered', () => {
    expect(verify(101, { ...good, 'Sec-WebSocket-Extensions': 'x-test; a=1' }, [], ['x-test'])).toEqual({
      ok: true,
      protocol: undefined,
      extensions: [{ name: 'x-test', params: { a: '1' } }],
    });
  });
});

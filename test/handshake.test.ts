/**
 * Opening handshake (RFC 6455 §4): accept key, key generation, the server's request check (every rejection
 * path), subprotocol selection, Sec-WebSocket-Extensions parsing, response/request builders, the client's
 * response verifier and the HTTP head parser.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import {
  acceptKey,
  buildRejectResponse,
  buildUpgradeRequest,
  buildUpgradeResponse,
  checkUpgradeRequest,
  formatExtensions,
  generateKey,
  HandshakeError,
  parseExtensions,
  parseHttpHead,
  parseProtocols,
  selectProtocol,
  verifyUpgradeResponse,
  type AcceptedUpgrade,
  type RejectedUpgrade,
  type UpgradeRequest,
} from '../src/index.js';

const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** The client handshake of RFC 6455 §1.2 / §4.1, as Node's http parser hands it over (lower-case keys). */
function rfcRequest(
  overrides: Record<string, string | undefined> = {},
  method = 'GET',
  httpVersion = '1.1',
): UpgradeRequest {
  const headers: Record<string, string | undefined> = {
    host: 'server.example.com',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': RFC_KEY,
    origin: 'http://example.com',
    'sec-websocket-protocol': 'chat, superchat',
    'sec-websocket-version': '13',
    ...overrides,
  };
  return { method, httpVersion, headers };
}

function rejected(result: AcceptedUpgrade | RejectedUpgrade): RejectedUpgrade {
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

function accepted(result: AcceptedUpgrade | RejectedUpgrade): AcceptedUpgrade {
  if (!result.ok) throw new Error(`expected acceptance, got ${result.status} ${result.reason}`);
  return result;
}

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('acceptKey and generateKey (RFC 6455 §4.2.2, §4.1)', () => {
  it('computes Sec-WebSocket-Accept as in RFC 6455 §1.3', () => {
    expect(acceptKey(RFC_KEY)).toBe(RFC_ACCEPT);
  });

  it('agrees with node:crypto SHA-1 for many keys (block boundaries included)', () => {
    for (let n = 0; n < 200; n++) {
      const key = Buffer.from(Array.from({ length: n % 90 }, (_, i) => (i * 7 + n) & 0xff)).toString('base64');
      const expected = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      expect(acceptKey(key)).toBe(expected);
    }
  });

  it('generates base64 of 16 random bytes, different every time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateKey()));
    expect(keys.size).toBe(100);
    for (const k of keys) {
      expect(k).toMatch(/^[A-Za-z0-9+/]{21}[AQgw]==$/);
      expect(Buffer.from(k, 'base64')).toHaveLength(16);
      expect(accepted(checkUpgradeRequest(rfcRequest({ 'sec-websocket-key': k }))).accept).toBe(acceptKey(k));
    }
  });
});

describe('server: checkUpgradeRequest (RFC 6455 §4.2.1)', () => {
  it('accepts the RFC 6455 §1.2 example and picks "chat" from the client order', () => {
    const result = accepted(checkUpgradeRequest(rfcRequest(), { protocols: ['superchat', 'chat'] }));
    expect(result).toMatchObject({
      key: RFC_KEY,
      accept: RFC_ACCEPT,
      protocol: 'chat',
      offeredProtocols: ['chat', 'superchat'],
      origin: 'http://example.com',
    });
    expect(result.extensions).toEqual([]);
  });

  it("lets the server's order win with protocolPreference: 'server'", () => {
    const result = accepted(
      checkUpgradeRequest(rfcRequest(), { protocols: ['superchat', 'chat'], protocolPreference: 'server' }),
    );
    expect(result.protocol).toBe('superchat');
  });

  it('selects no subprotocol when none matches, or when the server speaks none', () => {
    expect(accepted(checkUpgradeRequest(rfcRequest(), { protocols: ['mqtt'] })).protocol).toBeUndefined();
    expect(accepted(checkUpgradeRequest(rfcRequest())).protocol).toBeUndefined();
  });

  it('accepts Fetch Headers, Maps and [name, value] lists, case-insensitively', () => {
    const pairs: [string, string][] = [
      ['Host', 'h'],
      ['UPGRADE', 'WebSocket'],
      ['connection', 'keep-alive, Upgrade'],
      ['Sec-WebSocket-Key', RFC_KEY],
      ['Sec-WebSocket-Version', '13'],
    ];
    for (const headers of [pairs, new Map(pairs), new Headers(pairs)]) {
      expect(accepted(checkUpgradeRequest({ method: 'GET', httpVersion: 'HTTP/1.1', headers })).accept).toBe(
        RFC_ACCEPT,
      );
    }
  });

  it('accepts HTTP/2.0-style versions above 1.1 and Upgrade/Connection token lists', () => {
    expect(checkUpgradeRequest(rfcRequest({}, 'GET', '2.0')).ok).toBe(true);
    expect(checkUpgradeRequest(rfcRequest({ upgrade: 'foo/1, WEBSOCKET', connection: 'keep-alive,upgrade' })).ok).toBe(
      true,
    );
  });

  it('parses extension offers and returns them in order', () => {
    const result = accepted(
      checkUpgradeRequest(
        rfcRequest({
          'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, x-webkit-deflate-frame',
        }),
      ),
    );
    expect(result.extensions).toEqual([
      { name: 'permessage-deflate', params: { client_max_window_bits: true } },
      { name: 'x-webkit-deflate-frame', params: {} },
    ]);
  });

  const rejections: [string, UpgradeRequest, number, Record<string, string>?][] = [
    ['405 for POST (§4.2.1 item 1)', rfcRequest({}, 'POST'), 405, { Allow: 'GET' }],
    ['400 for HTTP/1.0 (§4.2.1 item 1)', rfcRequest({}, 'GET', '1.0'), 400],
    ['400 for a malformed HTTP version', rfcRequest({}, 'GET', 'one'), 400],
    ['400 without Host (§4.2.1 item 2)', rfcRequest({ host: undefined }), 400],
    ['400 without Upgrade (§4.2.1 item 3)', rfcRequest({ upgrade: undefined }), 400],
    ['400 for Upgrade: h2c (§4.2.1 item 3)', rfcRequest({ upgrade: 'h2c' }), 400],
    ['400 without Connection (§4.2.1 item 4)', rfcRequest({ connection: undefined }), 400],
    ['400 for Connection: keep-alive (§4.2.1 item 4)', rfcRequest({ connection: 'keep-alive' }), 400],
    ['400 for Connection: upgraded (a token, not a substring)', rfcRequest({ connection: 'upgraded' }), 400],
    [
      '426 with Sec-WebSocket-Version: 13 for version 8 (§4.2.2 step 4)',
      rfcRequest({ 'sec-websocket-version': '8' }),
      426,
      { 'Sec-WebSocket-Version': '13' },
    ],
    [
      '426 without Sec-WebSocket-Version',
      rfcRequest({ 'sec-websocket-version': undefined }),
      426,
      { 'Sec-WebSocket-Version': '13' },
    ],
    ['400 without Sec-WebSocket-Key (§4.2.1 item 5)', rfcRequest({ 'sec-websocket-key': undefined }), 400],
    ['400 for a key of 15 bytes', rfcRequest({ 'sec-websocket-key': Buffer.alloc(15, 1).toString('base64') }), 400],
    ['400 for a key of 17 bytes', rfcRequest({ 'sec-websocket-key': Buffer.alloc(17, 1).toString('base64') }), 400],
    ['400 for a key that is not base64', rfcRequest({ 'sec-websocket-key': 'not base64 at all!!!!!==' }), 400],
    [
      '400 for a non-canonical base64 key (trailing bits set)',
      rfcRequest({ 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZR==' }),
      400,
    ],
    [
      '400 for two keys (joined by ", ")',
      {
        method: 'GET',
        httpVersion: '1.1',
        headers: [
          ...Object.entries(rfcRequest().headers as Record<string, string>),
          ['sec-websocket-key', RFC_KEY],
        ] as [string, string][],
      },
      400,
    ],
    ['400 for an invalid subprotocol token', rfcRequest({ 'sec-websocket-protocol': 'chat, bad protocol' }), 400],
    ['400 for a duplicated subprotocol', rfcRequest({ 'sec-websocket-protocol': 'chat, chat' }), 400],
    ['400 for a malformed Sec-WebSocket-Extensions', rfcRequest({ 'sec-websocket-extensions': 'foo; =1' }), 400],
    [
      '400 for a Sec-WebSocket-Protocol without a name (RFC 9110 §5.6.1)',
      rfcRequest({ 'sec-websocket-protocol': ' , ' }),
      400,
    ],
    [
      '400 for an empty Sec-WebSocket-Extensions (RFC 9110 §5.6.1)',
      rfcRequest({ 'sec-websocket-extensions': '' }),
      400,
    ],
    ['400 for CR/LF in a header value (injection)', rfcRequest({ 'x-evil': 'a\r\nSec-WebSocket-Protocol: evil' }), 400],
    ['400 for a bare LF in a header value', rfcRequest({ 'sec-websocket-protocol': 'chat\nx' }), 400],
    ['400 for NUL in a header value', rfcRequest({ origin: 'http://example.com\0' }), 400],
    ['400 for an invalid header name', rfcRequest({ 'bad name': 'x' }), 400],
    ['431 for headers above maxHeaderBytes', rfcRequest({ cookie: 'a'.repeat(20000) }), 431],
  ];
  for (const [title, request, status, headers] of rejections) {
    it(`rejects: ${title}`, () => {
      const result = rejected(checkUpgradeRequest(request));
      expect(result.status).toBe(status);
      expect(result.reason).not.toBe('');
      expect(result.headers).toEqual(headers ?? {});
    });
  }

  it('431 for more header fields than maxHeaderCount, and honours a custom maxHeaderBytes', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 200; i++) many[`x-h${i}`] = 'v';
    expect(rejected(checkUpgradeRequest(rfcRequest(many))).status).toBe(431);
    expect(
      rejected(checkUpgradeRequest(rfcRequest({ 'x-pad': 'a'.repeat(600) }), { maxHeaderBytes: 512 })).status,
    ).toBe(431);
    expect(checkUpgradeRequest(rfcRequest({ 'x-pad': 'a'.repeat(600) })).ok).toBe(true);
  });

  describe('Origin allow-list (§4.2.1 item 8, §10.2)', () => {
    it('403 for an origin that is not listed; listed origins match case-insensitively', () => {
      expect(rejected(checkUpgradeRequest(rfcRequest(), { origins: ['https://example.com'] })).status).toBe(403);
      expect(
        checkUpgradeRequest(rfcRequest({ origin: 'HTTP://Example.com' }), { origins: ['http://example.com'] }).ok,
      ).toBe(true);
    });

    it('accepts a request without Origin (not a browser) unless a function says otherwise', () => {
      expect(checkUpgradeRequest(rfcRequest({ origin: undefined }), { origins: ['http://example.com'] }).ok).toBe(true);
      const strict = (o: string | undefined): boolean => o === 'http://example.com';
      expect(rejected(checkUpgradeRequest(rfcRequest({ origin: undefined }), { origins: strict })).status).toBe(403);
      expect(checkUpgradeRequest(rfcRequest(), { origins: strict }).ok).toBe(true);
    });
  });
});

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

describe('response and request builders', () => {
  it('writes the exact 101 response of RFC 6455 §1.3', () => {
    const result = accepted(checkUpgradeRequest(rfcRequest(), { protocols: ['chat'] }));
    expect(buildUpgradeResponse(result)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${RFC_ACCEPT}\r\nSec-WebSocket-Protocol: chat\r\n\r\n`,
    );
    expect(buildUpgradeResponse({ accept: RFC_ACCEPT, protocol: undefined }, { 'X-Server': 'wsframe' })).toBe(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\nX-Server: wsframe\r\n\r\n`,
    );
  });

  it('refuses header injection in builders', () => {
    expect(() => buildUpgradeResponse({ accept: RFC_ACCEPT, protocol: undefined }, { 'X-A': 'a\r\nX-B: b' })).toThrow(
      TypeError,
    );
    expect(() => buildUpgradeResponse({ accept: RFC_ACCEPT, protocol: 'chat\r\nX-B: b' })).toThrow(TypeError);
    expect(() => buildUpgradeResponse({ accept: 'x\r\n', protocol: undefined })).toThrow(TypeError);
    expect(() => buildUpgradeRequest({ host: 'h\r\nX-B: b' })).toThrow(TypeError);
    expect(() => buildUpgradeRequest({ host: 'h', path: '/a b' })).toThrow(TypeError);
    expect(() => buildUpgradeRequest({ host: 'h', protocols: ['a,b'] })).toThrow(TypeError);
    expect(() => buildRejectResponse({ status: 400, reason: 'x', headers: { 'Set-Cookie': 'a\nb' } })).toThrow(
      TypeError,
    );
  });

  it('writes a complete rejection (426 carries Sec-WebSocket-Version)', () => {
    const result = rejected(checkUpgradeRequest(rfcRequest({ 'sec-websocket-version': '8' })));
    const text = buildRejectResponse(result);
    expect(text.startsWith('HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\n')).toBe(true);
    expect(text).toContain('\r\nSec-WebSocket-Version: 13\r\n');
    const head = parseHttpHead(latin1(text))!;
    const body = text.slice(head.length);
    expect(head.status).toBe(426);
    expect(Number(head.headers.find(([n]) => n === 'Content-Length')![1])).toBe(body.length);
  });

  it('writes the client request of RFC 6455 §1.2, which the server check accepts', () => {
    const { request, key } = buildUpgradeRequest({
      host: 'server.example.com',
      path: '/chat',
      key: RFC_KEY,
      protocols: ['chat', 'superchat'],
      origin: 'http://example.com',
    });
    expect(key).toBe(RFC_KEY);
    expect(request).toBe(
      'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${RFC_KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, superchat\r\nOrigin: http://example.com\r\n\r\n`,
    );
    const head = parseHttpHead(latin1(request))!;
    expect(head).toMatchObject({ method: 'GET', target: '/chat', httpVersion: '1.1', length: request.length });
    expect(
      accepted(
        checkUpgradeRequest(
          { method: head.method!, httpVersion: head.httpVersion, headers: head.headers },
          { protocols: ['chat'] },
        ),
      ).protocol,
    ).toBe('chat');
  });

  it('generates a fresh key when none is given', () => {
    const a = buildUpgradeRequest({ host: 'h' });
    const b = buildUpgradeRequest({ host: 'h' });
    expect(a.key).not.toBe(b.key);
    expect(a.request).toContain(`Sec-WebSocket-Key: ${a.key}\r\n`);
  });
});

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

describe('parseHttpHead', () => {
  const response = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\n\r\n`;

  it('returns null until the blank line arrives, then the head and its length (frame bytes may follow)', () => {
    const bytes = latin1(`${response}\x81\x02hi`);
    for (let n = 0; n < response.length; n++) expect(parseHttpHead(bytes.subarray(0, n))).toBeNull();
    const head = parseHttpHead(bytes)!;
    expect(head).toMatchObject({
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: '1.1',
      length: response.length,
    });
    expect(head.headers).toEqual([
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', RFC_ACCEPT],
    ]);
    expect(verifyUpgradeResponse({ status: head.status!, headers: head.headers }, { key: RFC_KEY }).ok).toBe(true);
  });

  const malformed = [
    'HTTP/1.1 101\nUpgrade: websocket\r\n\r\n',
    'HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n',
    'HTTP/1.1 101 OK\r\nUpgrade: web\rsocket\r\n\r\n',
    'HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n folded\r\n\r\n',
    'HTTP/1.1 101 OK\r\nno colon\r\n\r\n',
    'GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n',
    'GET /\0 HTTP/1.1\r\n\r\n',
    'HTTP/1.1 1010 OK\r\n\r\n',
  ];
  for (const text of malformed) {
    it(`throws 400 for ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(() => parseHttpHead(latin1(text))).toThrow(expect.objectContaining({ status: 400 }) as unknown as Error);
    });
  }

  it('throws 431 when the head outgrows maxBytes before it ends', () => {
    const big = latin1(`GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}`);
    expect(parseHttpHead(big, 200)).toBeNull();
    expect(() => parseHttpHead(big, 64)).toThrow(expect.objectContaining({ status: 431 }) as unknown as Error);
  });
});

describe('node:http IncomingMessage fits UpgradeRequest (typechecked by npm run typecheck)', () => {
  const incoming = (method: string | undefined, headers: IncomingMessage['headers']): IncomingMessage => {
    const req = new IncomingMessage(new Socket());
    req.method = method;
    req.httpVersion = '1.1';
    req.headers = headers;
    return req;
  };
  const headers: IncomingMessage['headers'] = {
    host: 'h',
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': RFC_KEY,
    'sec-websocket-version': '13',
    'set-cookie': ['a=1', 'b=2'],
    'x-absent': undefined,
  };

  it('accepts an IncomingMessage as it is: method string | undefined, string[] and undefined header values', () => {
    // Under strict, with no cast: this function is the type-level test.
    const check = (req: IncomingMessage): AcceptedUpgrade | RejectedUpgrade => checkUpgradeRequest(req);
    expect(accepted(check(incoming('GET', headers))).accept).toBe(RFC_ACCEPT);
    expect(rejected(check(incoming(undefined, headers))).status).toBe(405);
  });

  it('still refuses wrong types at compile time and at run time', () => {
    // @ts-expect-error a number is not a method
    expect(() => checkUpgradeRequest({ method: 1, httpVersion: '1.1', headers })).toThrow(TypeError);
    // @ts-expect-error header values are strings or string arrays
    expect(() => checkUpgradeRequest({ method: 'GET', httpVersion: '1.1', headers: { host: 1 } })).toThrow(TypeError);
  });
});

describe('wrong-typed arguments throw TypeError (or RangeError for a value out of range)', () => {
  /** Expect `f(...args)` to throw `type` for each argument list, as a JavaScript caller might pass them. */
  const throwsFor = (f: (...args: never[]) => unknown, argLists: unknown[][], type = TypeError): void => {
    for (const args of argLists) {
      expect(() => (f as (...a: unknown[]) => unknown)(...args), JSON.stringify(args)).toThrow(type);
    }
  };
  const each = (...values: unknown[]): unknown[][] => values.map((v) => [v]);
  const good = rfcRequest().headers;
  const withHeaders = (...list: unknown[]): unknown[] =>
    list.map((headers) => ({ method: 'GET', httpVersion: '1.1', headers }));

  it('acceptKey', () => {
    throwsFor(acceptKey, each(undefined, null, 1, [RFC_KEY], {}, Buffer.from(RFC_KEY)));
  });

  it('checkUpgradeRequest: the request and its headers', () => {
    throwsFor(
      checkUpgradeRequest,
      each(
        undefined,
        null,
        'GET / HTTP/1.1',
        1,
        [],
        { method: 1, httpVersion: '1.1', headers: good },
        { method: null, httpVersion: '1.1', headers: good },
        { method: ['GET'], httpVersion: '1.1', headers: good },
        { method: 'GET', headers: good },
        { method: 'GET', httpVersion: 1.1, headers: good },
        ...withHeaders(undefined, null, 'Host: h', 1, { host: 1 }, { host: null }, { host: [1] }, { host: { v: 'h' } }),
        ...withHeaders([['host']], [['host', 1]], ['host', 'h'], [[1, 'h']], new Map([['host', 1]])),
      ),
    );
  });

  it('checkUpgradeRequest: the options', () => {
    throwsFor(
      checkUpgradeRequest,
      [
        null,
        'chat',
        [],
        { protocols: 'chat' },
        { protocols: [1] },
        { protocols: [null] },
        { protocolPreference: 1 },
        { origins: 'http://example.com' },
        { origins: [null] },
        { maxHeaderBytes: '1' },
        { maxHeaderCount: null },
      ].map((options) => [rfcRequest(), options]),
    );
    const ranges: unknown[] = [{ protocolPreference: 'both' }, { maxHeaderBytes: -1 }, { maxHeaderCount: 1.5 }];
    ranges.push({ maxHeaderBytes: NaN }, { maxHeaderBytes: Infinity });
    throwsFor(
      checkUpgradeRequest,
      ranges.map((options) => [rfcRequest(), options]),
      RangeError,
    );
  });

  it('buildUpgradeResponse', () => {
    const ok = { accept: RFC_ACCEPT, protocol: undefined };
    throwsFor(
      buildUpgradeResponse,
      each(
        undefined,
        null,
        RFC_ACCEPT,
        { accept: 1 },
        { ...ok, protocol: 1 },
        { ...ok, protocol: null },
        { ...ok, protocol: ['chat'] },
      ),
    );
    const headers = [null, 'X-A: 1', [['X-A', '1']], new Map([['X-A', '1']]), { 'X-A': 1 }, { 'X-A': ['1'] }];
    throwsFor(
      buildUpgradeResponse,
      headers.map((h) => [ok, h]),
    );
  });

  it('buildRejectResponse', () => {
    throwsFor(
      buildRejectResponse,
      each(
        undefined,
        null,
        400,
        { status: '400', reason: 'x' },
        { status: 400 },
        { status: 400, reason: 1 },
        { status: 400, reason: 'x', headers: null },
        { status: 400, reason: 'x', headers: ['Allow: GET'] },
        { status: 400, reason: 'x', headers: { Allow: 1 } },
      ),
    );
    const statuses = [200, 101, 600, 400.5, NaN];
    throwsFor(
      buildRejectResponse,
      statuses.map((status) => [{ status, reason: 'x' }]),
      RangeError,
    );
  });

  it('buildUpgradeRequest', () => {
    throwsFor(
      buildUpgradeRequest,
      each(
        undefined,
        null,
        'h',
        {},
        { host: 1 },
        { host: ['h'] },
        { host: 'h', path: 1 },
        { host: 'h', key: 1 },
        { host: 'h', origin: null },
        { host: 'h', protocols: 'chat' },
        { host: 'h', protocols: [1] },
        { host: 'h', headers: null },
        { host: 'h', headers: [] },
        { host: 'h', headers: { 'X-A': 1 } },
      ),
    );
  });

  it('verifyUpgradeResponse', () => {
    const ok = { status: 101, headers: { Upgrade: 'websocket' } };
    const responses = each(
      undefined,
      null,
      'HTTP/1.1 101',
      { ...ok, status: '101' },
      { status: 101 },
      { ...ok, headers: null },
      { ...ok, headers: { Upgrade: 1 } },
    );
    throwsFor(
      verifyUpgradeResponse,
      responses.map(([r]) => [r, { key: RFC_KEY }]),
    );
    const options = each(
      undefined,
      null,
      RFC_KEY,
      {},
      { key: 1 },
      { key: RFC_KEY, protocols: 'chat' },
      { key: RFC_KEY, extensions: [1] },
    );
    throwsFor(
      verifyUpgradeResponse,
      options.map(([o]) => [ok, o]),
    );
  });

  it('selectProtocol', () => {
    throwsFor(selectProtocol, [
      ['chat', ['chat']],
      [['chat'], 'chat'],
      [[1], []],
      [['a'], [null]],
      [null, []],
    ]);
    throwsFor(selectProtocol, [[['a'], ['a'], 1]]);
    throwsFor(selectProtocol, [[['a'], ['a'], 'both']], RangeError);
  });

  it('the builders refuse a header character that has no single byte: U+010A would be written as a LF', () => {
    expect(() => buildUpgradeRequest({ host: 'h\u010a\u010dX-Evil: 1' })).toThrow(TypeError);
    const accepted = { accept: RFC_ACCEPT, protocol: undefined };
    expect(() => buildUpgradeResponse(accepted, { 'X-A': 'caf\xe9' })).toThrow(TypeError);
    expect(() => buildUpgradeRequest({ host: 'h', protocols: ['chat', 'chat'] })).toThrow(TypeError);
  });
});

describe('peer data is never a TypeError: any strings get an answer (fast-check, fixed seed)', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });
  const config = { seed: 0x1455, numRuns: 300 };
  const names = fc.constantFrom(...Object.keys(rfcRequest().headers), 'sec-websocket-extensions', 'x-any');

  it('checkUpgradeRequest accepts or rejects any method, version and header strings', () => {
    const extra = fc.dictionary(fc.oneof(names, text), fc.oneof(text, fc.array(text)));
    fc.assert(
      fc.property(text, text, extra, (method, httpVersion, more) => {
        const headers = { ...rfcRequest().headers, ...more };
        expect(typeof checkUpgradeRequest({ method, httpVersion, headers }, { origins: ['x'] }).ok).toBe('boolean');
      }),
      config,
    );
  });

  it('verifyUpgradeResponse accepts or rejects any header strings', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(names, text), text)), (headers) => {
        const options = { key: RFC_KEY, protocols: ['chat'], extensions: ['x'] };
        expect(typeof verifyUpgradeResponse({ status: 101, headers }, options).ok).toBe('boolean');
      }),
      config,
    );
  });

  it('parseHttpHead returns null or a head, or throws a HandshakeError, for any bytes', () => {
    const line = fc.string({ unit: fc.constantFrom(...'GET /HTP1.:\r\n \tax\0'), maxLength: 60 });
    fc.assert(
      fc.property(line, (s) => {
        try {
          parseHttpHead(latin1(`${s}\r\n\r\n`));
        } catch (error) {
          expect(error).toBeInstanceOf(HandshakeError);
        }
      }),
      config,
    );
  });
});

/**
 * Opening handshake (RFC 6455 §4.2): the server's request check, every rejection path, the Origin allow-list, and
 * node:http's IncomingMessage as a request.
 */
import { describe, expect, it } from 'vitest';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import {
  checkUpgradeRequest,
  type AcceptedUpgrade,
  type RejectedUpgrade,
  type UpgradeRequest,
} from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY, accepted, rejected, rfcRequest } from './fixtures.js';

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

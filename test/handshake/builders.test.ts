/** Opening handshake: the 101 response, rejection and client request builders (RFC 6455 §1.2, §1.3, §4). */
import { describe, expect, it } from 'vitest';
import {
  buildRejectResponse,
  buildUpgradeRequest,
  buildUpgradeResponse,
  checkUpgradeRequest,
  parseHttpHead,
} from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY, accepted, latin1, rejected, rfcRequest } from './fixtures.js';

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

/** The HTTP head parser under the handshake (src/http.ts `parseHttpHead`): heads, malformed heads, limits. */
import { describe, expect, it } from 'vitest';
import { parseHttpHead, verifyUpgradeResponse } from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY } from '../handshake/fixtures.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('parseHttpHead', () => {
  it('drops OWS around a value and keeps inner whitespace', () => {
    const head = parseHttpHead(latin1('GET / HTTP/1.1\r\nA:  \t x \t y\t \r\nB:\r\nC: \t\r\n\r\n'))!;
    expect(head.headers).toEqual([
      ['A', 'x \t y'],
      ['B', ''],
      ['C', ''],
    ]);
  });

  it('reads a head out of a Buffer and out of a subarray, and ignores bytes after it', () => {
    const text = 'HTTP/1.1 101 OK\r\nA: b\r\n\r\n';
    const bytes = latin1(`xx${text}\x81\x00`);
    expect(parseHttpHead(Buffer.from(text, 'latin1'))).toMatchObject({ status: 101, length: text.length });
    expect(parseHttpHead(bytes.subarray(2))).toMatchObject({ status: 101, length: text.length, headers: [['A', 'b']] });
  });

  it('reads obs-text bytes as latin1 characters', () => {
    const bytes = Uint8Array.of(...latin1('GET / HTTP/1.1\r\nA: '), 0xe9, 0xff, 13, 10, 13, 10);
    expect(parseHttpHead(bytes)!.headers).toEqual([['A', '\xe9\xff']]);
  });

  it('finds the end of a head that is exactly maxBytes long, and says 431 one byte later', () => {
    const text = `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`;
    expect(parseHttpHead(latin1(text), text.length)?.length).toBe(text.length);
    const status431 = expect.objectContaining({ status: 431 }) as unknown as Error;
    expect(() => parseHttpHead(latin1(text), text.length - 1)).toThrow(status431);
  });

  it('throws a TypeError for bytes that are not a Uint8Array, and a RangeError for a bad maxBytes', () => {
    const text = 'GET / HTTP/1.1\r\n\r\n';
    const notBytes = [text, null, undefined, 1, [71, 69, 84], new Uint16Array(4), new DataView(new ArrayBuffer(4))];
    for (const bad of [...notBytes, latin1(text).buffer]) {
      expect(() => parseHttpHead(bad as unknown as Uint8Array)).toThrow(TypeError);
    }
    expect(() => parseHttpHead(latin1(text), '100' as unknown as number)).toThrow(TypeError);
    for (const bad of [-1, 0, 3, 1.5, NaN, Infinity]) {
      expect(() => parseHttpHead(latin1(text), bad)).toThrow(RangeError);
    }
  });

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

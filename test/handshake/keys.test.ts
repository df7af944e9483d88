/** Opening handshake (RFC 6455 §4): the accept key and key generation. */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { acceptKey, checkUpgradeRequest, generateKey } from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY, accepted, rfcRequest } from './fixtures.js';

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

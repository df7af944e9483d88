import { expect, it } from 'vitest';
import { acceptKey } from '../src/index.js';
import { createHash } from 'node:crypto';

it('computes Sec-WebSocket-Accept as in RFC 6455 §1.3', () => {
  expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

it('agrees with node:crypto SHA-1 for many keys (block boundaries included)', () => {
  for (let n = 0; n < 200; n++) {
    const key = Buffer.from(Array.from({ length: n % 90 }, (_, i) => (i * 7 + n) & 0xff)).toString('base64');
    const expected = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    expect(acceptKey(key)).toBe(expected);
  }
});

/** Opening handshake: any strings a peer sends get an answer, never a TypeError (fast-check, fixed seed). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkUpgradeRequest, HandshakeError, parseHttpHead, verifyUpgradeResponse } from '../../src/index.js';
import { RFC_KEY, latin1, rfcRequest } from './fixtures.js';

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

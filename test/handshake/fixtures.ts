/** What the handshake suites share: the RFC 6455 §1.2 / §1.3 example key and accept value, and a request of it. */
import type { AcceptedUpgrade, RejectedUpgrade, UpgradeRequest } from '../../src/index.js';

export const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** The client handshake of RFC 6455 §1.2 / §4.1, as Node's http parser hands it over (lower-case keys). */
export function rfcRequest(
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

export function rejected(result: AcceptedUpgrade | RejectedUpgrade): RejectedUpgrade {
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

export function accepted(result: AcceptedUpgrade | RejectedUpgrade): AcceptedUpgrade {
  if (!result.ok) throw new Error(`expected acceptance, got ${result.status} ${result.reason}`);
  return result;
}

export const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

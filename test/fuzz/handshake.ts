/**
 * Fuzz targets for the opening handshake (RFC 6455 §4): `parseHttpHead` on mutated request and response heads
 * (HandshakeError 400/431 is its only exception), then `checkUpgradeRequest` (never throws; an accepted request
 * must yield a response that `buildUpgradeResponse` can write) or `verifyUpgradeResponse` (never throws), with
 * the headers in every shape they accept; and `parseExtensions` / `parseProtocols` on mutated header values
 * (HandshakeError only; what they return must survive `formatExtensions` / a join and parse back the same).
 */
import {
  HandshakeError,
  acceptKey,
  buildUpgradeResponse,
  checkUpgradeRequest,
  formatExtensions,
  parseExtensions,
  parseHttpHead,
  parseProtocols,
  verifyUpgradeResponse,
  type HeaderInput,
  type ServerHandshakeOptions,
} from '../../src/index.js';
import { KEY, type Corpus } from './corpus.js';
import { describeError } from './decoders.js';
import { Finding, hexOf, type Outcomes } from './finding.js';
import { type Rand, mutate, mutateText } from './mutate.js';

export interface HttpCase {
  kind: 'http';
  bytes: Uint8Array;
  maxBytes: number | undefined;
  shape: number;
  server: ServerHandshakeOptions;
  offered: { protocols: string[]; extensions: string[] };
}

export interface HeaderValueCase {
  kind: 'header-value';
  extensions: string;
  protocols: string;
}

function serverOptions(r: Rand): ServerHandshakeOptions {
  const options: ServerHandshakeOptions = {};
  if (r.chance(0.5)) options.protocols = r.pick([['chat'], ['superchat', 'chat'], []]);
  if (r.chance(0.3)) options.protocolPreference = r.pick(['client', 'server'] as const);
  if (r.chance(0.3)) options.origins = r.pick([['https://example.com'], [], ['HTTPS://EXAMPLE.COM', 'null']]);
  if (r.chance(0.1)) options.maxHeaderBytes = r.int(400);
  if (r.chance(0.1)) options.maxHeaderCount = r.int(10);
  return options;
}

export function httpCase(r: Rand, corpus: Corpus): HttpCase {
  const heads = r.chance(0.5) ? corpus.requests : corpus.responses;
  const other = r.pick(r.chance(0.5) ? corpus.requests : corpus.responses);
  const bytes = r.chance(0.9) ? mutate(r, r.pick(heads), other) : r.bytes(r.int(64));
  return {
    kind: 'http',
    bytes,
    maxBytes: r.chance(0.2) ? 4 + r.int(600) : undefined, // below 4 is a RangeError (no head fits)
    shape: r.int(4),
    server: serverOptions(r),
    offered: { protocols: r.chance(0.5) ? ['chat'] : [], extensions: r.chance(0.3) ? ['permessage-deflate'] : [] },
  };
}

/** The parsed header list in one of the shapes HeaderInput allows. */
function headersIn(headers: [string, string][], shape: number): HeaderInput {
  if (shape === 0) return headers;
  if (shape === 1) return new Map(headers); // a repeated name keeps its last value, as a Map does
  if (shape === 2) {
    // node:http's IncomingMessage.headers: lower-case names, repeated fields as arrays
    const record: Record<string, string | string[]> = {};
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      const had = record[key];
      record[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
    }
    return record;
  }
  try {
    return new Headers(headers);
  } catch {
    return headers; // Fetch's own rules are stricter in places; not ours to test
  }
}

function never<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new Finding('exception', `${what} threw ${describeError(error)}`);
  }
}

export function runHttpCase(c: HttpCase, outcomes: Outcomes): void {
  let head: ReturnType<typeof parseHttpHead>;
  try {
    head = parseHttpHead(c.bytes, c.maxBytes);
  } catch (error) {
    if (!(error instanceof HandshakeError)) {
      throw new Finding('exception', `parseHttpHead threw ${describeError(error)}`);
    }
    if (error.status !== 400 && error.status !== 431) {
      throw new Finding('contract', `parseHttpHead: status ${error.status}`);
    }
    outcomes.add(`parseHttpHead ${error.status}`);
    return;
  }
  if (head === null) {
    outcomes.add('parseHttpHead incomplete');
    return;
  }
  const end = head.length;
  const b = c.bytes;
  const blank = b[end - 4] === 13 && b[end - 3] === 10 && b[end - 2] === 13 && b[end - 1] === 10;
  if (!blank || end > b.length) throw new Finding('contract', `parseHttpHead: length ${end} is not after a blank line`);
  const headers = headersIn(head.headers, c.shape);
  if (head.method !== undefined) {
    const method = head.method;
    const httpVersion = head.httpVersion;
    const result = never('checkUpgradeRequest', () => checkUpgradeRequest({ method, httpVersion, headers }, c.server));
    outcomes.add(result.ok ? 'checkUpgradeRequest ok' : `checkUpgradeRequest ${result.status}`);
    if (result.ok) {
      if (result.accept !== acceptKey(result.key)) {
        throw new Finding('contract', 'checkUpgradeRequest: wrong accept key');
      }
      never('buildUpgradeResponse of an accepted request', () => buildUpgradeResponse(result));
    }
  } else {
    const status = head.status!;
    const verify = (): ReturnType<typeof verifyUpgradeResponse> =>
      verifyUpgradeResponse({ status, headers }, { key: KEY, ...c.offered });
    const result = never('verifyUpgradeResponse', verify);
    outcomes.add(result.ok ? 'verifyUpgradeResponse ok' : 'verifyUpgradeResponse refused');
  }
}

export function headerValueCase(r: Rand, corpus: Corpus): HeaderValueCase {
  return {
    kind: 'header-value',
    extensions: mutateText(r, r.pick(corpus.extensions), r.pick(corpus.extensions)),
    protocols: mutateText(r, r.pick(corpus.protocols), r.pick(corpus.protocols)),
  };
}

function parseOrRefuse<T>(what: string, call: () => T, outcomes: Outcomes): T | null {
  try {
    const value = call();
    outcomes.add(`${what} ok`);
    return value;
  } catch (error) {
    if (!(error instanceof HandshakeError)) throw new Finding('exception', `${what} threw ${describeError(error)}`);
    if (error.status !== 400) throw new Finding('contract', `${what}: status ${error.status}`);
    outcomes.add(`${what} 400`);
    return null;
  }
}

export function runHeaderValueCase(c: HeaderValueCase, outcomes: Outcomes): void {
  const offers = parseOrRefuse('parseExtensions', () => parseExtensions(c.extensions), outcomes);
  // formatExtensions writes only HTAB, SP and visible ASCII (RFC 9110 §5.6.4 allows obs-text in a quoted-string
  // a peer sends, but we never write it): such a value is refused with a TypeError, anything else round-trips.
  const writable = (offer: { params: Record<string, string | true> }): boolean =>
    Object.values(offer.params).every((v) => v === true || /^[\t\x20-\x7e]*$/.test(v));
  if (offers && !offers.every(writable)) {
    try {
      formatExtensions(offers);
      throw new Finding(
        'contract',
        `formatExtensions wrote a value outside HTAB/SP/VCHAR: ${JSON.stringify(c.extensions)}`,
      );
    } catch (error) {
      if (error instanceof Finding) throw error;
      if (!(error instanceof TypeError))
        throw new Finding('exception', `formatExtensions threw ${describeError(error)}`);
      outcomes.add('formatExtensions refuses obs-text');
    }
  } else if (offers) {
    const formatted = formatExtensions(offers);
    const again = parseOrRefuse('parseExtensions (formatted)', () => parseExtensions(formatted), outcomes);
    if (JSON.stringify(again) !== JSON.stringify(offers)) {
      throw new Finding('round-trip', `parseExtensions(formatExtensions(x)) !== x for ${JSON.stringify(c.extensions)}`);
    }
  }
  const protocols = parseOrRefuse('parseProtocols', () => parseProtocols(c.protocols), outcomes);
  if (protocols) {
    const again = parseOrRefuse('parseProtocols (joined)', () => parseProtocols(protocols.join(', ')), outcomes);
    if (JSON.stringify(again) !== JSON.stringify(protocols)) {
      throw new Finding('round-trip', `parseProtocols(join(x)) !== x for ${JSON.stringify(c.protocols)}`);
    }
  }
}

export function printHttpCase(c: HttpCase): string {
  const text = JSON.stringify(String.fromCharCode(...c.bytes.subarray(0, 2000)));
  return (
    `parseHttpHead(maxBytes ${c.maxBytes ?? 'default'}), header shape ${c.shape}, ` +
    `server ${JSON.stringify(c.server)}, client offered ${JSON.stringify(c.offered)}\n  ${text}` +
    (c.bytes.length > 2000 ? ` … (${c.bytes.length} bytes: ${hexOf(c.bytes.subarray(2000), 64)})` : '')
  );
}

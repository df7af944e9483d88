/**
 * Opening handshake (RFC 6455 §4), sans-I/O and isomorphic: no sockets, no `node:` imports. Strings in, strings
 * out. `acceptKey` is synchronous and dependency-free (no node:crypto), so it works the same on every runtime:
 * base64(SHA-1(key + GUID)) (RFC 6455 §4.2.2 step 5.4, §1.3).
 *
 * Server: `checkUpgradeRequest(request, options)` → accepted (accept key, subprotocol, extension offers) or
 * rejected (`{ status, reason, headers }`); `buildUpgradeResponse` / `buildRejectResponse` write the HTTP bytes.
 * Client: `buildUpgradeRequest` writes the request, `verifyUpgradeResponse` checks the 101.
 * The HTTP grammar underneath (headers, token lists, Sec-WebSocket-Extensions, the head parser) is in http.ts and
 * re-exported here.
 */
import { expectInteger, expectObject, expectRecord, expectString, expectStringList } from './arguments.js';
import {
  FORBIDDEN_IN_VALUE,
  HandshakeError,
  TOKEN,
  field,
  headerLines,
  headerMap,
  parseExtensions,
  parseProtocols,
  tokenList,
  formatExtensions,
  trimOws,
  type ExtensionOffer,
  type HeaderInput,
} from './http.js';
import type { DeflateParams, PerMessageDeflate } from './types.js';

export { HandshakeError, formatExtensions, parseExtensions, parseHttpHead, parseProtocols } from './http.js';
export type { ExtensionOffer, HeaderInput, HttpHead, ParseExtensionsOptions } from './http.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** SHA-1 (FIPS 180-4) of a byte string. Handshake-only; not on any hot path. */
function sha1(bytes: Uint8Array): Uint8Array {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array(((bytes.length + 9 + 63) >> 6) << 6);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 4294967296));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  let h0 = 0x67452301,
    h1 = 0xefcdab89,
    h2 = 0x98badcfe,
    h3 = 0x10325476,
    h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getInt32(block + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4;
    for (let i = 0; i < 80; i++) {
      let f: number, k: number;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const ov = new DataView(out.buffer);
  const words = [h0, h1, h2, h3, h4];
  for (let i = 0; i < words.length; i++) ov.setInt32(i * 4, words[i]!);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s +=
      B64[n >>> 18]! +
      B64[(n >>> 12) & 63]! +
      (i + 1 < bytes.length ? B64[(n >>> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return s;
}

/**
 * `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2): base64(SHA-1(key + GUID)).
 *
 * @example
 * acceptKey('dGhlIHNhbXBsZSBub25jZQ==') // 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
 */
export function acceptKey(key: string): string {
  if (typeof key !== 'string') throw new TypeError('wsframe: acceptKey takes the Sec-WebSocket-Key string');
  return base64(sha1(new TextEncoder().encode(key.trim() + GUID)));
}

/**
 * A fresh `Sec-WebSocket-Key`: base64 of 16 bytes from `crypto.getRandomValues` (RFC 6455 §4.1: "randomly
 * selected", a nonce).
 *
 * @example
 * generateKey() // e.g. 'x3JJHMbDL1EzLkh9GBhXDw=='
 */
export function generateKey(): string {
  return base64(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Pick the subprotocol (RFC 6455 §4.2.2 step 5.4: one of the client's values, or none). By default the
 * **client's order wins**: the first protocol the client offered that the server supports. With
 * `prefer: 'server'`, the first entry of the server's list that the client offered. Comparison is exact
 * (subprotocol names are case-sensitive). Returns `undefined` when nothing matches (the response then has no
 * `Sec-WebSocket-Protocol` field and the client decides whether to continue).
 */
export function selectProtocol(
  offered: readonly string[],
  supported: readonly string[],
  prefer: 'client' | 'server' = 'client',
): string | undefined {
  expectStringList(offered, 'selectProtocol: offered');
  expectStringList(supported, 'selectProtocol: supported');
  checkPreference(prefer, 'selectProtocol: prefer');
  // A Set for the other side: `offered` comes from the peer and may hold thousands of names.
  if (prefer === 'client') {
    const ours = new Set(supported);
    return offered.find((p) => ours.has(p));
  }
  const theirs = new Set(offered);
  return supported.find((p) => theirs.has(p));
}

function checkPreference(value: unknown, what: string): void {
  expectString(value, what);
  if (value !== 'client' && value !== 'server') throw new RangeError(`wsframe: ${what} must be 'client' or 'server'`);
}

// ---------------------------------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------------------------------

/**
 * What the server needs from an HTTP request. Node's `IncomingMessage` fits as it is (its `method` is
 * `string | undefined`, its `headers` values `string | string[] | undefined`), as does a Fetch `Request`-like
 * object with `headers: Headers`.
 */
export interface UpgradeRequest {
  /** `'GET'` for an upgrade; anything else, `undefined` included, gets 405. */
  method?: string | undefined;
  /** `'1.1'` (Node's `req.httpVersion`) or `'HTTP/1.1'`. */
  httpVersion: string;
  /** Node's `req.headers`, a `Headers`, or `[name, value]` pairs; names in any case. */
  headers: HeaderInput;
}

/** Options of `checkUpgradeRequest`, and of Connection's `handshake` option in the server role. */
export interface ServerHandshakeOptions {
  /** Subprotocols the server speaks. Default: none (no `Sec-WebSocket-Protocol` in the response). */
  protocols?: readonly string[];
  /**
   * Whose order picks the subprotocol: `'client'` (default, RFC 6455 §1.9 lists them in client preference) or
   * `'server'`.
   */
  protocolPreference?: 'client' | 'server';
  /**
   * Allowed `Origin` values (RFC 6455 §4.2.1 item 8, §10.2), compared case-insensitively; a listed origin that
   * does not match → 403. A request without `Origin` is not from a browser and is accepted (the origin model only
   * protects browser users; other clients can send any Origin). For a stricter policy pass a function, which gets
   * the origin (or `undefined`) and returns whether to accept. Default: every origin.
   */
  origins?: readonly string[] | ((origin: string | undefined) => boolean);
  /** Largest total header size (sum of `name: value\r\n`) → 431. Default 16384 (Node's default). */
  maxHeaderBytes?: number;
  /** Most header fields → 431. Default 128. */
  maxHeaderCount?: number;
  /**
   * Accept permessage-deflate (RFC 7692): `deflate(options)` from `wsframe/deflate`. The first offer it can serve,
   * in the client's order, is accepted (`AcceptedUpgrade.deflate`); offers it cannot serve are declined, never the
   * handshake. Default: none, and no extension is accepted.
   */
  perMessageDeflate?: PerMessageDeflate;
}

/** A request the server may accept. Write `buildUpgradeResponse(result)` and start a Connection. */
export interface AcceptedUpgrade {
  /** Always true here: tells an accepted request from a RejectedUpgrade. */
  ok: true;
  /** The client's `Sec-WebSocket-Key`. */
  key: string;
  /** `Sec-WebSocket-Accept` for the response. */
  accept: string;
  /** The selected subprotocol, if any. */
  protocol: string | undefined;
  /** What the client offered, in its order. */
  offeredProtocols: string[];
  /** Extension offers, parsed, in the client's order (repeated parameters marked with `perMessageDeflate`). */
  extensions: ExtensionOffer[];
  /** The extensions the response accepts (`buildUpgradeResponse` writes them): the agreed permessage-deflate. */
  agreedExtensions: ExtensionOffer[];
  /**
   * The permessage-deflate agreement (with the `perMessageDeflate` option): make the connection's codec with
   * `perMessageDeflate.codec('server', deflate)`. Undefined: no offer was accepted, run uncompressed.
   */
  deflate: DeflateParams | undefined;
  /** The request's `Origin` (allowed by `origins`), or undefined when it had none. */
  origin: string | undefined;
}

/** A request the server must refuse with `status` (write `buildRejectResponse(result)` and close the socket). */
export interface RejectedUpgrade {
  /** Always false here: tells a refused request from an AcceptedUpgrade. */
  ok: false;
  /** HTTP status to answer with: 400, 403, 405, 426 or 431. */
  status: number;
  /** What was wrong, for the response body and logs. */
  reason: string;
  /** Extra response headers (426 carries `Sec-WebSocket-Version: 13`, 405 carries `Allow: GET`). */
  headers: Record<string, string>;
}

/**
 * The canonical base64 form of exactly 16 bytes (RFC 6455 §4.1 item 7): 22 characters, the last with 4 zero bits,
 * then "==".
 */
const KEY = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

const reject = (status: number, reason: string, headers: Record<string, string> = {}): RejectedUpgrade => ({
  ok: false,
  status,
  reason,
  headers,
});

/**
 * Check a WebSocket upgrade request (RFC 6455 §4.2.1) in this order: header limits (431), CR/LF/NUL in any
 * value (400), method GET (405), HTTP/1.1 or later (400), `Host` (400), `Upgrade: websocket` (400),
 * `Connection` containing the `upgrade` token (400), `Sec-WebSocket-Version: 13` (426 with
 * `Sec-WebSocket-Version: 13`), `Sec-WebSocket-Key` = base64 of 16 bytes (400), `Origin` allow-list (403),
 * well-formed `Sec-WebSocket-Protocol` and `Sec-WebSocket-Extensions` (400). Never throws for a bad request;
 * throws a TypeError (or RangeError) when `request` or `options` has the wrong shape — a `method` or
 * `httpVersion` that is not a string, headers that are not a `HeaderInput` of strings, a bad option.
 *
 * @example
 * server.on('upgrade', (req, socket) => {
 *   const result = checkUpgradeRequest(req, { protocols: ['chat'] });
 *   if (!result.ok) return socket.end(buildRejectResponse(result));
 *   socket.write(buildUpgradeResponse(result));
 *   const connection = new Connection({ role: 'server' });
 *   // …
 * });
 */
export function checkUpgradeRequest(
  request: UpgradeRequest,
  options: ServerHandshakeOptions = {},
): AcceptedUpgrade | RejectedUpgrade {
  expectObject(request, 'checkUpgradeRequest: request');
  if (request.method !== undefined) expectString(request.method, 'checkUpgradeRequest: request.method');
  expectString(request.httpVersion, 'checkUpgradeRequest: request.httpVersion');
  checkServerOptions(options);
  const maxBytes = options.maxHeaderBytes ?? 16384;
  const maxCount = options.maxHeaderCount ?? 128;
  const headers = headerMap(request.headers);
  let bytes = 0;
  let count = 0;
  for (const [name, values] of headers) {
    for (const v of values) {
      count++;
      bytes += name.length + v.length + 4;
      if (FORBIDDEN_IN_VALUE.test(v) || !TOKEN.test(name)) return reject(400, 'Invalid character in a header');
    }
  }
  if (bytes > maxBytes || count > maxCount) return reject(431, 'Request Header Fields Too Large');

  // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (request.method !== 'GET') return reject(405, 'WebSocket upgrades use GET', { Allow: 'GET' });
  const version = /^(?:HTTP\/)?(\d+)\.(\d+)$/.exec(request.httpVersion);
  if (!version || Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 1)) {
    return reject(400, 'WebSocket upgrades need HTTP/1.1 or later');
  }
  // Item 2: Host. Items 3–4: Upgrade and Connection, both ASCII case-insensitive tokens.
  if (field(headers, 'host') === undefined) return reject(400, 'Missing Host header');
  if (!tokenList(field(headers, 'upgrade')).includes('websocket'))
    return reject(400, 'Missing or invalid Upgrade header');
  if (!tokenList(field(headers, 'connection')).includes('upgrade'))
    return reject(400, 'Connection header must contain "upgrade"');
  // Item 6 and §4.2.2 step 4: an unsupported version gets 426 and the versions we speak.
  const wsVersion = field(headers, 'sec-websocket-version');
  if (wsVersion === undefined || trimOws(wsVersion) !== '13') {
    return reject(426, 'Unsupported WebSocket version', { 'Sec-WebSocket-Version': '13' });
  }
  // Item 5: a base64 nonce that decodes to exactly 16 bytes. A repeated field is joined with ", " and fails too.
  const keyField = field(headers, 'sec-websocket-key');
  const key = keyField === undefined ? '' : trimOws(keyField);
  if (!KEY.test(key)) return reject(400, 'Missing or invalid Sec-WebSocket-Key');
  // Item 7 / §10.2: browsers send Origin; the server may refuse origins it does not trust.
  const origin = field(headers, 'origin');
  const origins = options.origins;
  if (origins !== undefined) {
    const wanted = origin === undefined ? undefined : trimOws(origin).toLowerCase();
    const allowed =
      typeof origins === 'function'
        ? origins(origin)
        : wanted === undefined || origins.some((o) => o.toLowerCase() === wanted);
    if (!allowed) return reject(403, 'Origin not allowed');
  }
  let offeredProtocols: string[];
  let extensions: ExtensionOffer[];
  try {
    offeredProtocols = parseProtocols(field(headers, 'sec-websocket-protocol'));
    // RFC 7692 §7.1: a repeated parameter declines that permessage-deflate offer, not the handshake.
    const pmd = options.perMessageDeflate;
    extensions = parseExtensions(field(headers, 'sec-websocket-extensions'), pmd ? { duplicates: 'mark' } : undefined);
  } catch (error) {
    if (error instanceof HandshakeError) return reject(error.status, error.message.replace(/^wsframe: /, ''));
    throw error;
  }
  const protocol = selectProtocol(offeredProtocols, options.protocols ?? [], options.protocolPreference ?? 'client');
  let deflate: DeflateParams | undefined;
  const agreedExtensions: ExtensionOffer[] = [];
  const negotiation = options.perMessageDeflate?.negotiate(extensions);
  if (negotiation?.ok) {
    deflate = negotiation.params;
    agreedExtensions.push(negotiation.extension);
  }
  return {
    ok: true,
    key,
    accept: acceptKey(key),
    protocol,
    offeredProtocols,
    extensions,
    agreedExtensions,
    deflate,
    origin,
  };
}

function checkServerOptions(options: ServerHandshakeOptions): void {
  expectObject(options, 'checkUpgradeRequest: options');
  const what = 'checkUpgradeRequest: options.';
  if (options.protocols !== undefined) expectStringList(options.protocols, `${what}protocols`);
  const preference = options.protocolPreference;
  if (preference !== undefined) checkPreference(preference, `${what}protocolPreference`);
  const origins: unknown = options.origins;
  if (origins !== undefined && typeof origins !== 'function') expectStringList(origins, `${what}origins`);
  if (options.maxHeaderBytes !== undefined) expectInteger(options.maxHeaderBytes, `${what}maxHeaderBytes`);
  if (options.maxHeaderCount !== undefined) expectInteger(options.maxHeaderCount, `${what}maxHeaderCount`);
  if (options.perMessageDeflate !== undefined) checkDeflate(options.perMessageDeflate, `${what}perMessageDeflate`);
}

/**
 * @internal The `perMessageDeflate` option must be what `deflate()` returns (a `true` or an options object is a
 * mistake): a TypeError otherwise.
 */
export function checkDeflate(value: unknown, what: string): void {
  const d = value as Partial<PerMessageDeflate> | null;
  const methods = ['offer', 'negotiate', 'verify', 'codec'] as const;
  if (typeof d !== 'object' || d === null || methods.some((m) => typeof d[m] !== 'function')) {
    throw new TypeError(`wsframe: ${what} must be what deflate() from wsframe/deflate returns`);
  }
}

/**
 * The exact HTTP/1.1 101 response (RFC 6455 §4.2.2 step 5), as a string of ASCII characters ready to write:
 * `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, the selected `Sec-WebSocket-Protocol` if any,
 * `Sec-WebSocket-Extensions` for `agreedExtensions` if any (RFC 6455 §9.1), then `headers`. Throws a TypeError
 * for a wrong-typed argument, an accept key that is not 28 base64 characters, a subprotocol that is not a token,
 * or a header value with anything but HTAB, SP and visible ASCII (CR/LF/NUL would inject lines).
 */
export function buildUpgradeResponse(
  accepted: Pick<AcceptedUpgrade, 'accept' | 'protocol'> & { agreedExtensions?: readonly ExtensionOffer[] },
  headers?: Record<string, string>,
): string {
  expectObject(accepted, 'buildUpgradeResponse: accepted');
  expectString(accepted.accept, 'buildUpgradeResponse: accepted.accept');
  if (!/^[A-Za-z0-9+/]{27}=$/.test(accepted.accept)) throw new TypeError('wsframe: invalid Sec-WebSocket-Accept');
  if (accepted.protocol !== undefined) {
    expectString(accepted.protocol, 'buildUpgradeResponse: accepted.protocol');
    if (!TOKEN.test(accepted.protocol)) throw new TypeError('wsframe: invalid subprotocol');
  }
  const agreed = accepted.agreedExtensions ?? [];
  return (
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${accepted.accept}\r\n` +
    (accepted.protocol !== undefined ? `Sec-WebSocket-Protocol: ${accepted.protocol}\r\n` : '') +
    (agreed.length > 0 ? `Sec-WebSocket-Extensions: ${formatExtensions(agreed)}\r\n` : '') +
    headerLines(headers) +
    '\r\n'
  );
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * A complete HTTP/1.1 error response for a refused upgrade (`Connection: close`, a short text body: `reason`
 * with anything but printable ASCII replaced by "?"). Throws a TypeError for a wrong-typed field and a RangeError
 * for a status outside 400–599.
 */
export function buildRejectResponse(
  rejected: Pick<RejectedUpgrade, 'status' | 'reason'> & { headers?: Record<string, string> },
): string {
  expectObject(rejected, 'buildRejectResponse: rejected');
  const status = rejected.status;
  expectInteger(status, 'buildRejectResponse: rejected.status');
  if (status < 400 || status > 599) throw new RangeError('wsframe: a rejection needs a 4xx or 5xx status');
  expectString(rejected.reason, 'buildRejectResponse: rejected.reason');
  const body = `${rejected.reason.replace(/[^\x20-\x7e]/g, '?')}\n`;
  return (
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    headerLines(rejected.headers) +
    '\r\n' +
    body
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------------------------------

/** Options of `buildUpgradeRequest`, and of Connection's `handshake` option in the client role. */
export interface ClientHandshakeOptions {
  /** `Host` header value (`host` or `host:port`). Required. */
  host: string;
  /** Request target, default `'/'`. */
  path?: string;
  /** Default: `generateKey()`. */
  key?: string;
  /** Subprotocols to offer, in preference order. Default: none. */
  protocols?: readonly string[];
  /** `Origin` header (browsers send one; other clients usually do not). Default: none. */
  origin?: string;
  /** Extra headers. CR/LF/NUL in a value throws. */
  headers?: Record<string, string>;
  /**
   * Offer permessage-deflate (RFC 7692): `deflate(options)` from `wsframe/deflate`; its offer is written as
   * `Sec-WebSocket-Extensions`. Pass the same object to `verifyUpgradeResponse`. Default: no offer.
   */
  perMessageDeflate?: PerMessageDeflate;
}

/**
 * The client's upgrade request (RFC 6455 §4.1): the exact bytes to write as an ASCII string, plus the key to
 * verify the response with. Throws a TypeError for a wrong-typed option, a path that is not visible ASCII, a
 * subprotocol that is not a token or is listed twice (RFC 6455 §4.1 item 10), or a header value with anything but
 * HTAB, SP and visible ASCII.
 *
 * @example
 * const { request, key } = buildUpgradeRequest({ host: '127.0.0.1:8080', path: '/chat', protocols: ['chat'] });
 * socket.write(request);
 */
export function buildUpgradeRequest(options: ClientHandshakeOptions): {
  request: string;
  key: string;
  headers: Record<string, string>;
} {
  expectObject(options, 'buildUpgradeRequest: options');
  expectString(options.host, 'buildUpgradeRequest: options.host');
  for (const name of ['path', 'key', 'origin'] as const) {
    if (options[name] !== undefined) expectString(options[name], `buildUpgradeRequest: options.${name}`);
  }
  const key = options.key ?? generateKey();
  const path = options.path ?? '/';
  if (!/^[\x21-\x7e]+$/.test(path))
    throw new TypeError('wsframe: the request path must be visible ASCII without spaces');
  const headers: Record<string, string> = {
    Host: options.host,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
  };
  const protocols = options.protocols ?? [];
  expectStringList(protocols, 'buildUpgradeRequest: options.protocols');
  if (protocols.length > 0) {
    for (const p of protocols)
      if (!TOKEN.test(p)) throw new TypeError(`wsframe: invalid subprotocol ${JSON.stringify(p)}`);
    if (new Set(protocols).size !== protocols.length) throw new TypeError('wsframe: a subprotocol is listed twice');
    headers['Sec-WebSocket-Protocol'] = protocols.join(', ');
  }
  if (options.origin !== undefined) headers.Origin = options.origin;
  if (options.perMessageDeflate !== undefined) {
    checkDeflate(options.perMessageDeflate, 'buildUpgradeRequest: options.perMessageDeflate');
    headers['Sec-WebSocket-Extensions'] = options.perMessageDeflate.offer();
  }
  if (options.headers !== undefined) {
    expectRecord(options.headers, 'buildUpgradeRequest: options.headers');
    Object.assign(headers, options.headers);
  }
  return { request: `GET ${path} HTTP/1.1\r\n${headerLines(headers)}\r\n`, key, headers };
}

/** Options of `verifyUpgradeResponse`: what the request offered. */
export interface VerifyOptions {
  /** The key sent in the request. */
  key: string;
  /** Subprotocols offered; the response may pick one of them or none. */
  protocols?: readonly string[];
  /** Extension names offered; the response may not accept any other. Default: none. */
  extensions?: readonly string[];
  /**
   * The `perMessageDeflate` the request offered: the response may accept it (once, with parameters that fit the
   * offer, RFC 7692 §5, §7.1), and the agreement comes back as `deflate`. Default: none.
   */
  perMessageDeflate?: PerMessageDeflate;
}

/**
 * Verify the server's response (RFC 6455 §4.1, "the client MUST validate the server's response"): status 101,
 * `Upgrade: websocket`, `Connection: upgrade`, the right `Sec-WebSocket-Accept`, a subprotocol only if it was
 * offered, no extension that was not offered. `reason` says what was wrong. Throws a TypeError when `response` or
 * `options` has the wrong shape (a status that is not a number, headers that are not a `HeaderInput` of strings,
 * a key that is not a string).
 */
export function verifyUpgradeResponse(
  response: { status: number; headers: HeaderInput },
  options: VerifyOptions,
):
  | { ok: true; protocol: string | undefined; extensions: ExtensionOffer[]; deflate: DeflateParams | undefined }
  | { ok: false; reason: string } {
  expectObject(response, 'verifyUpgradeResponse: response');
  expectInteger(response.status, 'verifyUpgradeResponse: response.status');
  expectObject(options, 'verifyUpgradeResponse: options');
  expectString(options.key, 'verifyUpgradeResponse: options.key');
  const what = 'verifyUpgradeResponse: options.';
  if (options.protocols !== undefined) expectStringList(options.protocols, `${what}protocols`);
  if (options.extensions !== undefined) expectStringList(options.extensions, `${what}extensions`);
  const pmd = options.perMessageDeflate;
  if (pmd !== undefined) checkDeflate(pmd, `${what}perMessageDeflate`);
  const headers = headerMap(response.headers);
  for (const values of headers.values())
    for (const v of values)
      if (FORBIDDEN_IN_VALUE.test(v)) return { ok: false, reason: 'invalid character in a response header' };
  if (response.status !== 101) return { ok: false, reason: `expected status 101, got ${response.status}` };
  if (!tokenList(field(headers, 'upgrade')).includes('websocket'))
    return { ok: false, reason: 'missing or invalid Upgrade header' };
  if (!tokenList(field(headers, 'connection')).includes('upgrade'))
    return { ok: false, reason: 'missing or invalid Connection header' };
  const accept = field(headers, 'sec-websocket-accept');
  if (accept === undefined || trimOws(accept) !== acceptKey(options.key)) {
    return { ok: false, reason: 'Sec-WebSocket-Accept does not match the key' };
  }
  const protocolField = field(headers, 'sec-websocket-protocol');
  let protocol: string | undefined;
  if (protocolField !== undefined) {
    protocol = trimOws(protocolField);
    if (!(options.protocols ?? []).includes(protocol))
      return { ok: false, reason: `server selected a subprotocol that was not offered: ${JSON.stringify(protocol)}` };
  }
  let extensions: ExtensionOffer[];
  try {
    extensions = parseExtensions(field(headers, 'sec-websocket-extensions'));
  } catch {
    return { ok: false, reason: 'malformed Sec-WebSocket-Extensions' };
  }
  const offered = pmd === undefined ? (options.extensions ?? []) : [...(options.extensions ?? []), pmd.name];
  const unrequested = extensions.find((e) => !offered.includes(e.name));
  if (unrequested)
    return { ok: false, reason: `server accepted an extension that was not offered: ${unrequested.name}` };
  // RFC 7692 §5, §7.1: a response that does not fit our offer fails the connection.
  const check = pmd?.verify(extensions);
  if (check !== undefined && !check.ok) return { ok: false, reason: check.reason };
  return { ok: true, protocol, extensions, deflate: check?.params };
}

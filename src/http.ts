/**
 * The HTTP/1.1 pieces of the opening handshake (RFC 6455 §4, RFC 9110/9112), sans-I/O: header input in any shape,
 * token lists, the Sec-WebSocket-Protocol and Sec-WebSocket-Extensions grammars, header-line writing that refuses
 * injection, and a strict request/response head parser for transports that hand over raw bytes.
 */

/**
 * Headers in any of the shapes runtimes hand out: a record like Node's `IncomingMessage.headers` (any key case;
 * arrays for repeated fields), a Fetch `Headers`, a `Map`, or a list of `[name, value]` pairs.
 */
export type HeaderInput =
  | Record<string, string | readonly string[] | undefined>
  | Iterable<readonly [string, string]>
  | { forEach(callback: (value: string, name: string) => void): void };

/** Lower-cased name → values in arrival order. */
export type HeaderMap = Map<string, string[]>;

/** @internal */
export function headerMap(headers: HeaderInput): HeaderMap {
  const map: HeaderMap = new Map();
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  if (Array.isArray(headers) || (typeof (headers as { forEach?: unknown }).forEach !== 'function' && typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function')) {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) add(String(name), String(value));
  } else if (typeof (headers as { forEach?: unknown }).forEach === 'function') {
    // Fetch Headers and Map: forEach(value, name)
    (headers as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) => add(String(name), String(value)));
  } else {
    for (const [name, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
      if (value === undefined) continue;
      if (typeof value === 'string') add(name, value);
      else for (const v of value) add(name, String(v));
    }
  }
  return map;
}

/** One field's value; repeated fields are joined with ", " (RFC 9110 §5.3). */
export function field(map: HeaderMap, name: string): string | undefined {
  const list = map.get(name);
  return list === undefined ? undefined : list.join(', ');
}

/** RFC 9110 §5.6.2 token characters. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** CR, LF or NUL anywhere in a value: header injection / request smuggling (RFC 9110 §5.5). */
export const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

/** A comma-separated list of tokens (RFC 9110 §5.6.1), lower-cased. Empty elements are skipped. */
export function tokenList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '');
}

/** Thrown by `parseHttpHead`, `parseExtensions`, `parseProtocols`; `status` is the HTTP status to answer with. */
export class HandshakeError extends Error {
  /** HTTP status to answer with: 400 for a malformed head or header value, 431 for a head too large. */
  readonly status: number;
  /** Always `'WS_ERR_HANDSHAKE'`: tells it from a WebSocketError's `WS_ERR_*` codes. */
  readonly code = 'WS_ERR_HANDSHAKE';
  constructor(status: number, message: string) {
    super(`wsframe: ${message}`);
    this.name = 'HandshakeError';
    this.status = status;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sec-WebSocket-Protocol and Sec-WebSocket-Extensions
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parse a `Sec-WebSocket-Protocol` value: comma-separated tokens, case-sensitive, no duplicates (RFC 6455 §4.1
 * item 10, §11.3.4). Throws `HandshakeError` (400) on anything else.
 */
export function parseProtocols(value: string | undefined): string[] {
  if (value === undefined) return [];
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    if (!TOKEN.test(p)) throw new HandshakeError(400, `invalid subprotocol ${JSON.stringify(p)}`);
    if (out.includes(p)) throw new HandshakeError(400, `duplicate subprotocol ${JSON.stringify(p)}`);
    out.push(p);
  }
  return out;
}


/** One extension offer (or response) from `Sec-WebSocket-Extensions`: `params` maps a name to its value, or `true` when it has none. */
export interface ExtensionOffer {
  /** The extension token, as sent (e.g. `permessage-deflate`). */
  name: string;
  /** Parameter name (lower-cased) → its value, or `true` for a parameter without one. */
  params: Record<string, string | true>;
}

/**
 * Parse `Sec-WebSocket-Extensions` (RFC 6455 §9.1): `extension *( ";" param [ "=" (token | quoted-string) ] )`,
 * comma-separated, in the offered order (the same extension may be offered several times with different
 * parameters, e.g. Autobahn 13.7). A quoted value must unescape to a token (§9.1). Parameter names are
 * lower-cased; a parameter repeated within one offer, or any syntax error, throws `HandshakeError` (400).
 *
 * @example
 * parseExtensions('permessage-deflate; client_max_window_bits, x-foo; level="3"')
 * // [{ name: 'permessage-deflate', params: { client_max_window_bits: true } }, { name: 'x-foo', params: { level: '3' } }]
 */
export function parseExtensions(value: string | undefined): ExtensionOffer[] {
  if (value === undefined) return [];
  const s = value;
  let i = 0;
  const fail = (why: string): never => {
    throw new HandshakeError(400, `invalid Sec-WebSocket-Extensions (${why} at ${i})`);
  };
  const ows = (): void => {
    while (s[i] === ' ' || s[i] === '\t') i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && TOKEN.test(s[i]!)) i++;
    if (i === start) fail('expected a token');
    return s.slice(start, i);
  };
  const quoted = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= s.length) fail('unterminated quoted-string');
      const c = s[i++]!;
      if (c === '"') return out;
      if (c === '\\') {
        if (i >= s.length) fail('unterminated quoted-string');
        out += s[i++]!;
      } else out += c;
    }
  };
  const offers: ExtensionOffer[] = [];
  ows();
  if (i === s.length) return offers;
  for (;;) {
    ows();
    if (s[i] === ',') { i++; continue; } // empty list element (RFC 9110 §5.6.1)
    const offer: ExtensionOffer = { name: token().toLowerCase(), params: {} };
    ows();
    while (s[i] === ';') {
      i++;
      ows();
      const name = token().toLowerCase();
      ows();
      let v: string | true = true;
      if (s[i] === '=') {
        i++;
        ows();
        v = s[i] === '"' ? quoted() : token();
        if (!TOKEN.test(v)) fail('parameter value is not a token');
        ows();
      }
      if (Object.prototype.hasOwnProperty.call(offer.params, name)) fail(`duplicate parameter ${name}`);
      offer.params[name] = v;
    }
    offers.push(offer);
    if (i === s.length) return offers;
    if (s[i] !== ',') fail('expected "," or ";"');
    i++;
    ows();
    if (i === s.length) return offers;
  }
}

/** Serialise extension offers/responses for a `Sec-WebSocket-Extensions` header (quoting values only when needed). */
export function formatExtensions(extensions: readonly ExtensionOffer[]): string {
  return extensions
    .map((e) => [e.name, ...Object.entries(e.params).map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '))
    .join(', ');
}

/** Throws a TypeError for a header that would break the HTTP framing (injection) or is not a token name. */
function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`wsframe: invalid header name ${JSON.stringify(name)}`);
  if (FORBIDDEN_IN_VALUE.test(value)) throw new TypeError(`wsframe: CR, LF or NUL in header ${name}`);
}

/** `name: value\r\n` lines, each checked for injection. */
export function headerLines(headers: Record<string, string> | undefined): string {
  let out = '';
  for (const [name, value] of Object.entries(headers ?? {})) {
    checkHeader(name, String(value));
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP head parsing, for transports that hand over raw bytes
// ---------------------------------------------------------------------------------------------------------------

/** A parsed request or response head. `length` is the number of bytes it took, including the blank line. */
export interface HttpHead {
  /** Request line: method and target. Response line: status and its text. */
  method?: string;
  /** Request line: the request target (e.g. `/chat?room=1`). */
  target?: string;
  /** Response line: the status code (e.g. 101). */
  status?: number;
  /** Response line: the reason phrase (may be empty). */
  statusText?: string;
  /** `'1.1'`. */
  httpVersion: string;
  /** Header fields in arrival order, names as sent, values without surrounding whitespace. */
  headers: [string, string][];
  /** Bytes the head took, blank line included: anything after it in the buffer is not part of it. */
  length: number;
}

/**
 * Read one HTTP/1.x request or response head (RFC 9112 §2–§5) from the start of `bytes`. Returns `null` while
 * the blank line has not arrived yet. Strict: lines end with CRLF, no obsolete line folding, header names are
 * tokens, values hold no CR/LF/NUL. Throws `HandshakeError` — 400 when malformed, 431 when the head is longer
 * than `maxBytes` (default 16384) before it is complete.
 */
export function parseHttpHead(bytes: Uint8Array, maxBytes = 16384): HttpHead | null {
  let end = -1;
  const limit = Math.min(bytes.length, maxBytes);
  for (let i = 3; i < limit; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) {
    if (bytes.length >= maxBytes) throw new HandshakeError(431, 'HTTP head too large');
    return null;
  }
  let text = '';
  for (let i = 0; i < end - 4; i++) text += String.fromCharCode(bytes[i]!);
  const lines = text.split('\r\n');
  const start = lines[0]!;
  const head: HttpHead = { httpVersion: '', headers: [], length: end };
  let m: RegExpExecArray | null;
  if ((m = /^HTTP\/(\d\.\d) (\d{3})(?: ([^\r\n\0]*))?$/.exec(start))) {
    head.httpVersion = m[1]!;
    head.status = Number(m[2]);
    head.statusText = m[3] ?? '';
  } else if ((m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d\.\d)$/.exec(start))) {
    head.method = m[1]!;
    head.target = m[2]!;
    head.httpVersion = m[3]!;
  } else {
    throw new HandshakeError(400, 'malformed HTTP start line');
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (!TOKEN.test(name) || FORBIDDEN_IN_VALUE.test(value)) throw new HandshakeError(400, 'malformed header line');
    head.headers.push([name, value]);
  }
  return head;
}

/**
 * The HTTP/1.1 pieces of the opening handshake (RFC 6455 §4, RFC 9110/9112), sans-I/O: header input in any shape,
 * token lists, the Sec-WebSocket-Protocol and Sec-WebSocket-Extensions grammars, header-line writing that refuses
 * injection, and a strict request/response head parser for transports that hand over raw bytes.
 *
 * Every parse of peer input here takes time linear in its length, because a server runs it on up to 16 KiB from
 * anyone before any authentication: scans only move forward, each regular expression is anchored with classes
 * that cannot match the character after them (no backtracking over a run), duplicates are found with a Set or an
 * own-property lookup, and OWS is trimmed by scanning from both ends.
 */
import { expectArray, expectInteger, expectObject, expectRecord, expectString, kind } from './arguments.js';

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

/**
 * @internal Header input → lower-cased name → values. Throws a TypeError for a shape that is not a `HeaderInput`
 * or a name or value that is not a string: those come from the caller's runtime, never from the peer.
 */
export function headerMap(headers: HeaderInput): HeaderMap {
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError(`wsframe: headers must be a record, Headers, Map or [name, value] list, got ${kind(headers)}`);
  }
  const map: HeaderMap = new Map();
  const add = (name: unknown, value: unknown): void => {
    expectString(name, 'a header name');
    expectString(value, `header ${JSON.stringify(name)}`);
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const forEach = (headers as { forEach?: unknown }).forEach;
  if (Array.isArray(headers) || (typeof forEach !== 'function' && Symbol.iterator in headers)) {
    for (const pair of headers as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError('wsframe: header list entries must be [name, value] pairs');
      }
      add(pair[0], pair[1]);
    }
  } else if (typeof forEach === 'function') {
    // Fetch Headers and Map: forEach(value, name)
    const each = headers as { forEach(callback: (value: unknown, name: unknown) => void): void };
    each.forEach((value, name) => {
      add(name, value);
    });
  } else {
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) add(name, v);
      else add(name, value);
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

/** tchar (RFC 9110 §5.6.2) by character code, for the scanners that walk a string once. */
const TCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) TCHAR[c] = TOKEN.test(String.fromCharCode(c)) ? 1 : 0;
const isTchar = (c: number): boolean => c < 128 && TCHAR[c] === 1;
const isOws = (c: number): boolean => c === 0x20 || c === 0x09;

/**
 * `value` without leading and trailing OWS (SP / HTAB, RFC 9110 §5.5, §5.6.3). One scan from each end: linear,
 * where `replace(/^[ \t]+|[ \t]+$/g, '')` retries an inner whitespace run from each of its positions (quadratic).
 */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/*
 * List fields, one rule for every parser here (RFC 9110 §5.6.1): `#element => [ element ] *( OWS "," OWS
 * [ element ] )`. A recipient "MUST accept and ignore a reasonable number of empty list elements" (§5.6.1.2),
 * so empty elements are skipped wherever they are (",a", "a,", "a,,b", "a, ,b"), however many — parsing stays
 * linear. Sec-WebSocket-Protocol (`1#token`, RFC 6455 §4.3) and Sec-WebSocket-Extensions (`1#extension`, §9.1)
 * need at least one element, so a present field without any ("", ",", " , ") is malformed (400), as in
 * §5.6.1.2's own examples. An absent field (`undefined`) is an empty list.
 */

/** The non-empty elements of a list field, OWS-trimmed (RFC 9110 §5.6.1). */
function listElements(value: string): string[] {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const element = trimOws(raw);
    if (element !== '') out.push(element);
  }
  return out;
}

/**
 * A comma-separated list of tokens (RFC 9110 §5.6.1), lower-cased; empty elements are skipped. `Upgrade` and
 * `Connection` are `1#` lists too: a list without elements comes back as `[]`, which the callers refuse because
 * the token they look for is missing.
 */
export function tokenList(value: string | undefined): string[] {
  if (value === undefined) return [];
  expectString(value, 'a token list');
  return listElements(value).map((t) => t.toLowerCase());
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

/** Peer text quoted in an error message, cut short: a rejection's reason is echoed in the response body. */
function excerpt(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}...` : text);
}

// ---------------------------------------------------------------------------------------------------------------
// Sec-WebSocket-Protocol and Sec-WebSocket-Extensions
// ---------------------------------------------------------------------------------------------------------------

/**
 * Parse a `Sec-WebSocket-Protocol` value: comma-separated tokens, case-sensitive, no duplicates (RFC 6455 §4.1
 * item 10, §11.3.4); empty list elements are ignored, but a present field needs one protocol (RFC 9110 §5.6.1).
 * `undefined` (no field) gives `[]`. Throws `HandshakeError` (400) on anything else, a TypeError for a non-string.
 */
export function parseProtocols(value: string | undefined): string[] {
  if (value === undefined) return [];
  expectString(value, 'parseProtocols: the Sec-WebSocket-Protocol value');
  const out = listElements(value);
  if (out.length === 0) throw new HandshakeError(400, 'Sec-WebSocket-Protocol names no subprotocol');
  const seen = new Set<string>(); // not out.includes(): thousands of short names fit in 16 KiB
  for (const p of out) {
    if (!TOKEN.test(p)) throw new HandshakeError(400, `invalid subprotocol ${excerpt(p)}`);
    if (seen.has(p)) throw new HandshakeError(400, `duplicate subprotocol ${excerpt(p)}`);
    seen.add(p);
  }
  return out;
}

/** One extension offer (or response) from `Sec-WebSocket-Extensions`. */
export interface ExtensionOffer {
  /** The extension's name, lower-cased by `parseExtensions`. */
  name: string;
  /**
   * Parameter name (lower-cased by `parseExtensions`) → its value, unquoted, or `true` for a parameter written
   * without `=` — so `server_max_window_bits` and `server_max_window_bits=10` stay apart. `parseExtensions`
   * returns a null-prototype object: every name is an own property (`__proto__` included); read it with
   * `params[name]` or `Object.hasOwn(params, name)`, not `params.hasOwnProperty(name)`.
   */
  params: Record<string, string | true>;
  /**
   * Names of the parameters this offer gave more than once (`params` keeps the first value). Set only by
   * `parseExtensions(value, { duplicates: 'mark' })`, and only when there is one: a server declines such an offer
   * instead of failing the handshake (permessage-deflate, RFC 7692 §7.1).
   */
  duplicates?: string[];
}

/** Options of `parseExtensions`. */
export interface ParseExtensionsOptions {
  /**
   * A parameter repeated within one offer: `'fail'` (default) throws a HandshakeError (400); `'mark'` keeps the
   * first value and lists the name in the offer's `duplicates`, so that the extension can decline that offer
   * alone (RFC 7692 §7.1: "multiple extension parameters with the same name" → decline).
   */
  duplicates?: 'fail' | 'mark';
}

/**
 * Parse `Sec-WebSocket-Extensions` (RFC 6455 §9.1): `1#extension`, each `name *( ";" param [ "=" (token |
 * quoted-string) ] )`, in the offered order (the same extension may be offered several times with different
 * parameters, e.g. Autobahn 13.7). Empty list elements are skipped; a present field needs one extension (RFC 9110
 * §5.6.1). Names are lower-cased. A quoted value is unescaped (RFC 9110 §5.6.4) and kept even when it is not a
 * token: §9.1 asks senders for token values, and the extension that reads a value checks it, so what
 * `formatExtensions` writes reads back unchanged. A parameter repeated within one offer, or any syntax error,
 * throws `HandshakeError` (400) — a repeated parameter only lands in the offer's `duplicates` with
 * `{ duplicates: 'mark' }`; `undefined` (no field) gives `[]`; a non-string throws a TypeError.
 *
 * @example
 * parseExtensions('permessage-deflate; client_max_window_bits, x-foo; level="3"')
 * // [{ name: 'permessage-deflate', params: { client_max_window_bits: true } },
 * //  { name: 'x-foo', params: { level: '3' } }]
 */
export function parseExtensions(value: string | undefined, options?: ParseExtensionsOptions): ExtensionOffer[] {
  if (value === undefined) return [];
  expectString(value, 'parseExtensions: the Sec-WebSocket-Extensions value');
  let markDuplicates = false;
  if (options !== undefined) {
    expectObject(options, 'parseExtensions: options');
    const mode: unknown = options.duplicates;
    if (mode !== undefined && mode !== 'fail' && mode !== 'mark') {
      throw new TypeError(`wsframe: parseExtensions: options.duplicates must be 'fail' or 'mark', got ${kind(mode)}`);
    }
    markDuplicates = mode === 'mark';
  }
  // One forward pass over `s`; every loop advances `i`, so the parse is linear in the field's length.
  const s = value;
  let i = 0;
  const fail = (why: string): never => {
    throw new HandshakeError(400, `invalid Sec-WebSocket-Extensions (${why} at ${i})`);
  };
  const ows = (): void => {
    while (i < s.length && isOws(s.charCodeAt(i))) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && isTchar(s.charCodeAt(i))) i++;
    if (i === start) fail('expected a token');
    return s.slice(start, i);
  };
  // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4)
  const quoted = (): string => {
    let out = '';
    let from = ++i; // past the opening quote
    for (;;) {
      if (i >= s.length) fail('unterminated quoted-string');
      const c = s.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
        const next = s.charCodeAt(i + 1);
        if (!(next === 0x09 || (next >= 0x20 && next <= 0xff && next !== 0x7f))) fail('invalid quoted-pair');
        out += s.slice(from, i);
        from = i + 1;
        i += 2;
        continue;
      }
      // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
      if (!(c === 0x09 || (c >= 0x20 && c <= 0xff && c !== 0x7f))) fail('invalid character in quoted-string');
      i++;
    }
    out += s.slice(from, i++);
    return out;
  };
  const offers: ExtensionOffer[] = [];
  for (;;) {
    ows();
    if (i === s.length) break;
    if (s[i] === ',') {
      i++; // an empty list element
      continue;
    }
    const params: Record<string, string | true> = Object.create(null) as Record<string, string | true>;
    const offer: ExtensionOffer = { name: token().toLowerCase(), params };
    let duplicates: Set<string> | undefined;
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
        ows();
      }
      if (!Object.hasOwn(params, name)) params[name] = v;
      else if (!markDuplicates) fail(`duplicate parameter ${excerpt(name)}`);
      else (duplicates ??= new Set()).add(name); // a Set: a list's includes() would make the parse quadratic
    }
    if (duplicates) offer.duplicates = [...duplicates];
    offers.push(offer);
    if (i === s.length) break;
    if (s[i] !== ',') fail('expected "," or ";"');
    i++;
  }
  if (offers.length === 0) fail('no extension in the list');
  return offers;
}

/**
 * Serialise extension offers/responses for a `Sec-WebSocket-Extensions` header: `name; param; param=value`,
 * joined with ", ". A value is written as a token when it is one, else as a quoted-string with `"` and `\`
 * escaped (RFC 9110 §5.6.4), so `parseExtensions` reads back the same value. Only HTAB, SP and visible ASCII can
 * be written: CR, LF, NUL or another control character, or a character above U+007E, throws a TypeError, as do a
 * name that is not a token and a value that is neither a string nor `true`. An empty list gives `''` (then send no
 * field: `parseExtensions('')` is malformed).
 */
export function formatExtensions(extensions: readonly ExtensionOffer[]): string {
  expectArray(extensions, 'formatExtensions: extensions');
  const out: string[] = [];
  for (const e of extensions) {
    expectObject(e, 'formatExtensions: an extension');
    expectString(e.name, 'formatExtensions: an extension name');
    if (!TOKEN.test(e.name)) throw new TypeError(`wsframe: invalid extension name ${excerpt(e.name)}`);
    expectRecord(e.params, `formatExtensions: the params of ${e.name}`);
    let text = e.name;
    for (const [k, v] of Object.entries(e.params)) {
      if (!TOKEN.test(k)) throw new TypeError(`wsframe: invalid extension parameter name ${excerpt(k)}`);
      if (v === true) text += `; ${k}`;
      else if (typeof v === 'string') text += `; ${k}=${paramValue(v)}`;
      else throw new TypeError(`wsframe: extension parameter ${k} must be a string or true, got ${kind(v)}`);
    }
    out.push(text);
  }
  return out.join(', ');
}

/** A parameter value as a token, or as a quoted-string (RFC 9110 §5.6.4); a TypeError for what cannot be written. */
function paramValue(value: string): string {
  if (TOKEN.test(value)) return value;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 0x09 && (c < 0x20 || c > 0x7e)) {
      throw new TypeError('wsframe: an extension parameter value may hold only HTAB, SP and visible ASCII');
    }
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += value[i];
  }
  return `${out}"`;
}

/** What a written header value may hold: HTAB, SP and visible ASCII (RFC 9110 §5.5). */
const WRITABLE_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * Throws a TypeError for a header that would break the HTTP framing or is not a token name. CR, LF and NUL
 * inject lines (RFC 9110 §5.5); a character above U+007E has no single byte — written as latin1 (as Node's
 * `'latin1'` encoding and `Connection` do), U+010A would become a LF.
 */
function checkHeader(name: string, value: unknown): void {
  if (!TOKEN.test(name)) throw new TypeError(`wsframe: invalid header name ${excerpt(name)}`);
  expectString(value, `header ${name}`);
  if (!WRITABLE_VALUE.test(value)) {
    throw new TypeError(`wsframe: header ${name} may hold only HTAB, SP and visible ASCII (no CR, LF or NUL)`);
  }
}

/** `name: value\r\n` lines, each checked for injection. `headers` must be a plain object of strings. */
export function headerLines(headers: Record<string, string> | undefined): string {
  if (headers === undefined) return '';
  expectRecord(headers, 'headers');
  let out = '';
  for (const [name, value] of Object.entries(headers)) {
    checkHeader(name, value);
    out += `${name}: ${value}\r\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP head parsing, for transports that hand over raw bytes
// ---------------------------------------------------------------------------------------------------------------

/**
 * Where an HTTP head ends: the index just after the first CRLF CRLF that ends after `from` + 3 and at or before
 * `to`, or -1. Callers that collect a head chunk by chunk search only the new bytes (`from` = the old length − 3),
 * so a head sent a byte at a time costs linear time.
 */
export function findHeadEnd(bytes: Uint8Array, from: number, to: number): number {
  const window = bytes.subarray(0, to);
  for (let i = window.indexOf(10, from + 3); i >= 0; i = window.indexOf(10, i + 1)) {
    if (bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) return i + 1;
  }
  return -1;
}

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
 * tokens, values hold no CR/LF/NUL; OWS around a value is dropped. Throws `HandshakeError` — 400 when malformed,
 * 431 when the head is longer than `maxBytes` (default 16384) before it is complete — and a TypeError when
 * `bytes` is not a Uint8Array (a Node Buffer is one) or a RangeError when `maxBytes` is not an integer ≥ 4.
 * Time is linear in the head's length.
 */
export function parseHttpHead(bytes: Uint8Array, maxBytes = 16384): HttpHead | null {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`wsframe: parseHttpHead takes a Uint8Array, got ${kind(bytes)}`);
  }
  expectInteger(maxBytes, 'parseHttpHead: maxBytes', 4);
  // The head ends at the first CRLF CRLF (RFC 9112 §2.1); indexOf is the runtime's native byte search.
  const window = bytes.subarray(0, Math.min(bytes.length, maxBytes));
  let end = -1;
  for (let lf = window.indexOf(10, 3); lf !== -1; lf = window.indexOf(10, lf + 1)) {
    if (window[lf - 1] === 13 && window[lf - 2] === 10 && window[lf - 3] === 13) {
      end = lf + 1;
      break;
    }
  }
  if (end < 0) {
    if (bytes.length >= maxBytes) throw new HandshakeError(431, 'HTTP head too large');
    return null;
  }
  // latin1, one character per byte (obs-text stays opaque, RFC 9110 §5.5), in slices that fit an argument list;
  // apply() takes the typed array as it is, where a spread would go through its iterator (~8x slower).
  let text = '';
  const textEnd = end - 4;
  for (let i = 0; i < textEnd; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(i + 4096, textEnd)) as unknown as number[]);
  }
  const lines = text.split('\r\n');
  const start = lines[0]!;
  const head: HttpHead = { httpVersion: '', headers: [], length: end };
  // Both start-line patterns are anchored and each part is a class that cannot match its separator (SP), so a
  // failing match backtracks at most once per character.
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
    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5); no whitespace before the colon (§5.1).
    const value = trimOws(line.slice(colon + 1));
    if (!TOKEN.test(name) || FORBIDDEN_IN_VALUE.test(value)) throw new HandshakeError(400, 'malformed header line');
    head.headers.push([name, value]);
  }
  return head;
}

/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1), sans-I/O and engine-free: extension offers in, agreed
 * parameters and the `Sec-WebSocket-Extensions` value out. The server picks the first offer it can accept, in
 * the client's order (RFC 6455 §9.1: the order of offers is the client's preference), and declines the others;
 * the client writes its offer and checks the server's answer against it.
 *
 * The compressor here is zlib's algorithm (see engine.ts), which cannot compress raw DEFLATE with a 256-byte
 * window: a window of 8 bits is accepted for what the peer compresses (it is inflated with 9 bits, a superset),
 * but never for what we compress — a server declines an offer that asks for `server_max_window_bits=8`, a client
 * fails on a response that sets `client_max_window_bits=8` (RFC 7692 §7.1: "the client does not support the
 * configuration that the response represents").
 */
import { describe, flag, integer, optionsObject } from '../arguments.js';
import { formatExtensions, type ExtensionOffer } from '../http.js';

/** The extension's registered name (RFC 7692 §7). */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** ws's default, and ours: messages shorter than this many bytes go out uncompressed. */
export const DEFAULT_THRESHOLD = 1024;

/**
 * permessage-deflate settings, for either role. Each option says what it does for a server and for a client.
 *
 * @example
 * const options: PerMessageDeflateOptions = { serverNoContextTakeover: true, threshold: 256 };
 */
export interface PerMessageDeflateOptions {
  /**
   * Server: always answer `server_no_context_takeover`, so our compressor starts afresh for every message (it
   * then needs no memory between messages). Client: offer `server_no_context_takeover` (ask the server to do so).
   * An offer that asks for it is accepted either way (RFC 7692 §7.1.1.1). Default false.
   */
  serverNoContextTakeover?: boolean;
  /**
   * Server: always answer `client_no_context_takeover`, so the client compresses each message afresh and we keep
   * no inflate window between messages. Client: offer `client_no_context_takeover` and compress each message
   * afresh (RFC 7692 §7.1.1.2). Default false (a server still answers it when the client offered it).
   */
  clientNoContextTakeover?: boolean;
  /**
   * The window (base-2 logarithm of its size, 9–15) the server compresses with. Server: our compressor's largest
   * window; answered as `server_max_window_bits` when below 15 or when the offer set one (the smaller of the
   * two). Client: offered as `server_max_window_bits` when below 15. Default 15 (32 KiB).
   */
  serverMaxWindowBits?: number;
  /**
   * The window (9–15) the client compresses with. Server: when below 15, answered as `client_max_window_bits`
   * (the smaller of this and the offer's value), and offers without `client_max_window_bits` are declined, as
   * `ws` does: the client could not be told. Client: offered as `client_max_window_bits=N` when below 15, as a
   * valueless `client_max_window_bits` otherwise (what browsers and `ws` send). Default 15.
   */
  clientMaxWindowBits?: number;
  /** Messages shorter than this many bytes are sent uncompressed (RSV1 clear). Default 1024, as `ws`. */
  threshold?: number;
  /** zlib compression level, 0 (store) to 9, or -1 for zlib's default (6), as `ws`. Default -1. */
  level?: number;
  /**
   * zlib memLevel, 1–9: the compressor's pending buffer takes 2^(memLevel + 8) bytes (64 KiB at 8; its hash table
   * stays 64 KiB below 8). Default 8, as `ws` (zlib's default).
   */
  memLevel?: number;
}

/** What both sides agreed to (RFC 7692 §7.1), as the windows and takeover each direction uses. */
export interface DeflateParams {
  /** The server resets its compressor after every message. */
  serverNoContextTakeover: boolean;
  /** The client resets its compressor after every message. */
  clientNoContextTakeover: boolean;
  /** The window the server compresses with, 8–15 (15 when not negotiated). */
  serverMaxWindowBits: number;
  /** The window the client compresses with, 8–15 (15 when not negotiated). */
  clientMaxWindowBits: number;
}

/** `PerMessageDeflateOptions` with every default filled in and every value checked. */
export interface ResolvedDeflateOptions {
  /** See PerMessageDeflateOptions. */
  serverNoContextTakeover: boolean;
  /** See PerMessageDeflateOptions. */
  clientNoContextTakeover: boolean;
  /** See PerMessageDeflateOptions. */
  serverMaxWindowBits: number;
  /** See PerMessageDeflateOptions. */
  clientMaxWindowBits: number;
  /** See PerMessageDeflateOptions. */
  threshold: number;
  /** See PerMessageDeflateOptions. */
  level: number;
  /** See PerMessageDeflateOptions. */
  memLevel: number;
}

/**
 * Check `options` and fill in the defaults. `true` (what an adapter's `perMessageDeflate: true` means) and
 * `undefined` give every default. Throws a TypeError for a wrong type, a RangeError for a value out of range.
 */
export function resolveDeflateOptions(options: PerMessageDeflateOptions | true | undefined): ResolvedDeflateOptions {
  const o = options === undefined || options === true ? {} : optionsObject(options, 'permessage-deflate');
  return {
    serverNoContextTakeover: flag('serverNoContextTakeover', o.serverNoContextTakeover, false),
    clientNoContextTakeover: flag('clientNoContextTakeover', o.clientNoContextTakeover, false),
    // 9, not 8: the engine cannot compress raw DEFLATE with a 256-byte window (see the top of this file).
    serverMaxWindowBits: integer('serverMaxWindowBits', o.serverMaxWindowBits ?? 15, 9, 15),
    clientMaxWindowBits: integer('clientMaxWindowBits', o.clientMaxWindowBits ?? 15, 9, 15),
    threshold: integer('threshold', o.threshold ?? DEFAULT_THRESHOLD, 0, Number.MAX_SAFE_INTEGER),
    level: integer('level', o.level ?? -1, -1, 9),
    memLevel: integer('memLevel', o.memLevel ?? 8, 1, 9),
  };
}

const PARAMETERS = [
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits',
] as const;

/**
 * A window size value (RFC 7692 §7.1.2.1, §7.1.2.2): "a decimal integer value without leading zeroes between 8 to
 * 15, inclusive" (`1*DIGIT`). A quoted value arrives unquoted from parseExtensions and is read the same
 * (RFC 6455 §9.1: after unescaping it must be a token).
 */
const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

/** The parameters of one offer or response, read by RFC 7692 §7.1's rules; a string says why it is invalid. */
interface ReadParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** undefined: absent. */
  serverMaxWindowBits: number | undefined;
  /** undefined: absent; true: present without a value (allowed in an offer only, §7.1.2.2). */
  clientMaxWindowBits: number | true | undefined;
}

function readParams(e: ExtensionOffer, what: 'offer' | 'response'): ReadParams | string {
  // §7.1: "multiple extension parameters with the same name" → the server declines, the client fails.
  if (e.duplicates !== undefined && e.duplicates.length > 0) return `parameter ${e.duplicates[0]} given twice`;
  const read: ReadParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  for (const name of Object.keys(e.params)) {
    const value = e.params[name]!;
    switch (name as (typeof PARAMETERS)[number]) {
      // §7.1.1.1, §7.1.1.2: "This extension parameter has no value."
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return `${name} takes no value`;
        if (name === 'server_no_context_takeover') read.serverNoContextTakeover = true;
        else read.clientNoContextTakeover = true;
        break;
      // §7.1.2.1: a value 8–15 in an offer and in a response alike.
      case 'server_max_window_bits':
        if (value === true || !WINDOW_BITS.test(value)) return `invalid server_max_window_bits ${show(value)}`;
        read.serverMaxWindowBits = Number(value);
        break;
      // §7.1.2.2: "no value or a decimal integer value" in an offer; a value 8–15 in a response.
      case 'client_max_window_bits':
        if (value === true) {
          if (what === 'response') return 'client_max_window_bits without a value';
          read.clientMaxWindowBits = true;
        } else if (!WINDOW_BITS.test(value)) return `invalid client_max_window_bits ${show(value)}`;
        else read.clientMaxWindowBits = Number(value);
        break;
      // §7.1: "an extension parameter not defined for use in an offer" (or "in a response").
      default:
        return `unknown parameter ${show(name)}`;
    }
  }
  return read;
}

const show = (value: string | true): string => (value === true ? '(no value)' : JSON.stringify(value.slice(0, 32)));

// ---------------------------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------------------------

/** A server's answer to the client's offers: the agreement and the `Sec-WebSocket-Extensions` value to send. */
export type DeflateNegotiation =
  | { ok: true; params: DeflateParams; response: string; extension: ExtensionOffer }
  | { ok: false; reason: string };

/**
 * Server side (RFC 7692 §7.1): accept the first permessage-deflate offer that is valid and that `options` can
 * serve, in the client's order, and build the response. Offers of other extensions are skipped. An offer is
 * declined, never the handshake failed, when it has an unknown parameter, a parameter with a value it may not have
 * (or without one it needs), a repeated parameter (parse with `parseExtensions(value, { duplicates: 'mark' })`
 * to see those; the default parse refuses the whole request), `server_max_window_bits=8`, or no
 * `client_max_window_bits` while `clientMaxWindowBits` is below 15. `{ ok: false, reason }` says why each offer
 * was declined: send no `Sec-WebSocket-Extensions` then, and run uncompressed.
 *
 * @example
 * const result = negotiateDeflate(parseExtensions(header, { duplicates: 'mark' }), {});
 * if (result.ok) headers['Sec-WebSocket-Extensions'] = result.response;
 */
export function negotiateDeflate(
  offers: readonly ExtensionOffer[],
  options?: PerMessageDeflateOptions | true,
): DeflateNegotiation {
  if (!Array.isArray(offers))
    throw new TypeError(`wsframe: negotiateDeflate: offers must be an array, got ${describe(offers)}`);
  const config = resolveDeflateOptions(options);
  const reasons: string[] = [];
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const read = readParams(offer, 'offer');
    const accepted = typeof read === 'string' ? read : accept(read, config);
    if (typeof accepted === 'string') {
      reasons.push(`offer ${reasons.length + 1} declined: ${accepted}`);
      continue;
    }
    const extension = responseFor(accepted, read as ReadParams, config);
    return { ok: true, params: accepted, response: formatExtensions([extension]), extension };
  }
  return { ok: false, reason: reasons.length > 0 ? reasons.join('; ') : 'no permessage-deflate offer' };
}

/** The parameters a server agrees to for one valid offer, or why it cannot. */
function accept(offer: ReadParams, config: ResolvedDeflateOptions): DeflateParams | string {
  // §7.1.2.1: the server must answer with the offered value or less; our engine's least is 9.
  let serverBits = config.serverMaxWindowBits;
  if (offer.serverMaxWindowBits !== undefined) {
    if (offer.serverMaxWindowBits < 9) return 'server_max_window_bits=8 cannot be served (the compressor needs 9)';
    serverBits = Math.min(serverBits, offer.serverMaxWindowBits);
  }
  // §7.1.2.2: without client_max_window_bits in the offer the response may not limit the client's window.
  let clientBits = 15;
  if (offer.clientMaxWindowBits === undefined) {
    if (config.clientMaxWindowBits < 15) return `no client_max_window_bits to ask for ${config.clientMaxWindowBits}`;
  } else {
    const hint = offer.clientMaxWindowBits === true ? 15 : offer.clientMaxWindowBits;
    clientBits = Math.min(config.clientMaxWindowBits, hint);
  }
  return {
    // §7.1.1.1: a server accepts server_no_context_takeover, and may answer it unasked.
    serverNoContextTakeover: offer.serverNoContextTakeover || config.serverNoContextTakeover,
    // §7.1.1.2: the offer's client_no_context_takeover is a hint the server may confirm; confirming it lets the
    // server drop its inflate window between messages.
    clientNoContextTakeover: offer.clientNoContextTakeover || config.clientNoContextTakeover,
    serverMaxWindowBits: serverBits,
    clientMaxWindowBits: clientBits,
  };
}

/** The response parameters for an accepted offer (RFC 7692 §7.1.1–§7.1.2), in the RFC's order. */
function responseFor(params: DeflateParams, offer: ReadParams, config: ResolvedDeflateOptions): ExtensionOffer {
  const out: Record<string, string | true> = {};
  if (params.serverNoContextTakeover) out.server_no_context_takeover = true;
  if (params.clientNoContextTakeover) out.client_no_context_takeover = true;
  // §7.1.2.1: an offered server_max_window_bits is accepted by answering it (same or smaller); unasked, the
  // server may still announce a smaller window.
  if (offer.serverMaxWindowBits !== undefined || config.serverMaxWindowBits < 15) {
    out.server_max_window_bits = String(params.serverMaxWindowBits);
  }
  // §7.1.2.2: only when offered; answered when it limits the client (our option, or the offer's own value).
  if (offer.clientMaxWindowBits !== undefined && params.clientMaxWindowBits < 15) {
    out.client_max_window_bits = String(params.clientMaxWindowBits);
  }
  return { name: PERMESSAGE_DEFLATE, params: out };
}

// ---------------------------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------------------------

/**
 * Client side: the permessage-deflate offer for `Sec-WebSocket-Extensions` (RFC 7692 §7.1). With the defaults it
 * is `permessage-deflate; client_max_window_bits`, what browsers and `ws` send.
 *
 * @example
 * const { request } = buildUpgradeRequest({ host, headers: { 'Sec-WebSocket-Extensions': deflateOffer() } });
 */
export function deflateOffer(options?: PerMessageDeflateOptions | true): string {
  const config = resolveDeflateOptions(options);
  const params: Record<string, string | true> = {};
  if (config.serverNoContextTakeover) params.server_no_context_takeover = true;
  if (config.clientNoContextTakeover) params.client_no_context_takeover = true;
  if (config.serverMaxWindowBits < 15) params.server_max_window_bits = String(config.serverMaxWindowBits);
  // §7.1.2.2: offering it says we can follow a client_max_window_bits in the response; a value is our own limit.
  params.client_max_window_bits = config.clientMaxWindowBits < 15 ? String(config.clientMaxWindowBits) : true;
  return formatExtensions([{ name: PERMESSAGE_DEFLATE, params }]);
}

/** The client's reading of the server's answer: the agreement, none (declined), or why to fail. */
export type DeflateResponseCheck = { ok: true; params: DeflateParams | undefined } | { ok: false; reason: string };

/**
 * Client side: check the server's accepted extensions (`verifyUpgradeResponse(...).extensions`) against the offer
 * `deflateOffer(options)` made (RFC 7692 §5, §7.1). `{ ok: true, params: undefined }`: the server declined, run
 * uncompressed. `{ ok: false, reason }`: _Fail the WebSocket Connection_ — permessage-deflate accepted twice, an
 * unknown or repeated parameter, a value out of range, a window larger than offered, `client_max_window_bits`
 * without a value, or `client_max_window_bits=8` (our compressor cannot do it). A response without a parameter we
 * asked for (`server_no_context_takeover`, `server_max_window_bits`) is not a failure: the server then keeps the
 * default, and we inflate with context and a 15-bit window.
 *
 * @example
 * const check = verifyDeflateResponse(verified.extensions, options);
 * if (!check.ok) return fail(check.reason);
 */
export function verifyDeflateResponse(
  extensions: readonly ExtensionOffer[],
  options?: PerMessageDeflateOptions | true,
): DeflateResponseCheck {
  if (!Array.isArray(extensions)) {
    throw new TypeError(`wsframe: verifyDeflateResponse: extensions must be an array, got ${describe(extensions)}`);
  }
  const config = resolveDeflateOptions(options);
  const accepted = extensions.filter((e) => e.name === PERMESSAGE_DEFLATE);
  if (accepted.length === 0) return { ok: true, params: undefined };
  // §5: "A client that received a response accepting more than one PMCE extension negotiation offer MUST _Fail
  // the WebSocket Connection_."
  if (accepted.length > 1) return { ok: false, reason: 'permessage-deflate accepted more than once' };
  const read = readParams(accepted[0]!, 'response');
  if (typeof read === 'string') return { ok: false, reason: `permessage-deflate response: ${read}` };
  // §7.1.2.1: the server answers "with the same or smaller value as the offer".
  const offeredServerBits = config.serverMaxWindowBits;
  if (read.serverMaxWindowBits !== undefined && read.serverMaxWindowBits > offeredServerBits) {
    return {
      ok: false,
      reason: `server_max_window_bits=${read.serverMaxWindowBits} above the offered ${offeredServerBits}`,
    };
  }
  // §7.1.2.2: we always offer client_max_window_bits; with a value, the response may not exceed it.
  let clientBits = config.clientMaxWindowBits;
  if (typeof read.clientMaxWindowBits === 'number') {
    if (read.clientMaxWindowBits > clientBits) {
      return {
        ok: false,
        reason: `client_max_window_bits=${read.clientMaxWindowBits} above the offered ${clientBits}`,
      };
    }
    if (read.clientMaxWindowBits < 9)
      return { ok: false, reason: 'client_max_window_bits=8 is not supported (least: 9)' };
    clientBits = read.clientMaxWindowBits;
  }
  return {
    ok: true,
    params: {
      // §7.1.1.1: the server may answer server_no_context_takeover unasked; absent, it may keep its context.
      serverNoContextTakeover: read.serverNoContextTakeover,
      // §7.1.1.2: "A client MUST support the client_no_context_takeover extension parameter in a response";
      // offered, it is our own promise whatever the answer.
      clientNoContextTakeover: read.clientNoContextTakeover || config.clientNoContextTakeover,
      serverMaxWindowBits: read.serverMaxWindowBits ?? 15,
      clientMaxWindowBits: clientBits,
    },
  };
}

/**
 * `wsframe/deflate` — permessage-deflate (RFC 7692): negotiation, and a per-connection codec on a synchronous
 * zlib engine (pako). A separate entry, so that an application that never compresses never loads the engine.
 */
import { integer, oneOf } from '../arguments.js';
import type { MessageCodec, PerMessageDeflate, Role } from '../types.js';
import { MessageDeflater, MessageInflater } from './engine.js';
import {
  PERMESSAGE_DEFLATE,
  deflateOffer,
  negotiateDeflate,
  resolveDeflateOptions,
  verifyDeflateResponse,
  type DeflateParams,
  type PerMessageDeflateOptions,
} from './negotiate.js';

export {
  DEFAULT_THRESHOLD,
  PERMESSAGE_DEFLATE,
  deflateOffer,
  negotiateDeflate,
  resolveDeflateOptions,
  verifyDeflateResponse,
} from './negotiate.js';
export type {
  DeflateNegotiation,
  DeflateParams,
  DeflateResponseCheck,
  PerMessageDeflateOptions,
  ResolvedDeflateOptions,
} from './negotiate.js';
export { INVALID_COMPRESSED_DATA, MessageDeflater, MessageInflater } from './engine.js';
export type { DeflateBackend, MessageDeflaterOptions, MessageInflaterOptions } from './engine.js';

/**
 * One connection's permessage-deflate, set up from the agreement (`negotiateDeflate(...).params` on a server,
 * `verifyDeflateResponse(...).params` on a client) and our role: compresses what we send with our side's window and
 * takeover, inflates what the peer sends with its side's. The threshold, level and memLevel come from `options`
 * (the same options the negotiation used).
 *
 * @example
 * const codec = new DeflateCodec('server', negotiation.params, options);
 * const payload = codec.compress(bytes); // null: send `bytes` uncompressed (RSV1 clear)
 * const data = codec.decompress(fragments, maxMessageSize); // a message that arrived with RSV1 set
 */
export class DeflateCodec implements MessageCodec {
  /** The agreement this codec follows. */
  readonly params: DeflateParams;
  /** Messages shorter than this many bytes are not compressed. */
  readonly threshold: number;
  /** Compresses what we send. */
  readonly deflater: MessageDeflater;
  /** Inflates what the peer sends. */
  readonly inflater: MessageInflater;

  constructor(role: Role, params: DeflateParams, options?: PerMessageDeflateOptions | true) {
    oneOf('role', role, ['server', 'client']);
    const config = resolveDeflateOptions(options);
    const server = role === 'server';
    // The windows are the agreed ones; only 8 is special: never agreed for our side (negotiate.ts), and read
    // with 9 bits for the peer's (engine.ts).
    const ours = integer(
      'params.*_max_window_bits',
      server ? params.serverMaxWindowBits : params.clientMaxWindowBits,
      9,
      15,
    );
    const theirs = integer(
      'params.*_max_window_bits',
      server ? params.clientMaxWindowBits : params.serverMaxWindowBits,
      8,
      15,
    );
    this.params = params;
    this.threshold = config.threshold;
    this.deflater = new MessageDeflater({
      windowBits: ours,
      noContextTakeover: server ? params.serverNoContextTakeover : params.clientNoContextTakeover,
      level: config.level,
      memLevel: config.memLevel,
    });
    this.inflater = new MessageInflater({
      windowBits: theirs,
      noContextTakeover: server ? params.clientNoContextTakeover : params.serverNoContextTakeover,
    });
  }

  /**
   * The compressed payload of a message to send with RSV1 set on its first frame (RFC 7692 §6), or null when
   * the message is shorter than the threshold and goes out as it is.
   */
  compress(payload: Uint8Array): Uint8Array | null {
    if (!(payload instanceof Uint8Array)) return this.deflater.deflate(payload); // throws its TypeError
    if (payload.length < this.threshold) return null;
    return this.deflater.deflate(payload);
  }

  /** Free the compressor's and the inflater's memory (`Connection` calls it once the connection is CLOSED). */
  close(): void {
    this.deflater.close();
    this.inflater.reset();
  }

  /** A received compressed message's data (see MessageInflater.inflate for `maxSize` and the errors). */
  decompress(payload: Uint8Array | readonly Uint8Array[], maxSize: number): Uint8Array {
    return this.inflater.inflate(payload, maxSize);
  }
}

/**
 * permessage-deflate for the handshake functions, `Connection` and the adapters (their `perMessageDeflate`
 * option): negotiates with `options` (checked here: a TypeError or RangeError for a bad one) and makes each
 * connection's `DeflateCodec`. With no options: context takeover both ways, 15-bit windows, messages of 1024
 * bytes and more compressed — what `ws` and browsers do.
 *
 * @example
 * import { serve } from 'wsframe/node';
 * import { deflate } from 'wsframe/deflate';
 * serve({ port: 8080, perMessageDeflate: deflate({ threshold: 256 }), message: (ws, data) => ws.send(data) });
 */
export function deflate(options?: PerMessageDeflateOptions | true): PerMessageDeflate {
  const config = resolveDeflateOptions(options);
  return {
    name: PERMESSAGE_DEFLATE,
    offer: () => deflateOffer(config),
    negotiate: (offers) => negotiateDeflate(offers, config),
    verify: (extensions) => verifyDeflateResponse(extensions, config),
    codec: (role: Role, params: DeflateParams) => new DeflateCodec(role, params, config),
  };
}

/**
 * A sans-I/O WebSocket endpoint (in the spirit of python's wsproto): bytes in → events out, method calls →
 * bytes to send. It owns the connection state (RFC 6455 §4–§7) around a MessageDecoder / MessageEncoder pair
 * and fulfils the protocol's obligations itself — a pong per ping, in order (§5.5.2); the echo of a received
 * close (§5.5.1); a close frame with the right code when the peer breaks the protocol (§7.1.7) — but never
 * touches a socket or a timer. Heartbeats take the current time as an argument.
 */
import { finite, flag, optionsObject, payloadBytes, type Bytes } from './arguments.js';
import { MessageDecoder } from './decoder.js';
import { MessageEncoder, closeBody } from './encoder.js';
import { CloseCode, MAX_CONTROL_PAYLOAD } from './constants.js';
import type { WebSocketError } from './errors.js';
import {
  buildRejectResponse,
  buildUpgradeRequest,
  buildUpgradeResponse,
  checkUpgradeRequest,
  verifyUpgradeResponse,
  type ClientHandshakeOptions,
  type ServerHandshakeOptions,
} from './handshake.js';
import { HandshakeError, findHeadEnd, parseHttpHead, type ExtensionOffer, type HttpHead } from './http.js';
import type { DeflateParams, Message, MessageCodec, MessageDecoderOptions, PerMessageDeflate, Role } from './types.js';

/**
 * Connection states, as in the WHATWG WebSocket API and RFC 6455 §4–§7: what `Connection#state` reports.
 * `Connection#phase` tells the three kinds of CLOSING apart (ConnectionPhase).
 */
export const ConnectionState = Object.freeze({
  /** Opening handshake in progress (only with the `handshake` option). */
  CONNECTING: 'CONNECTING',
  OPEN: 'OPEN',
  /** A close frame was sent or received; the other one is outstanding (or queued, not yet taken). */
  CLOSING: 'CLOSING',
  /** Both close frames exchanged, or the connection failed: flush `bytesToSend()` and close the transport. */
  CLOSED: 'CLOSED',
} as const);
/** One of the `ConnectionState` values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/**
 * The connection's state machine, with the closing handshake spelled out (RFC 6455 §7): what `Connection#phase`
 * reports. LOCAL_CLOSING, REMOTE_CLOSING and FAILING are all `ConnectionState.CLOSING` to `Connection#state`;
 * the other values are the same in both.
 */
export const ConnectionPhase = Object.freeze({
  /** Opening handshake in progress (only with the `handshake` option). */
  CONNECTING: 'CONNECTING',
  /** Messages flow both ways. */
  OPEN: 'OPEN',
  /**
   * We sent a close frame (`close()`) and wait for the peer's (§7.1.2). Its messages are still delivered; we
   * send nothing more, not even pongs (§5.5.1).
   */
  LOCAL_CLOSING: 'LOCAL_CLOSING',
  /**
   * The peer's close frame arrived; our reply is queued for the next `bytesToSend()`, after anything sent before
   * it (§5.5.1), or replaced by a `close()` of our own. Nothing more is received.
   */
  REMOTE_CLOSING: 'REMOTE_CLOSING',
  /**
   * The peer broke the protocol (an `error` event): a close frame with the error's close code is queued for the
   * next `bytesToSend()`, after anything sent before it (§7.1.7). Nothing more is received.
   */
  FAILING: 'FAILING',
  /** Both close frames exchanged, or the connection failed or ended: flush `bytesToSend()`, close the transport. */
  CLOSED: 'CLOSED',
} as const);
/** One of the `ConnectionPhase` values. */
export type ConnectionPhase = (typeof ConnectionPhase)[keyof typeof ConnectionPhase];

/** `Connection#state` for each phase. */
const STATE_OF: Readonly<Record<ConnectionPhase, ConnectionState>> = Object.freeze({
  CONNECTING: ConnectionState.CONNECTING,
  OPEN: ConnectionState.OPEN,
  LOCAL_CLOSING: ConnectionState.CLOSING,
  REMOTE_CLOSING: ConnectionState.CLOSING,
  FAILING: ConnectionState.CLOSING,
  CLOSED: ConnectionState.CLOSED,
});

/** What `receive` and `receiveEof` report. Text, binary, ping and pong are the decoder's messages as they are. */
export type ConnectionEvent =
  | Exclude<Message, { type: 'close' }>
  /** Opening handshake completed (only with the `handshake` option). */
  | {
      type: 'open';
      protocol: string | undefined;
      extensions: ExtensionOffer[];
      headers: [string, string][];
      target?: string;
    }
  /**
   * The peer's close frame (`code` 1005 when it had no body), or the transport ended without one (1006).
   * The close reply is queued for you.
   */
  | { type: 'close'; code: number; reason: string }
  /** The peer broke the protocol (a WebSocketError, whose close code is queued) or the handshake failed. */
  | { type: 'error'; error: WebSocketError<Message> | HandshakeError };

/** Options of Heartbeat and of Connection's `heartbeat` option; times in ms of the caller's clock. */
export interface HeartbeatOptions {
  /** Ping after this many ms without any byte from the peer (a finite number > 0). */
  interval: number;
  /** Declare the peer dead when nothing arrived this many ms after that ping (a finite number > 0). */
  timeout: number;
}

/** Options of Connection: MessageDecoder's (its limits, `validateUtf8`, `textAs`, ...) and the ones below. */
export interface ConnectionOptions extends Omit<MessageDecoderOptions, 'role' | 'compression'> {
  /** `'server'` (reads masked frames, writes unmasked ones) or `'client'` (the reverse). */
  role: Role;
  /** Split outgoing messages into frames of this many payload bytes; 0 (default) = never. */
  fragmentSize?: number;
  /**
   * permessage-deflate agreed in a handshake done elsewhere (RFC 7692): this connection's codec, e.g.
   * `deflate.codec('server', accepted.deflate)` after `checkUpgradeRequest` with `perMessageDeflate: deflate`.
   * It compresses what `send` sends and inflates RSV1 messages. With the `handshake` option, give
   * `handshake.perMessageDeflate` instead: the codec is made once both sides agree. Default: none.
   */
  compression?: MessageCodec;
  /** Answer every ping with a pong carrying its payload (RFC 6455 §5.5.2). Default true. */
  autoPong?: boolean;
  /**
   * Do the opening handshake too: the connection starts CONNECTING. Client: the request goes out with the first
   * `bytesToSend()` and `receive` verifies the response. Server: `receive` parses and checks the request and
   * answers 101 (or an error status, then CLOSED). Default: none — the connection starts OPEN, for when the
   * handshake happened elsewhere (e.g. node:http's `upgrade` event with `checkUpgradeRequest`).
   */
  handshake?: ClientHandshakeOptions | ServerHandshakeOptions;
  /** Ping an idle peer and detect a dead one; see `tick(now)`. Default: off. */
  heartbeat?: HeartbeatOptions;
  /** Start time for the heartbeat (ms, any clock; a finite number). Default 0. */
  now?: number;
}

/**
 * When to ping and when to give up on a silent peer, given the time (ms) by the caller. Any byte from the peer
 * counts as a sign of life, so a long transfer never looks dead.
 *
 * @example
 * const heartbeat = new Heartbeat({ interval: 30_000, timeout: 10_000 }, Date.now());
 * // on data: heartbeat.seen(Date.now()); on a timer set for heartbeat.deadline():
 * // switch (heartbeat.poll(Date.now())) { case 'ping': sendPing(); break; case 'dead': socket.destroy(); }
 */
export class Heartbeat {
  private readonly interval: number;
  private readonly timeout: number;
  private lastSeen: number;
  private pingSentAt = -1;

  /** `options.interval` and `options.timeout`: finite numbers > 0 (ms); `now`: a finite number (ms). */
  constructor(options: HeartbeatOptions, now: number) {
    optionsObject(options, 'heartbeat');
    this.interval = positive('heartbeat interval', options.interval);
    this.timeout = positive('heartbeat timeout', options.timeout);
    this.lastSeen = finite('now', now);
  }

  /** Record that bytes arrived from the peer at `now`. */
  seen(now: number): void {
    this.lastSeen = finite('now', now);
    this.pingSentAt = -1;
  }

  /**
   * `'ping'`: send a ping now (it is recorded as sent). `'dead'`: the ping went unanswered. `'idle'`: nothing to
   * do.
   */
  poll(now: number): 'ping' | 'dead' | 'idle' {
    finite('now', now);
    if (this.pingSentAt >= 0) return now - this.pingSentAt >= this.timeout ? 'dead' : 'idle';
    if (now - this.lastSeen < this.interval) return 'idle';
    this.pingSentAt = now;
    return 'ping';
  }

  /** When `poll` has something to say next (ms, same clock). Schedule one timer for it. */
  deadline(): number {
    return this.pingSentAt >= 0 ? this.pingSentAt + this.timeout : this.lastSeen + this.interval;
  }
}

/** A duration: a finite number > 0. */
function positive(name: string, value: unknown): number {
  if (finite(name, value) <= 0) throw new RangeError(`wsframe: ${name} must be positive, got ${value}`);
  return value as number;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
/** Largest HTTP head accepted during the handshake (431 above). */
const MAX_HEAD = 16384;

/** A message to send: a string (text) or payload bytes (binary). */
type Data = string | Bytes;

/** Check `data` before anything changes (the encoder would only see it after the state checks). */
function checkData(data: unknown, name: string): void {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) payloadBytes(data, name);
}

/**
 * A WebSocket endpoint without I/O. Feed it what the transport reads (`receive`, `receiveEof`), act on the events,
 * call `send`/`ping`/`close`, and write whatever `bytesToSend()` returns.
 *
 * Obligations are queued for you: a pong per ping (in order, before anything you send in reply to the same
 * `receive`), the close reply, and the close frame after a protocol error (with `error.closeCode`; 1006 is never
 * sent). The close frame that ends the connection is appended when you next call `bytesToSend()`, so replies you
 * send to the messages delivered together with it still go out first (Autobahn 3.2, 5.15, 7.1.6).
 *
 * @example
 * const connection = new Connection({ role: 'server' });
 * socket.on('data', (chunk) => {
 *   for (const event of connection.receive(chunk)) {
 *     if (event.type === 'text' || event.type === 'binary') connection.send(event.data);
 *   }
 *   for (const bytes of connection.bytesToSend()) socket.write(bytes);
 *   if (connection.state === 'CLOSED') socket.end();
 * });
 * socket.on('end', () => connection.receiveEof());
 */
export class Connection {
  /** `'server'` or `'client'`, from the options. */
  readonly role: Role;
  /** Changed only by `enter`, which keeps `currentState` in step. */
  private currentPhase: ConnectionPhase = ConnectionPhase.OPEN;
  private currentState: ConnectionState = ConnectionState.OPEN;
  private decoder: MessageDecoder;
  private encoder: MessageEncoder;
  /** The compression codec, released once CLOSED. */
  private codec: MessageCodec | null = null;
  /** What the decoder and encoder were made with, to remake them once permessage-deflate is agreed. */
  private readonly codecOptions: { decoder: MessageDecoderOptions; fragmentSize: number | undefined };
  private readonly autoPong: boolean;
  private out: Uint8Array[] = [];
  /** Bytes in `out`. */
  private outBytes = 0;
  /**
   * REMOTE_CLOSING and FAILING: the code of the close frame that the next `bytesToSend()` appends (see the class
   * comment) — the peer's code echoed (undefined: an empty body), or the error's close code.
   */
  private closeReplyCode: number | undefined = undefined;
  private readonly heartbeatTimer: Heartbeat | null;
  /** Handshake bookkeeping (CONNECTING only). */
  private handshake: {
    options: ClientHandshakeOptions | ServerHandshakeOptions;
    key: string;
    /** The head so far: `length` bytes of `head`. */
    head: Uint8Array;
    length: number;
  } | null = null;
  /** The negotiated subprotocol (with the `handshake` option). */
  protocol: string | undefined;
  /** The extensions in effect (with the `handshake` option): the agreed permessage-deflate, if any. */
  extensions: ExtensionOffer[] = [];

  /**
   * Options are checked here (a TypeError or RangeError for a wrong type or value): the decoder's and encoder's
   * (`role`, limits, `textAs`, `validateUtf8`, `backend`, `inPlace`, `fragmentSize`), `autoPong` (a boolean),
   * `heartbeat` (an object, see HeartbeatOptions), `now` (a finite number) and `handshake` (an object).
   */
  constructor(options: ConnectionOptions) {
    optionsObject(options, 'Connection');
    const { role, fragmentSize, autoPong, handshake, heartbeat, now, compression, ...decoderOptions } = options;
    const start = now === undefined ? 0 : finite('now', now);
    if (handshake !== undefined) optionsObject(handshake, 'handshake');
    this.role = role;
    this.decoder = new MessageDecoder({ ...decoderOptions, role, compression });
    this.encoder = new MessageEncoder({ role, fragmentSize, backend: options.backend, compression });
    this.codec = compression ?? null;
    this.codecOptions = { decoder: { ...decoderOptions, role }, fragmentSize };
    this.autoPong = flag('autoPong', autoPong, true);
    this.heartbeatTimer = heartbeat !== undefined ? new Heartbeat(heartbeat, start) : null;
    if (handshake !== undefined) {
      this.enter(ConnectionPhase.CONNECTING);
      let key = '';
      if (role === 'client') {
        const request = buildUpgradeRequest(handshake as ClientHandshakeOptions);
        key = request.key;
        this.push(ascii(request.request));
      }
      this.handshake = { options: handshake, key, head: new Uint8Array(0), length: 0 };
    }
  }

  /** `CONNECTING` (handshake option only), `OPEN`, `CLOSING` or `CLOSED`: see ConnectionState. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /**
   * The detailed state: `state` with CLOSING told apart — `LOCAL_CLOSING` (our close sent, the peer's awaited),
   * `REMOTE_CLOSING` (the peer's close received, our reply queued) or `FAILING` (a protocol error's close
   * queued). See ConnectionPhase.
   */
  get phase(): ConnectionPhase {
    return this.currentPhase;
  }

  /** Bytes queued and not yet taken by `bytesToSend()`. */
  get bufferedAmount(): number {
    return this.outBytes;
  }

  /**
   * Feed bytes read from the transport (any split): a Uint8Array (or Buffer), an ArrayBuffer or any
   * ArrayBufferView. Returns the events they complete, in order. `now` (ms, a finite number) feeds the
   * heartbeat. Bytes after the connection closed are ignored.
   */
  receive(data: Bytes, now?: number): ConnectionEvent[] {
    const bytes = data instanceof Uint8Array ? data : payloadBytes(data, 'received bytes');
    if (now !== undefined) {
      finite('now', now);
      this.heartbeatTimer?.seen(now);
    }
    const phase = this.currentPhase;
    if (phase === ConnectionPhase.CONNECTING) return this.receiveHandshake(bytes, now);
    // After a close was received or the protocol failed, the decoder ignores or refuses everything (§5.5.1).
    if (phase !== ConnectionPhase.OPEN && phase !== ConnectionPhase.LOCAL_CLOSING) return [];
    const events: ConnectionEvent[] = [];
    let messages: Message[];
    let failure: WebSocketError<Message> | null = null;
    try {
      messages = this.decoder.push(bytes);
    } catch (error) {
      if (!this.decoder.isError(error)) throw error;
      messages = error.messages;
      failure = error;
    }
    for (const message of messages) this.deliver(message, events);
    if (failure) this.fail(failure, events);
    return events;
  }

  /**
   * The transport's read side ended (TCP FIN or an error): CLOSED, and a queued close frame is dropped. Returns a
   * 1006 close event unless the peer's close frame arrived (or an error event while CONNECTING).
   */
  receiveEof(): ConnectionEvent[] {
    const phase = this.currentPhase;
    if (phase === ConnectionPhase.CLOSED || phase === ConnectionPhase.REMOTE_CLOSING) return [];
    this.enter(ConnectionPhase.CLOSED);
    if (phase === ConnectionPhase.CONNECTING) {
      return [{ type: 'error', error: new HandshakeError(0, 'connection closed during the opening handshake') }];
    }
    return [{ type: 'close', code: CloseCode.Abnormal, reason: '' }];
  }

  /**
   * Send a message: text for a string, binary for a Uint8Array, ArrayBuffer or ArrayBufferView (by its bytes);
   * anything else is a TypeError. `binary` overrides: `false` sends bytes (a Uint8Array or ArrayBuffer) as text —
   * they must be valid UTF-8, e.g. a message received with `textAs: 'bytes'`; `true` sends a string's UTF-8 as
   * binary. Returns false (and sends nothing) once a close frame was sent (RFC 6455 §5.5.1: no data after a
   * close). Throws while CONNECTING.
   */
  send(data: Data, binary: boolean = typeof data !== 'string'): boolean {
    checkData(data, 'data');
    if (typeof binary !== 'boolean') throw new TypeError('wsframe: send(data, binary): binary must be a boolean');
    if (!this.canSend()) return false;
    this.queue(
      binary
        ? this.encoder.binary(typeof data === 'string' ? new TextEncoder().encode(data) : data)
        : this.encoder.text(typeof data === 'string' || data instanceof Uint8Array ? data : payloadBytes(data, 'data')),
    );
    return true;
  }

  /**
   * Queue frames encoded elsewhere, as they are — e.g. one broadcast encoded once by a server-role
   * `MessageEncoder` for many connections. They must be whole, valid frames for this role (unmasked from a
   * server, masked from a client). Returns false (and sends nothing) once a close frame was sent.
   */
  sendEncoded(frames: readonly Uint8Array[]): boolean {
    if (!this.canSend()) return false;
    for (const f of frames) this.push(f);
    return true;
  }

  /** Send a ping (≤ 125 bytes, RFC 6455 §5.5.2). Returns false once a close frame was sent. */
  ping(data?: Data): boolean {
    if (data !== undefined) checkData(data, 'ping data');
    if (!this.canSend()) return false;
    this.queue(this.encoder.ping(data));
    return true;
  }

  /** Send a pong, e.g. unsolicited as a one-way heartbeat (§5.5.3). Returns false once a close frame was sent. */
  pong(data?: Data): boolean {
    if (data !== undefined) checkData(data, 'pong data');
    if (!this.canSend()) return false;
    this.queue(this.encoder.pong(data));
    return true;
  }

  /**
   * Start the closing handshake (RFC 6455 §7.1.2) with `code` (default 1000; `null` sends an empty body)
   * and `reason` (≤ 123 UTF-8 bytes: a string, or valid UTF-8 in a Uint8Array or ArrayBuffer). After a peer's
   * close, replaces the queued echo. No-op once a close frame was sent. While CONNECTING, abandons the
   * handshake (nothing is sent). Invalid arguments throw in every state, before anything changes.
   */
  close(code: number | null = CloseCode.Normal, reason: string | Uint8Array | ArrayBufferLike = ''): void {
    closeBody(code ?? undefined, reason);
    const phase = this.currentPhase;
    if (phase === ConnectionPhase.CONNECTING) {
      this.enter(ConnectionPhase.CLOSED);
      this.out = [];
      this.outBytes = 0;
      return;
    }
    // LOCAL_CLOSING and CLOSED: our close frame is out. FAILING: the error's close code is not ours to change.
    if (phase !== ConnectionPhase.OPEN && phase !== ConnectionPhase.REMOTE_CLOSING) return;
    this.queue(this.encoder.close(code ?? undefined, reason));
    // REMOTE_CLOSING: this frame is the reply to the peer's close, so the handshake is complete (§7.1.2).
    this.enter(phase === ConnectionPhase.OPEN ? ConnectionPhase.LOCAL_CLOSING : ConnectionPhase.CLOSED);
  }

  /** Take everything queued for the transport, in order. Write it all, in order. */
  bytesToSend(): Uint8Array[] {
    const phase = this.currentPhase;
    if (phase === ConnectionPhase.REMOTE_CLOSING || phase === ConnectionPhase.FAILING) {
      this.queue(this.encoder.close(this.closeReplyCode, ''));
      this.enter(ConnectionPhase.CLOSED);
    }
    const out = this.out;
    this.out = [];
    this.outBytes = 0;
    return out;
  }

  /**
   * Heartbeat step at time `now` (needs the `heartbeat` option and `now` passed to `receive`): `'ping'` — a ping
   * was queued; `'dead'` — the peer stayed silent past the timeout, the connection is CLOSED, destroy the
   * transport; `'idle'` — nothing to do until `nextTick()`.
   */
  tick(now: number): 'ping' | 'dead' | 'idle' {
    finite('now', now);
    const heartbeat = this.heartbeatTimer;
    if (!heartbeat || this.currentPhase !== ConnectionPhase.OPEN) return 'idle';
    const verdict = heartbeat.poll(now);
    if (verdict === 'ping') this.ping(ascii(String(now)).subarray(0, MAX_CONTROL_PAYLOAD));
    if (verdict === 'dead') {
      this.enter(ConnectionPhase.CLOSED);
      this.out = [];
      this.outBytes = 0;
    }
    return verdict;
  }

  /** When `tick` should run next (ms); Infinity without a heartbeat or once the connection is no longer OPEN. */
  nextTick(): number {
    const heartbeat = this.heartbeatTimer;
    return heartbeat && this.currentPhase === ConnectionPhase.OPEN ? heartbeat.deadline() : Infinity;
  }

  /** Move to `phase`; `state` follows. */
  private enter(phase: ConnectionPhase): void {
    this.currentPhase = phase;
    this.currentState = STATE_OF[phase];
    // Nothing is compressed or inflated once CLOSED: the codec's memory (a compressor's window) goes back now.
    if (phase === ConnectionPhase.CLOSED && this.codec !== null) {
      const codec = this.codec;
      this.codec = null;
      codec.close?.();
    }
  }

  /**
   * Whether a message may be queued: not once our close frame is queued (LOCAL_CLOSING, CLOSED; §5.5.1), but
   * still in REMOTE_CLOSING and FAILING, where it goes out before the close frame. Throws while CONNECTING.
   */
  private canSend(): boolean {
    const phase = this.currentPhase;
    if (phase === ConnectionPhase.CONNECTING) throw new Error('wsframe: the connection is not open yet');
    return phase !== ConnectionPhase.LOCAL_CLOSING && phase !== ConnectionPhase.CLOSED;
  }

  private queue(frames: Uint8Array[]): void {
    for (const f of frames) this.push(f);
  }

  private push(bytes: Uint8Array): void {
    this.out.push(bytes);
    this.outBytes += bytes.length;
  }

  /** A decoded message, in OPEN or LOCAL_CLOSING (`receive` decodes in no other phase). */
  private deliver(message: Message, events: ConnectionEvent[]): void {
    if (message.type !== 'close') {
      events.push(message);
      // §5.5.2: a pong "as soon as practical", in order; none after our close frame (§5.5.1).
      if (message.type === 'ping' && this.autoPong && this.currentPhase === ConnectionPhase.OPEN) {
        this.queue(this.encoder.pong(message.data));
      }
      return;
    }
    events.push({ type: 'close', code: message.code ?? CloseCode.NoStatus, reason: message.reason });
    if (this.currentPhase === ConnectionPhase.LOCAL_CLOSING) {
      this.enter(ConnectionPhase.CLOSED); // the reply to our close: handshake complete (§7.1.2)
    } else {
      // §5.5.1: reply with a close frame, "typically echoing the status code"; an empty body gets an empty body,
      // so 1005 never reaches the wire (Autobahn 7.3.1). Queued at the next bytesToSend().
      this.closeReplyCode = message.code;
      this.enter(ConnectionPhase.REMOTE_CLOSING);
    }
  }

  /** §7.1.7 "Fail the WebSocket Connection": a close frame with the error's code (never 1006), then CLOSED. */
  private fail(error: WebSocketError<Message>, events: ConnectionEvent[]): void {
    events.push({ type: 'error', error });
    if (this.currentPhase === ConnectionPhase.LOCAL_CLOSING || error.closeCode === CloseCode.Abnormal) {
      this.enter(ConnectionPhase.CLOSED); // our close frame is already out, or there is nothing to send
      return;
    }
    this.closeReplyCode = error.closeCode;
    this.enter(ConnectionPhase.FAILING);
  }

  private receiveHandshake(bytes: Uint8Array, now: number | undefined): ConnectionEvent[] {
    const hs = this.handshake!;
    // The head so far grows by doubling, and only the new bytes are searched for its end: a head arriving a byte
    // at a time costs linear time.
    const had = hs.length;
    if (had + bytes.length > hs.head.length) {
      const grown = new Uint8Array(Math.max(had + bytes.length, hs.head.length * 2, 256));
      grown.set(hs.head.subarray(0, had));
      hs.head = grown;
    }
    hs.head.set(bytes, had);
    hs.length = had + bytes.length;
    const end = findHeadEnd(hs.head, Math.max(0, had - 3), Math.min(hs.length, MAX_HEAD));
    if (end < 0 && hs.length < MAX_HEAD) return [];
    const head = hs.head.subarray(0, hs.length);
    let parsed: HttpHead | null;
    try {
      parsed = parseHttpHead(end < 0 ? head : head.subarray(0, end), MAX_HEAD);
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error;
      return this.handshakeFailed(error);
    }
    if (parsed === null) return [];
    const rest = head.subarray(parsed.length);
    this.handshake = null;
    let open: ConnectionEvent;
    if (this.role === 'client') {
      const options = hs.options as ClientHandshakeOptions;
      const verdict =
        parsed.status === undefined
          ? { ok: false as const, reason: 'expected an HTTP response' }
          : verifyUpgradeResponse(
              { status: parsed.status, headers: parsed.headers },
              { key: hs.key, protocols: options.protocols, perMessageDeflate: options.perMessageDeflate },
            );
      if (!verdict.ok) {
        this.enter(ConnectionPhase.CLOSED);
        return [{ type: 'error', error: new HandshakeError(parsed.status ?? 0, verdict.reason) }];
      }
      this.protocol = verdict.protocol;
      this.extensions = verdict.extensions;
      this.agree(options.perMessageDeflate, verdict.deflate);
      open = { type: 'open', protocol: verdict.protocol, extensions: verdict.extensions, headers: parsed.headers };
    } else {
      const result =
        parsed.method === undefined
          ? ({ ok: false, status: 400, reason: 'expected an HTTP request', headers: {} } as const)
          : checkUpgradeRequest(
              { method: parsed.method, httpVersion: parsed.httpVersion, headers: parsed.headers },
              hs.options as ServerHandshakeOptions,
            );
      if (!result.ok) return this.handshakeFailed(new HandshakeError(result.status, result.reason), result.headers);
      this.push(ascii(buildUpgradeResponse(result)));
      this.protocol = result.protocol;
      this.extensions = result.agreedExtensions;
      this.agree((hs.options as ServerHandshakeOptions).perMessageDeflate, result.deflate);
      open = {
        type: 'open',
        protocol: result.protocol,
        extensions: result.agreedExtensions,
        headers: parsed.headers,
        target: parsed.target,
      };
    }
    this.enter(ConnectionPhase.OPEN);
    return rest.length > 0 ? [open, ...this.receive(rest, now)] : [open];
  }

  /**
   * permessage-deflate was agreed in our handshake: from now on messages are compressed and RSV1 messages
   * inflated (RFC 7692 §6). The decoder has read nothing yet, the encoder written nothing: both are made anew.
   */
  private agree(deflate: PerMessageDeflate | undefined, params: DeflateParams | undefined): void {
    if (deflate === undefined || params === undefined) return;
    const compression = deflate.codec(this.role, params);
    this.codec = compression;
    this.decoder = new MessageDecoder({ ...this.codecOptions.decoder, compression });
    this.encoder = new MessageEncoder({
      role: this.role,
      fragmentSize: this.codecOptions.fragmentSize,
      backend: this.codecOptions.decoder.backend,
      compression,
    });
  }

  /** Server: answer with the error status, then CLOSED. Client: just CLOSED. */
  private handshakeFailed(error: HandshakeError, headers?: Record<string, string>): ConnectionEvent[] {
    this.handshake = null;
    this.enter(ConnectionPhase.CLOSED);
    this.out = [];
    this.outBytes = 0;
    if (this.role === 'server') {
      this.push(
        ascii(buildRejectResponse({ status: error.status, reason: error.message.replace(/^wsframe: /, ''), headers })),
      );
    }
    return [{ type: 'error', error }];
  }
}

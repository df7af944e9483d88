/**
 * The runtime-neutral part of the socket adapters (`wsframe/node`, `wsframe/deno`, `wsframe/bun`): everything
 * between a byte stream and the user's handlers that does not depend on how a runtime spells "socket". Each
 * adapter supplies a `Transport` per socket (write, pause/resume reading, end, destroy) and calls the
 * `WebSocketConnection`'s `_data` / `_drain` / `_closed` from its socket callbacks; this file does the rest:
 *
 * - the server's opening handshake from raw bytes (RFC 6455 §4.2) with path, origin, subprotocol, connection and
 *   header-size checks, a user `upgrade` hook, and a deadline (slowloris);
 * - write batching: everything queued while handling one incoming chunk, and everything sent in one synchronous
 *   turn of user code, leaves in one `Transport.write` call, small frames coalesced into one buffer;
 * - back-pressure: reading stops while more than `highWaterMark` bytes wait to be sent, and a peer that lets
 *   more than `maxBufferedAmount` pile up is cut off;
 * - one timer per server (not per connection) for heartbeats, handshake and close deadlines;
 * - broadcast (encode once, send the same bytes to every connection) and graceful shutdown with 1001.
 */
import { Connection, ConnectionState, type ConnectionEvent } from '../connection.js';
import { CloseCode } from '../constants.js';
import { MessageEncoder } from '../encoder.js';
import { WebSocketError } from '../errors.js';
import {
  buildRejectResponse,
  buildUpgradeResponse,
  checkDeflate,
  checkUpgradeRequest,
  type ClientHandshakeOptions,
} from '../handshake.js';
import { HandshakeError, findHeadEnd, parseHttpHead, type ExtensionOffer, type HttpHead } from '../http.js';
import type { BackendOption } from '../backend/index.js';
import type { MessageCodec, PerMessageDeflate } from '../types.js';

/** What an adapter gives the core for one socket. */
export interface Transport {
  /** Write these buffers, in order, as one write (writev) where the runtime can. Never called with an empty list. */
  write(chunks: Uint8Array[]): void;
  /** Bytes accepted by `write` that the runtime has not yet handed to the kernel. */
  buffered(): number;
  /** Stop reading from the peer (back-pressure) … */
  pause(): void;
  /** … and start again. */
  resume(): void;
  /** Send what is buffered, then close our side (TCP FIN). */
  end(): void;
  /** Close at once, dropping what is buffered. */
  destroy(): void;
}

/** Anything `send` accepts: a string goes as a text message, bytes as a binary message. */
export type SendData = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** The callbacks of a server or client. Every one is optional; `this` is not bound. */
export interface WebSocketHandlers<Data = unknown> {
  /** The handshake completed; `ws` is OPEN. */
  open?(ws: WebSocketConnection<Data>): void;
  /** A whole text (`isBinary` false: a string, or bytes with `textAs: 'bytes'`) or binary message. */
  message?(ws: WebSocketConnection<Data>, data: string | Uint8Array, isBinary: boolean): void;
  /** A ping arrived (the pong is already queued unless `autoPong: false`). */
  ping?(ws: WebSocketConnection<Data>, data: Uint8Array): void;
  /** A pong arrived. */
  pong?(ws: WebSocketConnection<Data>, data: Uint8Array): void;
  /** Everything buffered for this peer has been written: `bufferedAmount` is back under `highWaterMark`. */
  drain?(ws: WebSocketConnection<Data>): void;
  /**
   * The connection is gone (the socket closed), once per connection that was opened. `code`/`reason`: the
   * peer's close frame (1005 when it had no body), the close code we failed the connection with (1002, 1007,
   * 1009, …), or 1006 when it ended without a close frame (abrupt disconnect, heartbeat or close timeout, back-
   * pressure limit).
   */
  close?(ws: WebSocketConnection<Data>, code: number, reason: string): void;
  /**
   * The peer broke the protocol (a `WebSocketError`; its close frame is on its way), a handler threw, or decoding
   * failed inside wsframe (a defect: that connection is dropped, 1006 'internal error'). Without this handler, an
   * exception thrown by a handler is rethrown from a microtask (an uncaught exception, as in Node's
   * EventEmitter); protocol errors and internal errors are then only visible in `close`.
   */
  error?(ws: WebSocketConnection<Data>, error: unknown): void;
}

/** Options shared by servers and clients. */
export interface EndpointOptions<Data = unknown> extends WebSocketHandlers<Data> {
  /** Largest message accepted (1009 above it). Default 64 MiB, as `MessageDecoder`. */
  maxMessageSize?: number;
  /** Largest frame accepted (1009). Default: `maxMessageSize`. */
  maxFrameSize?: number;
  /** Deliver text as `string` (default) or validated UTF-8 bytes. */
  textAs?: 'string' | 'bytes';
  /** Codec backend: `'auto'` (default), `'wasm'` or `'js'`. */
  backend?: BackendOption;
  /** Split outgoing messages into frames of this many bytes; 0 (default) never. */
  fragmentSize?: number;
  /** Answer pings automatically (RFC 6455 §5.5.2). Default true. */
  autoPong?: boolean;
  /**
   * Ping a peer that sent nothing for `interval` ms; drop it (close code 1006) when nothing arrives `timeout` ms
   * after the ping. `false` turns it off. Default: `{ interval: 30000, timeout: 10000 }` for servers, off for
   * clients.
   */
  heartbeat?: { interval: number; timeout: number } | false;
  /** Give up on the opening handshake after this many ms (slowloris). Default 10000. */
  handshakeTimeout?: number;
  /** After our close frame, wait this long (ms) for the peer's, then drop the connection. Default 5000. */
  closeTimeout?: number;
  /**
   * Stop reading from a peer while more than this many bytes wait to be written to it; `send` returns false
   * above it and `drain` fires when it is written. Default 1 MiB.
   */
  highWaterMark?: number;
  /**
   * A send (or broadcast) to a peer for which more than this many bytes already wait cuts the peer off (close
   * code 1006, reason `'backpressure limit'`) instead: a reader that stopped reading holds at most this much
   * plus one message. Default 16 MiB.
   */
  maxBufferedAmount?: number;
  /**
   * permessage-deflate (RFC 7692): `deflate(options)` from `wsframe/deflate`. A server accepts the first offer it
   * can serve, a client offers it; `ws.extensions` then lists what was agreed. Messages of `threshold` bytes and
   * more (default 1024) are compressed; broadcasts go out uncompressed (encoded once for every connection).
   * Default: none — the extension is declined.
   */
  perMessageDeflate?: PerMessageDeflate;
}

/** Client options, the same on every runtime (each adapter adds its TLS trust option). */
export interface ClientCoreOptions<Data = unknown> extends EndpointOptions<Data> {
  /** Subprotocols to offer, in preference order. */
  protocols?: readonly string[];
  /** An `Origin` header (browsers send one; other clients usually don't). */
  origin?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** What the server's `upgrade` hook sees of a request. */
export interface UpgradeInfo {
  /** The request target, e.g. `'/chat?room=1'`. */
  url: string;
  /** Header fields as sent, in order. */
  headers: [string, string][];
  /** `Origin`, if sent. */
  origin: string | undefined;
  /** Subprotocols offered by the client, in its order. */
  protocols: string[];
  remoteAddress: string;
}

/** Server options, the same on every runtime (each adapter adds its own listening options). */
export interface ServerCoreOptions<Data = unknown> extends EndpointOptions<Data> {
  /** Only this request path (without the query) is upgraded; others get 404. Default: every path. */
  path?: string;
  /** Allowed `Origin` values or a predicate (403 otherwise); see `checkUpgradeRequest`. Default: every origin. */
  origins?: readonly string[] | ((origin: string | undefined) => boolean);
  /** Subprotocols the server speaks, picked in the client's order (or `protocolPreference: 'server'`). */
  protocols?: readonly string[];
  protocolPreference?: 'client' | 'server';
  /** Largest request head (431 above it). Default 8192 bytes. */
  maxHeaderBytes?: number;
  /** Open connections (and handshakes in progress) at most; more get 503. Default Infinity. */
  maxConnections?: number;
  /**
   * Decide whether to accept a valid upgrade request and attach data to the connection (`ws.data`). Return the
   * data (or a promise of it); throw a `HandshakeError(status, reason)` to refuse with that status (any other
   * exception refuses with 500). Reading from the socket waits while a promise is pending.
   */
  upgrade?(request: UpgradeInfo): Data | Promise<Data>;
  /** Extra headers for the 101 response. */
  headers?: Record<string, string>;
  /**
   * Carries `broadcast` to other processes (one server per core). Default: none — `broadcast` reaches this
   * server's connections only. See `PubSub`.
   */
  pubsub?: PubSub;
}

/**
 * A pub/sub hook for broadcasts across processes: `publish` hands a message to the others (it need not come back
 * to the publisher; if it does, the server ignores its own by `origin`), `subscribe` delivers theirs. Redis, NATS
 * or `node:cluster` IPC fit in a few lines each.
 */
export interface PubSub {
  publish(message: BroadcastMessage): void;
  /** Returns a function that unsubscribes. */
  subscribe(listener: (message: BroadcastMessage) => void): () => void;
}

/** A broadcast as it travels between processes. */
export interface BroadcastMessage {
  /** Which server published it (a random id per server). */
  origin: string;
  /** `true`: binary, `false`: text (the payload is its UTF-8). */
  binary: boolean;
  payload: Uint8Array;
}

const DEFAULT_HIGH_WATER_MARK = 1 << 20;
const DEFAULT_MAX_BUFFERED = 16 << 20;
const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
const DEFAULT_CLOSE_TIMEOUT = 5_000;
const DEFAULT_SERVER_HEARTBEAT = { interval: 30_000, timeout: 10_000 };
/**
 * Frames smaller than this are copied into one buffer per write instead of being handed to the runtime as
 * separate chunks (bench:e2e '16 B text, 1 connection': one buffer per write vs writev of every frame).
 */
export const COALESCE_MAX = 4096;
/**
 * Deno's and Bun's sockets write one buffer per call (no writev): a frame's header and a payload below this are
 * copied into one buffer, one write instead of two (bench:e2e '16 KiB ×16', wsframe/deno: 42.8 → 32.7 µs of
 * server CPU per message; without it every echo was a 4-byte write, then the payload).
 */
export const WRITE_MERGE_MAX = 64 * 1024;

const utf8 = new TextEncoder();
const NO_HEADERS: [string, string][] = [];
const ascii = (text: string): Uint8Array => {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};

/**
 * Merge runs of buffers smaller than `max` into one, keep larger ones as they are (a large payload is never
 * copied). `alloc` makes the merged buffer (Node passes `Buffer.allocUnsafe`). Node writes a list with one
 * writev and uses the default; Deno and Bun have no writev, so they merge up to `WRITE_MERGE_MAX`.
 */
export function coalesce(
  chunks: Uint8Array[],
  alloc: (size: number) => Uint8Array,
  max: number = COALESCE_MAX,
): Uint8Array[] {
  if (chunks.length === 1) return chunks;
  const out: Uint8Array[] = [];
  let run = 0;
  let runBytes = 0;
  const emit = (end: number): void => {
    if (end - run === 1) out.push(chunks[run]!);
    else if (end > run) {
      const merged = alloc(runBytes);
      let at = 0;
      for (let i = run; i < end; i++) {
        merged.set(chunks[i]!, at);
        at += chunks[i]!.length;
      }
      out.push(merged);
    }
  };
  for (let i = 0; i < chunks.length; i++) {
    const n = chunks[i]!.length;
    if (n >= max) {
      emit(i);
      out.push(chunks[i]!);
      run = i + 1;
      runBytes = 0;
    } else {
      runBytes += n;
    }
  }
  emit(chunks.length);
  return out;
}

/** Shared state of a server or a client: options, the clock and the one timer, the flush queue. */
export class Endpoint<Data = unknown> {
  readonly options: EndpointOptions<Data>;
  readonly connections = new Set<WebSocketConnection<Data>>();
  /** How many of `connections` are refused handshakes waiting for their socket to close. */
  refused = 0;
  /** Coarse clock (ms), refreshed by the timer and on each new socket; heartbeats need no more precision. */
  now = Date.now();
  private readonly dirty: WebSocketConnection<Data>[] = [];
  private flushQueued = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly sweepEvery: number;
  readonly highWaterMark: number;
  readonly maxBufferedAmount: number;
  readonly handshakeTimeout: number;
  readonly closeTimeout: number;
  readonly heartbeat: { interval: number; timeout: number } | undefined;
  /**
   * The adapter hands over chunks nobody else reads (Node's 'data' buffers): the decoder may unmask them in place
   * and return payloads as views of them (`inPlace`), saving a copy per message.
   */
  readonly inPlace: boolean;

  constructor(options: EndpointOptions<Data>, role: 'server' | 'client', inPlace = false) {
    this.options = options;
    this.inPlace = inPlace;
    this.highWaterMark = positive(options.highWaterMark, DEFAULT_HIGH_WATER_MARK, 'highWaterMark');
    this.maxBufferedAmount = positive(options.maxBufferedAmount, DEFAULT_MAX_BUFFERED, 'maxBufferedAmount');
    this.handshakeTimeout = positive(options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT, 'handshakeTimeout');
    this.closeTimeout = positive(options.closeTimeout, DEFAULT_CLOSE_TIMEOUT, 'closeTimeout');
    if (options.perMessageDeflate !== undefined) checkDeflate(options.perMessageDeflate, 'perMessageDeflate');
    const beat =
      options.heartbeat === undefined ? (role === 'server' ? DEFAULT_SERVER_HEARTBEAT : false) : options.heartbeat;
    if (beat !== false) {
      positive(beat.interval, 1, 'heartbeat.interval');
      positive(beat.timeout, 1, 'heartbeat.timeout');
    }
    this.heartbeat = beat === false ? undefined : beat;
    const shortest = Math.min(
      this.handshakeTimeout,
      this.closeTimeout,
      this.heartbeat ? Math.min(this.heartbeat.interval, this.heartbeat.timeout) : Infinity,
    );
    // A deadline fires at most a quarter of its length late, and the timer never runs more than 100 times a second.
    this.sweepEvery = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  }

  /** A Connection for an accepted (server) or new (client) socket. */
  newConnection(role: 'server' | 'client', handshake?: ClientHandshakeOptions, compression?: MessageCodec): Connection {
    const o = this.options;
    return new Connection({
      role,
      handshake: handshake && { ...handshake, perMessageDeflate: o.perMessageDeflate },
      compression,
      inPlace: this.inPlace,
      maxMessageSize: o.maxMessageSize,
      maxFrameSize: o.maxFrameSize,
      textAs: o.textAs,
      backend: o.backend,
      fragmentSize: o.fragmentSize,
      autoPong: o.autoPong,
      heartbeat: this.heartbeat,
      now: this.now,
    });
  }

  /** Flush `ws` at the end of this synchronous turn (once, however many sends it made). */
  markDirty(ws: WebSocketConnection<Data>): void {
    this.dirty.push(ws);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushDirty);
    }
  }

  private readonly flushDirty = (): void => {
    this.flushQueued = false;
    const list = this.dirty.splice(0);
    for (const ws of list) ws._flush();
  };

  /** Start the one timer when the first socket arrives; it stops when none is left. */
  track(ws: WebSocketConnection<Data>): void {
    this.now = Date.now();
    this.connections.add(ws);
    if (this.timer === null) {
      this.timer = setInterval(this.sweep, this.sweepEvery);
      // The timer alone never keeps the process alive (as Node's `unref`): the sockets do, as long as they are
      // open. Node and Bun return a timer object with `unref`; Deno returns a number for `Deno.unrefTimer`.
      unrefTimer(this.timer);
    }
  }

  untrack(ws: WebSocketConnection<Data>): void {
    this.connections.delete(ws);
    if (this.connections.size === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    this.onUntrack();
  }

  /** Hook for the server (shutdown waits for the last connection). */
  onUntrack(): void {}

  private readonly sweep = (): void => {
    const now = (this.now = Date.now());
    for (const ws of this.connections) ws._tick(now);
  };

  /** Call a user handler; an exception goes to `error`, or is rethrown from a microtask without one. */
  call<A extends unknown[]>(fn: ((...args: A) => void) | undefined, ws: WebSocketConnection<Data>, ...args: A): void {
    if (fn === undefined) return;
    try {
      fn(...args);
    } catch (error) {
      this.report(ws, error);
    }
  }

  report(ws: WebSocketConnection<Data>, error: unknown): void {
    const onError = this.options.error;
    if (onError) {
      try {
        onError(ws, error);
        return;
      } catch (again) {
        error = again;
      }
    }
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** Let the process exit while `timer` is pending (Node, Bun: `timer.unref()`; Deno: `Deno.unrefTimer(id)`). */
export function unrefTimer(timer: unknown): void {
  if (typeof timer === 'number') (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  else (timer as { unref?: () => void } | null)?.unref?.();
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`wsframe: ${name} must be a positive number`);
  return value;
}

/** What an adapter knows of the socket's other end. */
export interface PeerInfo {
  remoteAddress: string;
  remotePort: number;
}

/**
 * One WebSocket connection over a socket, on any runtime: send text/binary, ping, close; read `readyState`,
 * `bufferedAmount`, the negotiated `protocol`/`extensions`, the request `url` and `headers`, and the peer's
 * address. Messages arrive through the server's or client's handlers. `data` is yours (the `upgrade` hook's
 * result on servers).
 */
export class WebSocketConnection<Data = unknown> {
  /** Your per-connection data (set by the server's `upgrade` hook, or freely). */
  data: Data = undefined as Data;
  /** The subprotocol both sides agreed on, if any. */
  protocol: string | undefined = undefined;
  /** Extensions in effect: the agreed permessage-deflate (with the `perMessageDeflate` option), or none. */
  extensions: ExtensionOffer[] = [];
  /** Request target (server side: what the client asked for; client side: what we asked for). */
  url = '';
  /**
   * Client: the server's response headers, in order. Server: empty — request headers are read in the `upgrade`
   * hook (keep what you need in `data`), so 10,000 connections do not hold 10,000 copies of their requests.
   */
  headers: [string, string][] = NO_HEADERS;
  /** The peer's IP address (`''` when unknown). */
  remoteAddress: string;
  /** The peer's port (0 when unknown). */
  remotePort: number;

  /** @internal */ _connection: Connection | null;
  private readonly endpoint: Endpoint<Data>;
  private readonly transport: Transport;
  /** Server handshake: the request head so far (`headLength` bytes of it). */
  private head: Uint8Array | null = null;
  private headLength = 0;
  private deadline = Infinity;
  private paused = false;
  private userPaused = false;
  private dirty = false;
  private dispatching = false;
  private ended = false;
  private closedCalled = false;
  private refused = false;
  private opened = false;
  private closeCode: number = CloseCode.Abnormal;
  private closeReason = '';
  /** `send` returned false: `drain` is owed once `bufferedAmount` is under `highWaterMark` again. */
  private drainOwed = false;
  /** Server: resolves the handshake (the `upgrade` hook may be async). */
  private serverOptions: ServerCoreOptions<Data> | null = null;
  private onOpen: ((error?: unknown) => void) | null = null;

  /** @internal Use `serve`/`connect` of an adapter. */
  constructor(endpoint: Endpoint<Data>, transport: Transport, peer: PeerInfo, connection: Connection | null) {
    this.endpoint = endpoint;
    this.transport = transport;
    this.remoteAddress = peer.remoteAddress;
    this.remotePort = peer.remotePort;
    this._connection = connection;
    endpoint.track(this);
    this.deadline = endpoint.now + endpoint.handshakeTimeout;
  }

  /** `'CONNECTING'` (handshake), `'OPEN'`, `'CLOSING'` (a close frame went one way) or `'CLOSED'`. */
  get readyState(): ConnectionState {
    if (this.closedCalled) return ConnectionState.CLOSED;
    return this._connection && this.opened ? this._connection.state : ConnectionState.CONNECTING;
  }

  /** Bytes queued for the peer and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.transport.buffered() + (this._connection?.bufferedAmount ?? 0);
  }

  /**
   * Send a text (string) or binary (bytes) message; `isBinary: false` sends bytes as text (they must be valid
   * UTF-8, e.g. a message received with `textAs: 'bytes'`). Returns true while `bufferedAmount` stays under the
   * `highWaterMark` (false: wait for `drain`); false too, with nothing sent, once the connection is closing.
   */
  send(data: SendData, isBinary: boolean = typeof data !== 'string'): boolean {
    const c = this.open();
    if (!c?.send(data, isBinary)) return false;
    this.queued();
    if (this.bufferedAmount < this.endpoint.highWaterMark) return true;
    this.drainOwed = true;
    return false;
  }

  /** Send a ping (≤ 125 bytes). Returns false once the connection is closing. */
  ping(data?: SendData): boolean {
    const c = this.open();
    if (!c?.ping(data)) return false;
    this.queued();
    return true;
  }

  /** Send an unsolicited pong (≤ 125 bytes). Returns false once the connection is closing. */
  pong(data?: SendData): boolean {
    const c = this.open();
    if (!c?.pong(data)) return false;
    this.queued();
    return true;
  }

  /**
   * Start the closing handshake (RFC 6455 §7.1.2) with `code` (default 1000) and `reason` (≤ 123 UTF-8 bytes).
   * The socket closes when the peer answers, or after `closeTimeout`. During the handshake: drops the socket.
   */
  close(code: number = CloseCode.Normal, reason = ''): void {
    const c = this._connection;
    if (!c || !this.opened) return this.terminate();
    c.close(code, reason);
    this.closeCode = code;
    this.closeReason = reason;
    this.queued();
  }

  /** Drop the connection at once, without a close frame (close code 1006). */
  terminate(): void {
    this.closeCode = 1006;
    this.ended = true;
    this.transport.destroy();
    this._closed();
  }

  /** Stop reading from the peer (your own back-pressure, e.g. while a database is slow). */
  pause(): void {
    this.userPaused = true;
    if (!this.paused) this.transport.pause();
  }

  /** Read again after `pause()`. */
  resume(): void {
    this.userPaused = false;
    if (!this.paused) this.transport.resume();
  }

  /** @internal Queue frames encoded elsewhere (a broadcast's shared bytes). */
  _sendEncoded(frames: readonly Uint8Array[]): boolean {
    const c = this._connection;
    if (!c || !this.opened || c.state !== ConnectionState.OPEN || this.overLimit()) return false;
    c.sendEncoded(frames);
    this.queued();
    return true;
  }

  private open(): Connection | null {
    const c = this._connection;
    if (!c || !this.opened) {
      if (this.closedCalled) return null;
      throw new Error('wsframe: the connection is not open yet');
    }
    return this.overLimit() ? null : c;
  }

  /** The back-pressure policy: more than `maxBufferedAmount` waiting means the peer is not reading; cut it off. */
  private overLimit(): boolean {
    if (this.bufferedAmount <= this.endpoint.maxBufferedAmount || this.closedCalled) return false;
    this.closeReason = 'backpressure limit';
    this.terminate();
    return true;
  }

  private queued(): void {
    if (this.dispatching || this.dirty) return;
    this.dirty = true;
    this.endpoint.markDirty(this);
  }

  /** @internal Bytes from the socket. */
  _data(chunk: Uint8Array): void {
    const c = this._connection;
    if (c === null || !this.opened) {
      try {
        this.handshakeData(chunk);
      } catch (error) {
        // An `origins` predicate that threw, or a defect of ours: refuse this request only.
        if (this.serverOptions && !this.opened) this.refuse(new HandshakeError(500, 'Internal Server Error'));
        else this.terminate();
        if (this.endpoint.options.error) this.endpoint.report(this, error);
      }
      return;
    }
    let events: ConnectionEvent[];
    try {
      events = c.receive(chunk, this.endpoint.now);
    } catch (error) {
      // Not a protocol error (those come back as events): a defect of ours. It costs this connection only —
      // nothing a peer sends may take the process down — and goes to the `error` handler if there is one.
      this.closeReason = 'internal error';
      this.terminate();
      if (this.endpoint.options.error) this.endpoint.report(this, error);
      return;
    }
    this.dispatch(events);
  }

  private dispatch(events: ConnectionEvent[]): void {
    this.dispatching = true;
    // One try per batch, not per message: a handler that throws is reported and delivery goes on after it.
    let i = 0;
    while (i < events.length) {
      try {
        for (; i < events.length; i++) this.deliver(events[i]!);
      } catch (error) {
        i++;
        this.endpoint.report(this, error);
      }
    }
    this.dispatching = false;
    this._flush();
  }

  private deliver(e: ConnectionEvent): void {
    const o = this.endpoint.options;
    switch (e.type) {
      case 'text':
        o.message?.(this, e.data, false);
        break;
      case 'binary':
        o.message?.(this, e.data, true);
        break;
      case 'ping':
        o.ping?.(this, e.data);
        break;
      case 'pong':
        o.pong?.(this, e.data);
        break;
      case 'close':
        this.closeCode = e.code;
        this.closeReason = e.reason;
        break;
      case 'error':
        if (e.error instanceof WebSocketError) {
          this.closeCode = e.error.closeCode;
          this.closeReason = e.error.message;
        }
        o.error?.(this, e.error);
        break;
      case 'open':
        this.opened = true;
        this.protocol = e.protocol;
        this.extensions = e.extensions;
        this.headers = e.headers;
        this.deadline = Infinity;
        this.onOpen?.();
        o.open?.(this);
        break;
    }
  }

  /** @internal Hand everything queued to the transport; apply back-pressure; end the socket once CLOSED. */
  _flush(): void {
    this.dirty = false;
    const c = this._connection;
    if (c === null || this.ended) return;
    const out = c.bytesToSend();
    if (out.length > 0) this.transport.write(out);
    const state = c.state;
    if (state === ConnectionState.CLOSED) {
      // RFC 6455 §7.1.1: after the closing handshake the server closes the TCP connection first; a client ends
      // too (a dead or misbehaving server must not keep it open), after the close frame is written.
      this.ended = true;
      this.transport.end();
      this.deadline = this.endpoint.now + this.endpoint.closeTimeout;
      return;
    }
    if (state === ConnectionState.CLOSING && this.deadline === Infinity) {
      this.deadline = this.endpoint.now + this.endpoint.closeTimeout;
    }
    if (this.transport.buffered() >= this.endpoint.highWaterMark) {
      if (!this.paused) {
        this.paused = true;
        this.transport.pause();
      }
    } else if (this.drainOwed && !this.paused) {
      // The runtime took the bytes at once (Node and Bun write to the kernel synchronously), so no transport
      // drain will follow: the sender that got false from `send` is told here.
      this.drainOwed = false;
      this.endpoint.call(this.endpoint.options.drain, this, this);
    }
  }

  /** @internal The transport wrote everything it had buffered. */
  _drain(): void {
    if (this.paused && this.transport.buffered() <= this.endpoint.highWaterMark) {
      this.paused = false;
      this.drainOwed = false;
      if (!this.userPaused) this.transport.resume();
      if (this.opened && !this.closedCalled) this.endpoint.call(this.endpoint.options.drain, this, this);
    }
  }

  /** @internal The socket is closed (or failed): report `close` once. */
  _closed(): void {
    if (this.closedCalled) return;
    this.closedCalled = true;
    this.ended = true;
    const c = this._connection;
    if (c && c.state !== ConnectionState.CLOSED) c.receiveEof();
    if (this.refused) this.endpoint.refused--;
    this.endpoint.untrack(this);
    if (this.onOpen) this.onOpen(new HandshakeError(0, 'connection closed during the opening handshake'));
    if (this.opened) this.endpoint.call(this.endpoint.options.close, this, this, this.closeCode, this.closeReason);
  }

  /** @internal The peer ended its side (TCP FIN). */
  _end(): void {
    const c = this._connection;
    if (c && this.opened && c.state !== ConnectionState.CLOSED) c.receiveEof();
    if (!this.ended) {
      this.ended = true;
      this.transport.end();
    }
  }

  /** @internal Timer: heartbeat, handshake and close deadlines. */
  _tick(now: number): void {
    if (now >= this.deadline) {
      this.closeReason = this.opened ? 'close timeout' : 'handshake timeout';
      return this.terminate();
    }
    const c = this._connection;
    if (c === null || !this.opened || now < c.nextTick()) return;
    const verdict = c.tick(now);
    if (verdict === 'dead') {
      this.closeReason = 'heartbeat timeout';
      this.terminate();
    } else if (verdict === 'ping') {
      this._flush();
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Client handshake
  // -------------------------------------------------------------------------------------------------------------

  /** @internal Resolves when the client handshake completes, rejects when it fails. */
  _opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onOpen = (error) => {
        this.onOpen = null;
        if (error === undefined) resolve();
        else reject(error);
      };
      this._flush(); // the request
    });
  }

  /** @internal Client: the response, then frames. */
  private clientData(chunk: Uint8Array): void {
    const c = this._connection!;
    const events = c.receive(chunk, this.endpoint.now);
    const first = events[0];
    if (first && first.type === 'error' && !this.opened) {
      this.onOpen?.(first.error);
      this.ended = true;
      this.transport.destroy();
      this._closed();
      return;
    }
    this.dispatch(events);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Server handshake
  // -------------------------------------------------------------------------------------------------------------

  /** @internal Server: answer the opening handshake from the bytes of the request head. */
  _serverHandshake(options: ServerCoreOptions<Data>): void {
    this.serverOptions = options;
    this.head = new Uint8Array(0);
  }

  private handshakeData(chunk: Uint8Array): void {
    if (this._connection !== null) return this.clientData(chunk);
    if (this.head === null || this.ended) return; // waiting for the upgrade hook, or refused
    const options = this.serverOptions!;
    const max = options.maxHeaderBytes ?? 8192;
    // The head so far grows by doubling and only the new bytes are searched for its end, so a head sent a byte
    // at a time costs linear time, not quadratic.
    const had = this.headLength;
    let head = this.head;
    if (had + chunk.length > head.length) {
      const grown = new Uint8Array(Math.max(had + chunk.length, head.length * 2, 256));
      grown.set(head.subarray(0, had));
      head = this.head = grown;
    }
    head.set(chunk, had);
    const length = (this.headLength = had + chunk.length);
    const end = findHeadEnd(head, Math.max(0, had - 3), Math.min(length, max));
    if (end < 0) {
      if (length >= max) this.refuse(new HandshakeError(431, 'Request Header Fields Too Large'));
      return;
    }
    this.head = null;
    let parsed: HttpHead | null;
    try {
      parsed = parseHttpHead(head.subarray(0, end), max);
    } catch (error) {
      return this.refuse(error instanceof HandshakeError ? error : new HandshakeError(400, 'malformed request'));
    }
    if (parsed === null || parsed.method === undefined) {
      return this.refuse(new HandshakeError(400, 'expected an HTTP request'));
    }
    this._request(
      { method: parsed.method, url: parsed.target!, httpVersion: parsed.httpVersion, headers: parsed.headers },
      head.slice(end, length),
    );
  }

  /**
   * @internal Server: answer a parsed request (`rest`: bytes that followed its head, already WebSocket frames).
   * Node's `upgrade` event enters here with node:http's parse.
   */
  _request(request: ParsedRequest, rest: Uint8Array): void {
    const options = this.serverOptions!;
    this.head = null;
    const target = request.url;
    const query = target.indexOf('?');
    const path = query < 0 ? target : target.slice(0, query);
    if (options.path !== undefined && path !== options.path) return this.refuse(new HandshakeError(404, 'Not Found'));
    const headers = request.headers;
    if (request.method === 'GET' && !headers.some(([name]) => name.toLowerCase() === 'upgrade')) {
      // A plain HTTP request: 426 names the protocol to upgrade to (RFC 9110 §15.5.22).
      return this.refuse(new HandshakeError(426, 'This service requires a WebSocket upgrade'), {
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
      });
    }
    const result = checkUpgradeRequest(
      { method: request.method, httpVersion: request.httpVersion, headers },
      {
        origins: options.origins,
        protocols: options.protocols,
        protocolPreference: options.protocolPreference,
        maxHeaderBytes: options.maxHeaderBytes ?? 8192,
        perMessageDeflate: options.perMessageDeflate,
      },
    );
    if (!result.ok) return this.refuse(new HandshakeError(result.status, result.reason), result.headers);
    // Sockets being refused (their status on its way out) do not count against the limit.
    if (this.endpoint.connections.size - this.endpoint.refused > (options.maxConnections ?? Infinity)) {
      return this.refuse(new HandshakeError(503, 'Too many connections'));
    }
    const accept = (data: Data): void => {
      if (this.closedCalled || this.ended) return;
      this.data = data;
      const deflate = result.deflate && options.perMessageDeflate?.codec('server', result.deflate);
      this._connection = this.endpoint.newConnection('server', undefined, deflate);
      this.url = target;
      this.protocol = result.protocol;
      this.extensions = result.agreedExtensions;
      this.transport.write([ascii(buildUpgradeResponse(result, options.headers))]);
      this.opened = true;
      this.deadline = Infinity;
      this.endpoint.call(options.open, this, this);
      if (rest.length > 0) this._data(rest);
      else this._flush();
    };
    if (!options.upgrade) return accept(undefined as Data);
    let data: Data | Promise<Data>;
    try {
      data = options.upgrade({
        url: target,
        headers,
        origin: result.origin,
        protocols: result.offeredProtocols,
        remoteAddress: this.remoteAddress,
      });
    } catch (error) {
      return this.refuse(error instanceof HandshakeError ? error : new HandshakeError(500, 'Internal Server Error'));
    }
    if (!isPromise(data)) return accept(data);
    this.transport.pause();
    data.then(
      (value) => {
        if (!this.userPaused) this.transport.resume();
        accept(value);
      },
      (error: unknown) =>
        this.refuse(error instanceof HandshakeError ? error : new HandshakeError(500, 'Internal Server Error')),
    );
  }

  private refuse(error: HandshakeError, headers?: Record<string, string>): void {
    if (this.ended) return;
    this.head = null;
    this.ended = true;
    const status = error.status >= 400 && error.status <= 599 ? error.status : 400;
    const reason = error.message.replace(/^wsframe: /, '');
    this.transport.write([ascii(buildRejectResponse({ status, reason, headers }))]);
    this.transport.end();
    this.deadline = this.endpoint.now + this.endpoint.closeTimeout;
    this.refused = true;
    this.endpoint.refused++;
  }
}

/** A request head, parsed. */
export interface ParsedRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: [string, string][];
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A server's runtime-neutral half: the connections, broadcast, pub/sub and shutdown. */
export class ServerCore<Data = unknown> extends Endpoint<Data> {
  declare readonly options: ServerCoreOptions<Data>;
  /** A random id, so a pub/sub that echoes our own broadcasts back is harmless. */
  readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  private readonly encoder = new MessageEncoder({ role: 'server' });
  private unsubscribe: (() => void) | null = null;
  private shutdown: { resolve: () => void } | null = null;
  closing = false;

  constructor(options: ServerCoreOptions<Data>, inPlace = false) {
    super(options, 'server', inPlace);
    if (options.pubsub) {
      this.unsubscribe = options.pubsub.subscribe((message) => {
        if (message.origin === this.id) return;
        this.local(message.binary ? this.encoder.binary(message.payload) : this.encoder.text(message.payload));
      });
    }
  }

  /** A new socket: the connection answers the handshake. */
  accept(transport: Transport, peer: PeerInfo): WebSocketConnection<Data> {
    const ws = new WebSocketConnection<Data>(this, transport, peer, null);
    ws._serverHandshake(this.options);
    if (this.closing) ws.terminate();
    return ws;
  }

  /**
   * Send one message to every open connection (and, with `pubsub`, to the other servers' connections): encoded
   * once, the same bytes for all. A string goes as text, bytes as binary — or as `isBinary` says (`false`: the
   * bytes are UTF-8 text, e.g. received with `textAs: 'bytes'`). `except` skips one connection (e.g. the
   * sender). Returns how many local connections it was queued for.
   */
  broadcast(data: SendData, isBinary: boolean = typeof data !== 'string', except?: WebSocketConnection<Data>): number {
    const binary = isBinary;
    const payload =
      typeof data === 'string'
        ? utf8.encode(data)
        : data instanceof Uint8Array
          ? data
          : ArrayBuffer.isView(data)
            ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
            : new Uint8Array(data);
    const frames = binary ? this.encoder.binary(payload) : this.encoder.text(payload);
    this.options.pubsub?.publish({ origin: this.id, binary, payload });
    return this.local(frames, except);
  }

  private local(frames: Uint8Array[], except?: WebSocketConnection<Data>): number {
    let n = 0;
    for (const ws of this.connections) if (ws !== except && ws._sendEncoded(frames)) n++;
    return n;
  }

  /**
   * Close every connection with `code` (default 1001 "going away") and wait, at most `timeout` ms (default
   * `closeTimeout`), for their close handshakes; then drop what is left. Handshakes in progress are dropped.
   */
  async close(code = 1001, reason = '', timeout = this.closeTimeout): Promise<void> {
    this.closing = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const ws of [...this.connections]) {
      if (ws.readyState === ConnectionState.CONNECTING) ws.terminate();
      else ws.close(code, reason);
    }
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const ws of [...this.connections]) ws.terminate();
        }, timeout);
        this.shutdown = {
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    }
  }

  override onUntrack(): void {
    if (this.shutdown && this.connections.size === 0) {
      this.shutdown.resolve();
      this.shutdown = null;
    }
  }
}

/**
 * A WebSocket server, the same on every runtime: its connections, `broadcast` and graceful `close`. Made by an
 * adapter's `serve` (or `attach` on Node).
 */
export class WebSocketServer<Data = unknown> {
  /** @internal */ readonly core: ServerCore<Data>;
  /** The port listened on. */
  port = 0;
  private readonly stopListening: () => Promise<void>;

  /** @internal Use an adapter's `serve`. */
  constructor(core: ServerCore<Data>, stopListening: () => Promise<void>) {
    this.core = core;
    this.stopListening = stopListening;
  }

  /** Open connections (and handshakes in progress). */
  get connections(): ReadonlySet<WebSocketConnection<Data>> {
    return this.core.connections;
  }

  /**
   * Send one message to every open connection, encoded once (and to other processes' connections through the
   * `pubsub` option). A string goes as text, bytes as binary, or as `isBinary` says. `except` skips one
   * connection. Returns how many local connections it was queued for.
   */
  broadcast(data: SendData, isBinary: boolean = typeof data !== 'string', except?: WebSocketConnection<Data>): number {
    return this.core.broadcast(data, isBinary, except);
  }

  /**
   * Stop accepting connections, close every open one with `code` (default 1001 "going away") and wait for their
   * close handshakes, at most `timeout` ms (default the `closeTimeout` option); then drop what is left.
   */
  async close(code = 1001, reason = '', timeout?: number): Promise<void> {
    const listening = this.stopListening();
    await this.core.close(code, reason, timeout);
    await listening;
  }
}

/** Where a client connects and the sans-I/O half of it: what every adapter's `connect` starts from. */
export interface ClientStart<Data> {
  url: URL;
  secure: boolean;
  /** Without IPv6 brackets. */
  hostname: string;
  port: number;
  endpoint: Endpoint<Data>;
  connection: Connection;
}

/** Check a `ws://`/`wss://` URL (a TypeError otherwise) and make the client's Endpoint and Connection. */
export function startClient<Data>(
  url: string | URL,
  options: ClientCoreOptions<Data>,
  inPlace: boolean,
): ClientStart<Data> {
  const target = new URL(url);
  if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
    throw new TypeError(`wsframe: connect() takes a ws:// or wss:// URL, not ${target.protocol}`);
  }
  const secure = target.protocol === 'wss:';
  const endpoint = new Endpoint<Data>(options, 'client', inPlace);
  const connection = endpoint.newConnection('client', {
    host: target.host,
    path: `${target.pathname || '/'}${target.search}`,
    protocols: options.protocols,
    origin: options.origin,
    headers: options.headers,
  });
  return {
    url: target,
    secure,
    hostname: target.hostname.replace(/^\[|\]$/g, ''),
    port: Number(target.port || (secure ? 443 : 80)),
    endpoint,
    connection,
  };
}

/**
 * `wsframe/node`: WebSocket servers and clients on Node's sockets (`node:net`, `node:tls`, `node:http`).
 *
 * - `serve(options)` listens on its own TCP (or TLS) port and answers the opening handshake itself.
 * - `attach(httpServer, options)` takes over the `upgrade` event of an existing `http`/`https` server, so
 *   WebSockets share its port with ordinary requests.
 * - `connect(url, options)` opens a `ws://` or `wss://` client connection.
 *
 * All three hand out `WebSocketConnection`s with the same API as `wsframe/deno` and `wsframe/bun`.
 */
import { Buffer } from 'node:buffer';
import cluster from 'node:cluster';
import {
  createServer as createNetServer,
  connect as netConnect,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import {
  createServer as createTlsServer,
  connect as tlsConnect,
  type TlsOptions,
  type ConnectionOptions,
} from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import {
  type BroadcastMessage,
  type ClientCoreOptions,
  coalesce,
  type PubSub,
  ServerCore,
  type ServerCoreOptions,
  startClient,
  type Transport,
  WebSocketConnection,
  WebSocketServer,
} from './core.js';
import { buildRejectResponse } from '../handshake.js';

export * from './shared.js';

const alloc = (size: number): Uint8Array => Buffer.allocUnsafe(size);
const kWs = Symbol('wsframe.ws');
type WsSocket = Socket & { [kWs]?: WebSocketConnection<unknown> };

/** One node:net (or node:tls) socket as a Transport: small frames coalesced, the rest corked into one writev. */
class NodeTransport implements Transport {
  constructor(private readonly socket: Socket) {}

  write(chunks: Uint8Array[]): void {
    const socket = this.socket;
    if (socket.destroyed) return;
    const list = coalesce(chunks, alloc);
    if (list.length === 1) {
      socket.write(list[0]!);
      return;
    }
    socket.cork();
    for (const chunk of list) socket.write(chunk);
    socket.uncork();
  }

  buffered(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// One set of listeners for every socket (no closures per connection): the connection hangs off the socket.
function onData(this: WsSocket, chunk: Buffer): void {
  this[kWs]!._data(chunk);
}
function onDrain(this: WsSocket): void {
  this[kWs]!._drain();
}
function onEnd(this: WsSocket): void {
  this[kWs]!._end();
}
function onClose(this: WsSocket): void {
  this[kWs]!._closed();
}
function onError(): void {
  // 'close' follows every 'error' (ECONNRESET, EPIPE, …): the connection reports 1006 there.
}

function wire<Data>(socket: Socket, ws: WebSocketConnection<Data>): void {
  (socket as WsSocket)[kWs] = ws as WebSocketConnection<unknown>;
  socket.setNoDelay(true);
  socket.on('data', onData);
  socket.on('drain', onDrain);
  socket.on('end', onEnd);
  socket.on('close', onClose);
  socket.on('error', onError);
}

function peerOf(socket: Socket): { remoteAddress: string; remotePort: number } {
  return { remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0 };
}

/** Options of `serve` (`attach` takes the same minus the listening ones). */
export interface NodeServeOptions<Data = unknown> extends ServerCoreOptions<Data> {
  /** TCP port; 0 (default) picks a free one (see `server.port`). */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`; `'0.0.0.0'` or `'::'` for every interface. */
  hostname?: string;
  /** TLS (`wss://`): at least `cert` and `key`, as for `tls.createServer`. Default: plain TCP. */
  tls?: TlsOptions;
  /** Listen backlog (default Node's 511). */
  backlog?: number;
  /**
   * `SO_REUSEPORT`: several processes listen on one port and the kernel spreads connections (Linux; needs Node ≥
   * 22.12 — Node 20 throws). On Node 20, run one server per core with `node:cluster` instead (see the README).
   */
  reusePort?: boolean;
}

/** A WebSocket server on Node: the common `WebSocketServer` plus ways to hand it sockets yourself. */
export class NodeWebSocketServer<Data = unknown> extends WebSocketServer<Data> {
  /** @internal Use `serve` or `attach`. */
  constructor(options: ServerCoreOptions<Data>, listener: NetServer | null) {
    super(new ServerCore<Data>(options, true), () =>
      listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve(),
    );
  }

  /**
   * Serve a socket whose HTTP request has not been read yet (e.g. from your own `net.Server`): the handshake,
   * then the connection.
   */
  handleSocket(socket: Socket): WebSocketConnection<Data> {
    const ws = this.core.accept(new NodeTransport(socket), peerOf(socket));
    wire(socket, ws);
    return ws;
  }

  /** Serve an `upgrade` event of a `node:http` server (what `attach` does). */
  handleUpgrade(request: IncomingMessage, socket: Socket, head: Uint8Array): WebSocketConnection<Data> {
    const ws = this.core.accept(new NodeTransport(socket), peerOf(socket));
    wire(socket, ws);
    const raw = request.rawHeaders;
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
    ws._request(
      { method: request.method ?? 'GET', url: request.url ?? '/', httpVersion: request.httpVersion, headers },
      new Uint8Array(head),
    );
    return ws;
  }
}

/**
 * Listen for WebSocket connections on `hostname:port` (TLS with the `tls` option).
 *
 * @example
 * import { serve } from 'wsframe/node';
 * const server = await serve({
 *   port: 8080,
 *   message(ws, data, isBinary) { ws.send(data, isBinary); },
 * });
 */
export async function serve<Data = unknown>(options: NodeServeOptions<Data> = {}): Promise<NodeWebSocketServer<Data>> {
  let server!: NodeWebSocketServer<Data>;
  const onSocket = (socket: Socket): void => void server.handleSocket(socket);
  const listener = options.tls
    ? createTlsServer({ ...options.tls, allowHalfOpen: false }, onSocket)
    : createNetServer({ allowHalfOpen: false, noDelay: true }, onSocket);
  // A TLS handshake that fails never reaches us as a socket; don't let it crash the process.
  listener.on('tlsClientError', (_error: unknown, socket: Socket) => socket.destroy());
  server = new NodeWebSocketServer<Data>(options, listener);
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    const listenOptions: Record<string, unknown> = { port: options.port ?? 0, host: options.hostname ?? '127.0.0.1' };
    if (options.backlog !== undefined) listenOptions.backlog = options.backlog;
    if (options.reusePort) listenOptions.reusePort = true;
    listener.listen(listenOptions, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  server.port = typeof address === 'object' && address !== null ? address.port : 0;
  return server;
}

/**
 * Serve WebSocket upgrades of an existing `node:http` or `node:https` server (its other requests are untouched).
 * A request to another path than `options.path` is answered 404 when `path` is set.
 *
 * @example
 * const http = createServer((req, res) => res.end('hello'));
 * const wss = attach(http, { path: '/ws', message(ws, data) { ws.send(data); } });
 * http.listen(8080);
 */
export function attach<Data = unknown>(
  httpServer: HttpServer,
  options: ServerCoreOptions<Data> = {},
): NodeWebSocketServer<Data> {
  const server = new NodeWebSocketServer<Data>(options, null);
  httpServer.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    if (server.core.closing) {
      socket.end(buildRejectResponse({ status: 503, reason: 'Server shutting down' }));
      return;
    }
    server.handleUpgrade(request, socket, head);
  });
  httpServer.once('listening', () => {
    const address = httpServer.address();
    server.port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  const address = httpServer.address();
  if (typeof address === 'object' && address !== null) server.port = address.port;
  return server;
}

/** Options of `connect`. */
export interface NodeConnectOptions<Data = unknown> extends ClientCoreOptions<Data> {
  /** TLS options for `wss://` (e.g. `ca` for a private CA, `servername`). */
  tls?: ConnectionOptions;
}

/**
 * Open a client connection to a `ws://` or `wss://` URL. Resolves once the server accepted the handshake;
 * rejects with a `HandshakeError` (status and reason) or the socket's error.
 *
 * @example
 * const ws = await connect('ws://127.0.0.1:8080/', { message(ws, data) { console.log(data); } });
 * ws.send('hello');
 */
export async function connect<Data = unknown>(
  url: string | URL,
  options: NodeConnectOptions<Data> = {},
): Promise<WebSocketConnection<Data>> {
  const { url: target, secure, hostname: host, port, endpoint, connection } = startClient(url, options, true);
  const socket = secure
    ? tlsConnect({ servername: /^[\d.]+$|:/.test(host) ? undefined : host, ...options.tls, host, port })
    : netConnect({ host, port });
  const ws = new WebSocketConnection<Data>(
    endpoint,
    new NodeTransport(socket),
    { remoteAddress: '', remotePort: 0 },
    connection,
  );
  ws.url = target.href;
  let failure: unknown;
  socket.once('error', (error) => (failure = error));
  socket.once(secure ? 'secureConnect' : 'connect', () => {
    ws.remoteAddress = socket.remoteAddress ?? '';
    ws.remotePort = socket.remotePort ?? 0;
  });
  wire(socket, ws);
  try {
    await ws._opened();
  } catch (error) {
    throw failure ?? error;
  }
  return ws;
}

// -------------------------------------------------------------------------------------------------------------
// More than one core: node:cluster
// -------------------------------------------------------------------------------------------------------------

interface ClusterEnvelope {
  wsframeBroadcast: { origin: string; binary: boolean; payload: string };
}

const isEnvelope = (m: unknown): m is ClusterEnvelope => typeof m === 'object' && m !== null && 'wsframeBroadcast' in m;

/**
 * A `PubSub` over `node:cluster` IPC: broadcasts of one worker's server reach every other worker's connections.
 * Use it in the workers (`serve({ pubsub: clusterPubSub() })`) and call `relayClusterBroadcasts()` once in the
 * primary. The payload travels base64-encoded over the IPC channel.
 */
export function clusterPubSub(): PubSub {
  if (!process.send) throw new Error('wsframe: clusterPubSub() runs in a cluster worker (no IPC channel here)');
  return {
    publish(message: BroadcastMessage): void {
      const envelope: ClusterEnvelope = {
        wsframeBroadcast: {
          origin: message.origin,
          binary: message.binary,
          payload: Buffer.from(message.payload.buffer, message.payload.byteOffset, message.payload.byteLength).toString(
            'base64',
          ),
        },
      };
      process.send!(envelope);
    },
    subscribe(listener: (message: BroadcastMessage) => void): () => void {
      const onMessage = (m: unknown): void => {
        if (!isEnvelope(m)) return;
        const { origin, binary, payload } = m.wsframeBroadcast;
        listener({ origin, binary, payload: new Uint8Array(Buffer.from(payload, 'base64')) });
      };
      process.on('message', onMessage);
      return () => void process.off('message', onMessage);
    },
  };
}

/** In the cluster's primary: pass every worker's broadcast on to the other workers. Returns a stop function. */
export function relayClusterBroadcasts(): () => void {
  if (!cluster.isPrimary) throw new Error('wsframe: relayClusterBroadcasts() runs in the cluster primary');
  const onMessage = (from: { id: number }, message: unknown): void => {
    if (!isEnvelope(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(message);
    }
  };
  cluster.on('message', onMessage);
  return () => void cluster.off('message', onMessage);
}

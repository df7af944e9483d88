/**
 * `wsframe/bun`: WebSocket servers and clients on Bun's TCP sockets (`Bun.listen`, `Bun.connect`), with
 * wsframe's own HTTP/1.1 handshake. Same API as `wsframe/node` and `wsframe/deno`.
 */
import {
  type ClientCoreOptions,
  coalesce,
  ServerCore,
  type ServerCoreOptions,
  startClient,
  type Transport,
  WebSocketConnection,
  WebSocketServer,
  WRITE_MERGE_MAX,
} from './core.js';
import { allocate } from '../alloc.js';

export * from './shared.js';

/** The part of Bun's socket API used here (Bun ≥ 1.1). */
interface BunSocket {
  data: WebSocketConnection<unknown> | undefined;
  readonly remoteAddress: string;
  readonly remotePort?: number;
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay?(enabled: boolean): void;
}

interface BunSocketHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, data: Uint8Array): void;
  drain(socket: BunSocket): void;
  end?(socket: BunSocket): void;
  close(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
  connectError?(socket: BunSocket, error: Error): void;
  /** TLS: the handshake finished; `authorizationError` is why the peer's certificate was not trusted. */
  handshake?(socket: BunSocket, success: boolean, authorizationError: Error | null): void;
}

interface BunTlsOptions {
  cert?: unknown;
  key?: unknown;
  ca?: unknown;
  passphrase?: string;
  serverName?: string;
  rejectUnauthorized?: boolean;
}

interface BunGlobal {
  listen(options: {
    hostname: string;
    port: number;
    reusePort?: boolean;
    tls?: BunTlsOptions;
    socket: BunSocketHandlers;
  }): { port: number; stop(closeActive?: boolean): void };
  connect(options: {
    hostname: string;
    port: number;
    tls?: boolean | BunTlsOptions;
    socket: BunSocketHandlers;
  }): Promise<BunSocket>;
}

function bun(): BunGlobal {
  const b = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!b) throw new Error('wsframe/bun runs on Bun; use wsframe/node or wsframe/deno elsewhere');
  return b;
}

/**
 * A Bun socket as a Transport. Bun's `write` goes to the kernel at once and returns how much it took; the rest
 * waits here, in order, until `drain`. So one flush is one syscall per coalesced buffer.
 */
class BunTransport implements Transport {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private ending = false;
  private closed = false;

  constructor(private readonly socket: BunSocket) {}

  write(chunks: Uint8Array[]): void {
    if (this.closed) return;
    const list = coalesce(chunks, allocate, WRITE_MERGE_MAX);
    let i = 0;
    if (this.queue.length === 0) {
      for (; i < list.length; i++) {
        const chunk = list[i]!;
        const n = this.socket.write(chunk);
        if (n < chunk.length) {
          this.push(n > 0 ? chunk.subarray(n) : chunk);
          i++;
          break;
        }
      }
    }
    for (; i < list.length; i++) this.push(list[i]!);
  }

  private push(chunk: Uint8Array): void {
    this.queue.push(chunk);
    this.queued += chunk.length;
  }

  /** Bun's `drain`: write what waits. True when nothing is left. */
  flush(): boolean {
    // Always `this.queue`: coalescing replaces the array, and a stale copy would resend what was written.
    while (this.queue.length > 0) {
      // Merge what waits into one buffer per write while the pieces are small.
      if (this.queue.length > 1) this.queue = coalesce(this.queue, allocate, WRITE_MERGE_MAX);
      const chunk = this.queue[0]!;
      const n = this.socket.write(chunk);
      this.queued -= Math.max(0, n);
      if (n < chunk.length) {
        this.queue[0] = chunk.subarray(Math.max(0, n));
        return false;
      }
      this.queue.shift();
    }
    if (this.ending) this.socket.end();
    return true;
  }

  buffered(): number {
    return this.queued;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    if (this.queue.length > 0) this.ending = true;
    else this.socket.end();
  }

  destroy(): void {
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.socket.terminate();
  }
}

const transports = new WeakMap<BunSocket, BunTransport>();

// One handler object for every socket: the connection lives in `socket.data`.
function handlers(onOpen: (socket: BunSocket) => void): BunSocketHandlers {
  return {
    open: onOpen,
    data(socket, data) {
      socket.data?._data(data);
    },
    drain(socket) {
      if (transports.get(socket)?.flush()) socket.data?._drain();
    },
    end(socket) {
      socket.data?._end();
    },
    close(socket) {
      socket.data?._closed();
    },
    error() {
      // 'close' follows.
    },
  };
}

/** Options of `serve`. */
export interface BunServeOptions<Data = unknown> extends ServerCoreOptions<Data> {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Default `'127.0.0.1'`; `'0.0.0.0'` for every interface. */
  hostname?: string;
  /** TLS (`wss://`): `cert` and `key` as for `Bun.listen` (strings, buffers or `Bun.file`s). */
  tls?: BunTlsOptions;
  /** `SO_REUSEPORT`: one server per core on one port, the kernel spreads connections (Linux). */
  reusePort?: boolean;
}

/**
 * Listen for WebSocket connections on Bun.
 *
 * @example
 * import { serve } from 'wsframe/bun';
 * const server = await serve({ port: 8080, message(ws, data, isBinary) { ws.send(data, isBinary); } });
 */
export async function serve<Data = unknown>(options: BunServeOptions<Data> = {}): Promise<WebSocketServer<Data>> {
  // Bun hands each 'data' callback a new buffer of its own (Bun 1.4: a fresh ArrayBuffer per callback, never
  // reused), so the decoder may unmask it in place and hand out views of it (test/adapters-bun.test.ts).
  const core = new ServerCore<Data>(options, true);
  const listener = bun().listen({
    hostname: options.hostname ?? '127.0.0.1',
    port: options.port ?? 0,
    reusePort: options.reusePort,
    tls: options.tls,
    socket: handlers((socket) => {
      socket.setNoDelay?.(true);
      const transport = new BunTransport(socket);
      transports.set(socket, transport);
      socket.data = core.accept(transport, {
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort ?? 0,
      }) as WebSocketConnection<unknown>;
    }),
  });
  const server = new WebSocketServer<Data>(core, async () => listener.stop(false));
  server.port = listener.port;
  return server;
}

/** Options of `connect`. */
export interface BunConnectOptions<Data = unknown> extends ClientCoreOptions<Data> {
  /** TLS options for `wss://` (e.g. `ca`). */
  tls?: BunTlsOptions;
}

/** Open a client connection to a `ws://` or `wss://` URL on Bun; resolves once the handshake completed. */
export async function connect<Data = unknown>(
  url: string | URL,
  options: BunConnectOptions<Data> = {},
): Promise<WebSocketConnection<Data>> {
  const { url: target, secure, hostname, port, endpoint, connection } = startClient(url, options, true);
  // Bun reports a failed TLS handshake (an untrusted certificate) only here, then closes the socket: reject
  // `connect` with that error rather than "connection closed during the opening handshake".
  let failure: Error | undefined;
  const socket = await bun().connect({
    hostname,
    port,
    tls: secure ? { serverName: hostname, ...options.tls } : undefined,
    socket: {
      ...handlers(() => {}),
      handshake(_, success, authorizationError) {
        if (!success || authorizationError) failure = authorizationError ?? new Error('wsframe: TLS handshake failed');
      },
    },
  });
  socket.setNoDelay?.(true);
  const transport = new BunTransport(socket);
  transports.set(socket, transport);
  const ws = new WebSocketConnection<Data>(
    endpoint,
    transport,
    { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort ?? 0 },
    connection,
  );
  ws.url = target.href;
  socket.data = ws as WebSocketConnection<unknown>;
  try {
    await ws._opened();
  } catch (error) {
    throw failure ?? error;
  }
  return ws;
}

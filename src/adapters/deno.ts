/**
 * `wsframe/deno`: WebSocket servers and clients on Deno's TCP sockets (`Deno.listen`, `Deno.listenTls`,
 * `Deno.connect`, `Deno.connectTls`), with wsframe's own HTTP/1.1 handshake. Same API as `wsframe/node` and
 * `wsframe/bun`. Needs `--allow-net`.
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
import { allocate, SLAB_MAX } from '../alloc.js';

export * from './shared.js';

/** The part of Deno's `Deno.Conn` used here. */
interface DenoConn {
  readonly remoteAddr: { hostname?: string; port?: number };
  read(buffer: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(enabled?: boolean): void;
  /** `Deno.TlsConn`: completes the TLS handshake (otherwise it happens lazily, on the first read or write). */
  handshake?(): Promise<unknown>;
}

interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: { port?: number };
  close(): void;
}

interface DenoGlobal {
  listen(options: { hostname: string; port: number; reusePort?: boolean }): DenoListener;
  listenTls(options: { hostname: string; port: number; cert: string; key: string; reusePort?: boolean }): DenoListener;
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
  connectTls(options: { hostname: string; port: number; caCerts?: string[] }): Promise<DenoConn>;
}

function deno(): DenoGlobal {
  const d = (globalThis as { Deno?: DenoGlobal }).Deno;
  if (!d) throw new Error('wsframe/deno runs on Deno; use wsframe/node or wsframe/bun elsewhere');
  return d;
}

/**
 * Read buffer bounds. Each connection reads into its own buffer, which starts small (an idle connection holds
 * only this much) and doubles while reads fill it.
 */
const READ_MIN = 2048;
const READ_MAX = 256 * 1024;

/**
 * A Deno connection as a Transport. `conn.write` is asynchronous and may take part of a buffer; one writer loop
 * sends what is queued in order, merging small pieces, while the caller goes on.
 */
class DenoTransport implements Transport {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private writing = false;
  private ending = false;
  private closed = false;
  private paused = false;
  private wake: (() => void) | null = null;
  private written: (() => void) | null = null;
  ws: WebSocketConnection<unknown> | null = null;

  constructor(private readonly conn: DenoConn) {}

  write(chunks: Uint8Array[]): void {
    if (this.closed) return;
    for (const chunk of chunks) {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
    if (!this.writing) void this.pump();
  }

  private async pump(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        if (this.queue.length > 1) this.queue = coalesce(this.queue, allocate, WRITE_MERGE_MAX);
        const chunk = this.queue[0]!;
        const n = await this.conn.write(chunk);
        this.queued -= n;
        if (n < chunk.length) this.queue[0] = chunk.subarray(n);
        else this.queue.shift();
      }
    } catch {
      this.destroy();
      return;
    } finally {
      this.writing = false;
      this.written?.();
      this.written = null;
    }
    if (this.closed) return;
    if (this.ending) {
      this.conn.closeWrite().catch(() => this.destroy());
      return;
    }
    this.ws?._drain();
  }

  buffered(): number {
    return this.queued;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
    this.wake = null;
  }

  end(): void {
    if (this.ending || this.closed) return;
    this.ending = true;
    if (!this.writing) this.conn.closeWrite().catch(() => this.destroy());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    this.wake?.();
    this.written?.();
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }

  /**
   * Resolves on `resume` or `destroy`. No read is pending meanwhile, and Deno exits once no operation or timer
   * is pending (a promise does not count): a timer keeps the process alive, as an open socket does on Node
   * while paused (the server's own timer does not: it is unref'd).
   */
  private whilePaused(): Promise<void> {
    return new Promise<void>((resolve) => {
      const keepAlive = setInterval(() => {}, 2 ** 30);
      this.wake = () => {
        clearInterval(keepAlive);
        resolve();
      };
    });
  }

  /** Read until EOF or an error, handing each read to the connection; waits while paused. */
  async readLoop(): Promise<void> {
    const ws = this.ws!;
    let buffer = new Uint8Array(READ_MIN);
    try {
      for (;;) {
        while (this.paused && !this.closed) await this.whilePaused();
        if (this.closed) break;
        const n = await this.conn.read(buffer);
        // `pause` came while this read was pending: its bytes (or EOF) wait for `resume`, so no message arrives
        // after `pause` (as on Node and Bun, where pausing stops the socket's events at once).
        while (this.paused && !this.closed) await this.whilePaused();
        if (this.closed) break;
        if (n === null) {
          ws._end();
          // Our side may still be writing (the close frame): close the socket once that is done.
          while (this.writing && !this.closed) await new Promise<void>((resolve) => (this.written = resolve));
          break;
        }
        // A copy, which the decoder owns (it unmasks it in place and hands out views of it); the buffer is read
        // into again. Handing a large read over and reading into a new (zeroed) buffer instead saved nothing
        // measurable: bench:e2e '1 MiB ×4' (reads of 256 KiB) server CPU per message within noise either way;
        // '125 B ×64' 0.91 µs handed over when a read filled half the buffer, 0.73 copied. Small reads go into
        // the slab: a fresh array costs ~1.5 µs on Deno (bench/alloc-runtimes.mjs).
        if (n <= SLAB_MAX) {
          const chunk = allocate(n);
          chunk.set(buffer.subarray(0, n));
          ws._data(chunk);
        } else {
          ws._data(buffer.slice(0, n));
        }
        if (n === buffer.length && buffer.length < READ_MAX) buffer = new Uint8Array(buffer.length * 2);
      }
    } catch {
      // reset by the peer, or closed by us
    }
    this.destroy();
    ws._closed();
  }
}

/** Options of `serve`. */
export interface DenoServeOptions<Data = unknown> extends ServerCoreOptions<Data> {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Default `'127.0.0.1'`; `'0.0.0.0'` for every interface. */
  hostname?: string;
  /** TLS (`wss://`): PEM `cert` and `key` strings, as for `Deno.listenTls`. */
  tls?: { cert: string; key: string };
  /**
   * `SO_REUSEPORT`: one server per process on one port, the kernel spreads connections (Linux). Deno 2.9 still
   * calls this unstable: run with `--unstable-net`.
   */
  reusePort?: boolean;
}

function start(conn: DenoConn, ws: WebSocketConnection<unknown>, transport: DenoTransport): void {
  transport.ws = ws;
  try {
    conn.setNoDelay?.(true);
  } catch {
    // TLS connections before their handshake
  }
  void transport.readLoop();
}

/**
 * Listen for WebSocket connections on Deno.
 *
 * @example
 * import { serve } from 'wsframe/deno';
 * const server = await serve({ port: 8080, message(ws, data, isBinary) { ws.send(data, isBinary); } });
 */
export async function serve<Data = unknown>(options: DenoServeOptions<Data> = {}): Promise<WebSocketServer<Data>> {
  const core = new ServerCore<Data>(options, true);
  const address = { hostname: options.hostname ?? '127.0.0.1', port: options.port ?? 0, reusePort: options.reusePort };
  const listener = options.tls ? deno().listenTls({ ...address, ...options.tls }) : deno().listen(address);
  let stopped = false;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        if (stopped) {
          conn.close();
          continue;
        }
        const transport = new DenoTransport(conn);
        const peer = { remoteAddress: conn.remoteAddr.hostname ?? '', remotePort: conn.remoteAddr.port ?? 0 };
        start(conn, core.accept(transport, peer) as WebSocketConnection<unknown>, transport);
      }
    } catch {
      // the listener was closed
    }
  })();
  const server = new WebSocketServer<Data>(core, async () => {
    stopped = true;
    listener.close();
    await accepting;
  });
  server.port = listener.addr.port ?? 0;
  return server;
}

/** Options of `connect`. */
export interface DenoConnectOptions<Data = unknown> extends ClientCoreOptions<Data> {
  /** Extra CA certificates (PEM) for `wss://`. */
  caCerts?: string[];
}

/** Open a client connection to a `ws://` or `wss://` URL on Deno; resolves once the handshake completed. */
export async function connect<Data = unknown>(
  url: string | URL,
  options: DenoConnectOptions<Data> = {},
): Promise<WebSocketConnection<Data>> {
  const { url: target, secure, hostname, port, endpoint, connection } = startClient(url, options, true);
  const conn = secure
    ? await deno().connectTls({ hostname, port, caCerts: options.caCerts })
    : await deno().connect({ hostname, port });
  if (secure) {
    // A certificate the client does not trust must reject `connect` with its own error, which the read loop
    // would otherwise swallow as "connection closed during the opening handshake".
    try {
      await conn.handshake?.();
    } catch (error) {
      conn.close();
      throw error;
    }
  }
  const transport = new DenoTransport(conn);
  const peer = { remoteAddress: conn.remoteAddr.hostname ?? '', remotePort: conn.remoteAddr.port ?? 0 };
  const ws = new WebSocketConnection<Data>(endpoint, transport, peer, connection);
  ws.url = target.href;
  start(conn, ws as WebSocketConnection<unknown>, transport);
  await ws._opened();
  return ws;
}

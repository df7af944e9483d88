/**
 * Helpers for the runtime adapter tests (test/adapters/*.test.ts): the three runtimes, child scripts that print
 * `LISTENING <name> <port>` / `EVENT {json}` lines, a raw `node:net` WebSocket client that reads frames as
 * they arrive, and awaitable inboxes for the `ws` client. Every wait has a deadline: a test fails, never hangs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcp, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { fromRoot } from '../autobahn/paths.js';

export const MiB = 1 << 20;
/** How long any single wait may take on a loaded 2-core machine before the test fails. */
export const WAIT = 20_000;

export interface Runtime {
  name: 'node' | 'deno' | 'bun';
  command: string;
  args: string[];
}

export const RUNTIMES: Runtime[] = [
  { name: 'node', command: process.execPath, args: [] },
  { name: 'deno', command: fromRoot('node_modules', '.bin', 'deno'), args: ['run', '-A'] },
  { name: 'bun', command: fromRoot('node_modules', '.bin', 'bun'), args: [] },
];

/** The Node adapter as built (dist/node.js), typed from its source. */
export type NodeAdapter = typeof import('../../src/adapters/node.js');
export const loadNodeAdapter = async (): Promise<NodeAdapter> =>
  (await import(pathToFileURL(fromRoot('dist', 'node.js')).href)) as NodeAdapter;

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Ask `check` again every `every` ms until it returns true (for state only observable by asking). */
export async function eventually(check: () => Promise<boolean>, what: string, ms = WAIT, every = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------------------------

const children = new Set<ChildScript>();

/** A script run under one runtime, with its stdout lines kept for `line` / `event`. */
export class ChildScript {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private partial = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    children.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        children.delete(this);
        resolve(code);
        this.wake();
      });
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      const parts = (this.partial + text).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.wake();
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => (this.stderr = (this.stderr + text).slice(-4000)));
  }

  /** Start `test/adapters/<script>` under `runtime` with these environment variables. */
  static start(runtime: Runtime, script: string, env: Record<string, string> = {}): ChildScript {
    const child = spawn(runtime.command, [...runtime.args, fromRoot('test', 'adapters', script)], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildScript(child, `${runtime.name} ${script}`);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The first stdout line (already printed or still to come) that `match` accepts. */
  line(match: (line: string) => boolean, what: string, ms = WAIT): Promise<string> {
    return within(
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const found = this.lines.find(match);
          if (found !== undefined) {
            this.waiters.delete(check);
            resolve(found);
          } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
            this.waiters.delete(check);
            const code = this.child.exitCode ?? this.child.signalCode;
            reject(new Error(`${this.label} exited (${code}) before ${what}: ${this.stderr}`));
          }
        };
        this.waiters.add(check);
        check();
      }),
      `${what} from ${this.label}`,
      ms,
    );
  }

  /** Wait for `READY` and return the ports of the `LISTENING <name> <port>` lines. */
  async ports(ms = 60_000): Promise<Record<string, number>> {
    await this.line((l) => l === 'READY', 'READY', ms);
    const ports: Record<string, number> = {};
    for (const l of this.lines) {
      const m = /^LISTENING (\S+) (\d+)$/.exec(l);
      if (m) ports[m[1]!] = Number(m[2]);
    }
    return ports;
  }

  /** The `EVENT {json}` line of `type` (and `tag`, if given), parsed. */
  async event(type: string, tag?: string, ms = WAIT): Promise<Record<string, unknown>> {
    const matches = (l: string): boolean => {
      if (!l.startsWith('EVENT ')) return false;
      const e = JSON.parse(l.slice(6)) as Record<string, unknown>;
      return e.type === type && (tag === undefined || e.tag === tag);
    };
    const l = await this.line(matches, `EVENT ${type} ${tag ?? ''}`, ms);
    return JSON.parse(l.slice(6)) as Record<string, unknown>;
  }

  /** SIGKILL the process (if it still runs) and wait for it to go. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Kill every child script still running (afterAll). */
export async function killChildren(): Promise<void> {
  await Promise.all([...children].map((c) => c.kill()));
}

// ---------------------------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------------------------

export interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** RFC 6455 §1.3's example key and its accept value. */
export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** A client frame (RFC 6455 §5.2), masked with a fixed key unless `mask: false`. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string = new Uint8Array(0),
  { fin = true, mask = true, rsv = 0 }: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const n = body.length;
  const lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  header[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  header[1] = (mask ? 0x80 : 0) | (n < 126 ? n : n < 65536 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(n, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(n), 2);
  if (mask) {
    const key = [0x37, 0xfa, 0x21, 0x3d];
    header.set(key, 2 + lengthBytes);
    for (let i = 0; i < n; i++) body[i]! ^= key[i & 3]!;
  }
  return Buffer.concat([header, body]);
}

/** A close frame's payload: the code (big-endian) and the reason (RFC 6455 §5.5.1). */
export const closeBody = (code: number, reason = ''): Buffer => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
};

/** Total length of the frame at the start of `b`, or -1 while its header is incomplete. */
function frameLength(b: Buffer): number {
  if (b.length < 2) return -1;
  const masked = (b[1]! & 0x80) !== 0;
  const n = b[1]! & 0x7f;
  const extra = n === 126 ? 2 : n === 127 ? 8 : 0;
  const head = 2 + extra + (masked ? 4 : 0);
  if (b.length < head) return -1;
  const length = n === 126 ? b.readUInt16BE(2) : n === 127 ? Number(b.readBigUInt64BE(2)) : n;
  return head + length;
}

function parseFrame(b: Buffer): Frame {
  const masked = (b[1]! & 0x80) !== 0;
  const n = b[1]! & 0x7f;
  const at = 2 + (n === 126 ? 2 : n === 127 ? 8 : 0);
  const start = at + (masked ? 4 : 0);
  const payload = Buffer.from(b.subarray(start));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[at + (i & 3)]!;
  return { fin: (b[0]! & 0x80) !== 0, rsv: (b[0]! >> 4) & 7, opcode: b[0]! & 0x0f, masked, payload };
}

/** The whole frames at the start of `bytes` (masked ones unmasked). */
export function decodeFrames(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  let rest = bytes;
  for (let need = frameLength(rest); need >= 0 && rest.length >= need; need = frameLength(rest)) {
    frames.push(parseFrame(rest.subarray(0, need)));
    rest = rest.subarray(need);
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------------------------
// A raw TCP client
// ---------------------------------------------------------------------------------------------------------------

/** The client side of the opening handshake (RFC 6455 §4.1), as raw text with `extra` header lines. */
export function upgradeRequest(path = '/', extra: Record<string, string> = {}): string {
  const headers: Record<string, string> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  return `GET ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/**
 * A `node:net` socket speaking WebSocket by hand: `http` holds the response head (and, for a refused upgrade,
 * the whole response), then incoming bytes are cut into `frames` as they arrive.
 */
export class RawSocket {
  /** Response text until the blank line (all of it after `end` when no 101 came). */
  http = '';
  head: string | null = null;
  readonly frames: Frame[] = [];
  /** 'data' events so far. */
  reads = 0;
  /** The server ended its side (FIN). */
  ended = false;
  closed = false;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reads++;
      this.receive(chunk);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawSocket> {
    const socket = tcp({ host: '127.0.0.1', port });
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      `a TCP connection to port ${port}`,
    );
    socket.setNoDelay(true);
    return new RawSocket(socket);
  }

  private receive(chunk: Buffer): void {
    if (this.head === null) {
      const text = this.http + chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0 || !text.startsWith('HTTP/1.1 101 ')) {
        this.http = text;
        if (end >= 0) this.head = text.slice(0, end + 4);
        return;
      }
      this.head = text.slice(0, end + 4);
      this.http = this.head;
      chunk = Buffer.from(text.slice(end + 4), 'latin1');
      if (chunk.length === 0) return;
    } else if (!this.head.startsWith('HTTP/1.1 101 ')) {
      this.http += chunk.toString('latin1');
      return;
    }
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    for (;;) {
      let first = this.pending[0];
      if (first === undefined) return;
      if (first.length < 14 && this.pending.length > 1) first = this.join();
      const need = frameLength(first);
      if (need < 0 || this.pendingLength < need) return;
      if (first.length < need) first = this.join();
      this.frames.push(parseFrame(first.subarray(0, need)));
      this.pendingLength -= need;
      if (first.length === need) this.pending.shift();
      else this.pending[0] = first.subarray(need);
    }
  }

  private join(): Buffer {
    const all = Buffer.concat(this.pending);
    this.pending = [all];
    return all;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolve with `check()` once it is not undefined (checked on every read); fail if the socket closes first. */
  until<T>(check: () => T | undefined, what: string, ms = WAIT): Promise<T> {
    return within(
      new Promise<T>((resolve, reject) => {
        const test = (): void => {
          const value = check();
          if (value !== undefined) {
            this.waiters.delete(test);
            resolve(value);
          } else if (this.closed) {
            this.waiters.delete(test);
            reject(new Error(`the socket closed before ${what}; got ${JSON.stringify(this.http.slice(0, 300))}`));
          }
        };
        this.waiters.add(test);
        test();
      }),
      what,
      ms,
    );
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /** Send an upgrade request; resolve with the response head. */
  async handshake(path = '/', extra: Record<string, string> = {}): Promise<string> {
    this.write(upgradeRequest(path, extra));
    return this.until(() => this.head ?? undefined, 'the response head');
  }

  /** Wait for `count` frames in all (`frames.length`), return them. */
  async frameCount(count: number, ms = WAIT): Promise<Frame[]> {
    return this.until(() => (this.frames.length >= count ? this.frames : undefined), `${count} frames`, ms);
  }

  /** Wait until the server has ended the connection (FIN, or closed it). */
  async serverEnd(ms = WAIT): Promise<void> {
    await within(
      new Promise<void>((resolve) => {
        const test = (): void => {
          if (this.ended || this.closed) {
            this.waiters.delete(test);
            resolve();
          }
        };
        this.waiters.add(test);
        test();
      }),
      'the server to close the connection',
      ms,
    );
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The ws client
// ---------------------------------------------------------------------------------------------------------------

/** Items pushed by event handlers, taken in order by `next`. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T) => void)[] = [];

  push(item: T): void {
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  next(what: string, ms = WAIT): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return within(new Promise<T>((resolve) => this.takers.push(resolve)), what, ms);
  }

  get length(): number {
    return this.items.length;
  }
}

export interface WsMessage {
  data: Buffer | string;
  isBinary: boolean;
}

/** A connected `ws` client with its messages (text as strings) and its close event. */
export interface WsClient {
  ws: WebSocket;
  inbox: Inbox<WsMessage>;
  closed: Promise<{ code: number; reason: string }>;
  pings: Buffer[];
}

export async function openWs(
  url: string,
  protocols?: string[],
  options: WebSocket.ClientOptions = {},
): Promise<WsClient> {
  const ws = new WebSocket(url, protocols, options);
  const inbox = new Inbox<WsMessage>();
  const pings: Buffer[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    inbox.push({ data: isBinary ? data : data.toString(), isBinary });
  });
  ws.on('ping', (data: Buffer) => pings.push(data));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  await within(
    new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    }),
    `ws to open ${url}`,
  );
  ws.on('error', () => {});
  return { ws, inbox, closed, pings };
}

/** Send and wait for the echo. */
export async function echo(client: WsClient, data: Buffer | string): Promise<WsMessage> {
  client.ws.send(data, { binary: typeof data !== 'string' });
  return client.inbox.next(`the echo of ${typeof data === 'string' ? 'text' : 'binary'} ${data.length}`);
}

/** Ask an echo server of test/adapters/server.mjs for its '#stats'. */
export async function stats(client: WsClient): Promise<Stats> {
  client.ws.send('#stats');
  const reply = await client.inbox.next('#stats');
  return JSON.parse(reply.data as string) as Stats;
}

export interface Stats {
  connections: number;
  rss: number;
  heapUsed: number;
  bufferedAmount: number;
  tags: Record<string, { bufferedAmount: number; maxBuffered: number }>;
}

/** Close (if needed) and wait for the close event. */
export async function closeWs(client: WsClient, code = 1000): Promise<{ code: number; reason: string }> {
  if (client.ws.readyState === WebSocket.OPEN) client.ws.close(code);
  return within(client.closed, 'the ws client to close');
}

// ---------------------------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------------------------

/** `n` pseudo-random bytes (xorshift32), different for each `seed`. */
export function binaryPayload(n: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A string of exactly `n` UTF-8 bytes mixing 1- to 4-byte characters (never starting with '#'). */
export function textPayload(n: number): string {
  const unit = 'aé€😀'; // 1 + 2 + 3 + 4 bytes
  const whole = unit.repeat(Math.floor(n / 10));
  const rest = 'bcdefghij'.slice(0, n % 10);
  return whole + rest;
}

// ---------------------------------------------------------------------------------------------------------------
// The wsframe Node client (dist/node.js)
// ---------------------------------------------------------------------------------------------------------------

export interface WsframeClient {
  ws: Awaited<ReturnType<NodeAdapter['connect']>>;
  inbox: Inbox<{ data: string | Uint8Array; isBinary: boolean }>;
  closed: Promise<{ code: number; reason: string }>;
}

/** `connect` of the Node adapter with its messages in an inbox and its `close` as a promise. */
export async function openWsframe(
  adapter: NodeAdapter,
  url: string,
  options: Parameters<NodeAdapter['connect']>[1] = {},
): Promise<WsframeClient> {
  const inbox = new Inbox<{ data: string | Uint8Array; isBinary: boolean }>();
  let onClose!: (result: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClose = resolve));
  const ws = await within(
    adapter.connect(url, {
      ...options,
      message: (_, data, isBinary) => inbox.push({ data, isBinary }),
      close: (_, code, reason) => onClose({ code, reason }),
    }),
    `wsframe to open ${url}`,
  );
  return { ws, inbox, closed };
}

/**
 * Interop over loopback with WebSocket implementations nobody here wrote:
 *
 * - the wsframe echo server (examples/echo-server.mjs, which accepts permessage-deflate: `ws`, undici, Chromium and
 *   Bun offer it and so run compressed, Deno does not) with clients `ws`, undici's `WebSocket`, Chromium's native
 *   `WebSocket` (playwright-core and the browser test/runtimes/find-chromium.mjs finds; skipped without one unless
 *   WSFRAME_REQUIRE_ALL_RUNTIMES=1), Deno's and Bun's native `WebSocket`;
 * - the wsframe client (examples/client.mjs) with a `ws` server, a `Deno.serve` upgrade server and a `Bun.serve`
 *   websocket server.
 *
 * Every pair runs the same checks (test/interop/whatwg-checks.mjs, through the WHATWG WebSocket API, with a thin
 * adapter for `ws` and for the wsframe client): text and binary echoes from 0 B to 16 MiB, ping → pong where the
 * client API can send one and see the answer, a close with 4000 from the client and with 4001 from the server.
 * Finally, bad handshakes get the right HTTP status and the bytes behind them never reach the codec.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcp } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { WebSocket as UndiciWebSocket, ping as undiciPing } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { fromRoot } from '../autobahn/paths.js';
import { CHROMIUM_ARGS, chromiumOrSkip } from '../runtimes/find-chromium.mjs';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
type RunChecks = (impl: unknown, url: string, options: object) => Promise<Check[]>;
interface Running {
  port: number;
  close(): Promise<void>;
}

const MiB = 1 << 20;
const TEXT_SIZES = [0, 1, 125, 126, 65535, 65536, MiB, 16 * MiB];
const BINARY_SIZES = [0, 1, 125, 126, 127, 65535, 65536, MiB, 16 * MiB];
const SIZES = { textSizes: TEXT_SIZES, binarySizes: BINARY_SIZES };
const EXPECTED = [
  'open',
  ...TEXT_SIZES.map((n) => `text ${n}`),
  ...BINARY_SIZES.map((n) => `binary ${n}`),
  'client closes 4000',
  'server closes 4001',
];
const WITH_PING = [...EXPECTED.slice(0, -2), 'ping → pong', ...EXPECTED.slice(-2)];
const DENO = fromRoot('node_modules', '.bin', 'deno');
const BUN = fromRoot('node_modules', '.bin', 'bun');
const load = async <T>(...path: string[]): Promise<T> => (await import(pathToFileURL(fromRoot(...path)).href)) as T;

let runChecks: RunChecks;
let echo: Running;
let url: string;

/** Failed checks, for a readable assertion. */
const failures = (results: Check[]): string[] => results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);

function expectAllPassed(results: Check[], names: string[]): void {
  expect(failures(results)).toEqual([]);
  expect(results.map((r) => r.name)).toEqual(names);
}

/** Run a Deno or Bun script; resolve with its stdout once it exits (killed after `ms`). */
function runScript(command: string, args: string[], ms = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited with ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** Start a Deno/Bun server script that prints "PORT n" (or matches `pattern`); `close` kills that process (and only it). */
function startServerScript(command: string, args: string[], pattern = /PORT (\d+)/): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not print its port: ${err.slice(-2000)}`));
    }, 30_000);
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = pattern.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGKILL');
          }),
      });
    });
    child.on('error', reject);
  });
}

interface ClientModule {
  connect(
    url: string,
    options: { backend?: string; onEvent?: (event: { type: string; data?: unknown; code?: number }) => void },
  ): {
    send(data: unknown): boolean;
    ping(data: unknown): boolean;
    close(code?: number, reason?: string): void;
    closed: Promise<{ code: number; reason: string }>;
  };
}

/**
 * The wsframe client behind the WHATWG API shape the checks use (onopen/onmessage/onclose, binaryType
 * 'arraybuffer', send/close) plus `ping(data)` resolving on the matching pong.
 */
async function wsframeWebSocket(backend: string): Promise<new (url: string) => object> {
  const { connect } = await load<ClientModule>('examples', 'client.mjs');
  return class {
    binaryType = 'arraybuffer';
    onopen: (() => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onclose: ((e: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
    onerror: (() => void) | null = null;
    onpong: ((data: Uint8Array) => void) | null = null;
    private readonly client: ReturnType<ClientModule['connect']>;
    constructor(target: string) {
      this.client = connect(target, {
        backend,
        onEvent: (event) => {
          if (event.type === 'open') this.onopen?.();
          else if (event.type === 'text') this.onmessage?.({ data: event.data });
          else if (event.type === 'binary') this.onmessage?.({ data: (event.data as Uint8Array).slice().buffer });
          else if (event.type === 'pong') this.onpong?.(event.data as Uint8Array);
        },
      });
      void this.client.closed.then(({ code, reason }) => this.onclose?.({ code, reason, wasClean: code !== 1006 }));
    }
    send(data: unknown): void {
      this.client.send(data);
    }
    close(code?: number, reason?: string): void {
      this.client.close(code, reason);
    }
    ping(data: string): void {
      this.client.ping(data);
    }
  };
}

/** ping → pong for APIs with ping() and a pong callback. */
// biome-ignore lint/suspicious/noExplicitAny: each client library's socket type differs; the callers pass their own
type AnySocket = any;
const pingWith =
  (send: (ws: AnySocket, data: string) => void, listen: (ws: AnySocket, cb: (data: Uint8Array) => void) => void) =>
  (ws: unknown): Promise<boolean> =>
    new Promise((resolve) => {
      listen(ws, (data) => resolve(Buffer.from(data).toString() === 'are you there?'));
      send(ws, 'are you there?');
    });

beforeAll(async () => {
  ({ runChecks } = await load<{ runChecks: RunChecks }>('test', 'interop', 'whatwg-checks.mjs'));
  const { startEchoServer } = await load<{ startEchoServer(o: object): Promise<Running> }>(
    'examples',
    'echo-server.mjs',
  );
  echo = await startEchoServer({ port: 0 });
  url = `ws://127.0.0.1:${echo.port}/`;
});

afterAll(async () => {
  await echo?.close();
});

describe('the wsframe echo server with other clients', () => {
  it('ws', async () => {
    const ping = pingWith(
      (ws, d) => ws.ping(d),
      (ws, cb) => ws.once('pong', cb),
    );
    expectAllPassed(await runChecks(WebSocket, url, { ...SIZES, ping }), WITH_PING);
  }, 60_000);

  it("undici's WebSocket (ping can be sent, but the API shows no pong: checked by a later echo)", async () => {
    const ping = async (ws: UndiciWebSocket): Promise<boolean> => {
      undiciPing(ws, Buffer.from('are you there?'));
      return new Promise((resolve) => {
        ws.onmessage = (e) => resolve(e.data === 'still here');
        ws.send('still here');
      });
    };
    expectAllPassed(await runChecks(UndiciWebSocket, url, { ...SIZES, ping }), WITH_PING);
  }, 60_000);

  it("Chromium's WebSocket, from the page the echo server serves", async (ctx) => {
    const executablePath = chromiumOrSkip("interop — Chromium's WebSocket", (note) => ctx.skip(note));
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${echo.port}/`);
      // The page's own socket: opens, echoes what the form sends.
      await page.waitForFunction(() => document.getElementById('log')!.textContent!.includes('open'));
      await page.click('button');
      await page.waitForFunction(() =>
        document.getElementById('log')!.textContent!.includes('text   "Grüße, κόσμε 𝄞"'),
      );
      // A string, so that nothing of this (transformed) module leaks into the page; WebSocket is the page's own.
      const results = (await page.evaluate(
        `(${runChecks.toString()})(WebSocket, ${JSON.stringify(url)}, ${JSON.stringify(SIZES)})`,
      )) as Check[];
      expectAllPassed(results, EXPECTED);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it("Deno's WebSocket (no ping API)", async () => {
    const out = await runScript(DENO, [
      'run',
      '--allow-net',
      fromRoot('test', 'interop', 'runtime-client.mjs'),
      url,
      JSON.stringify(SIZES),
    ]);
    expectAllPassed(JSON.parse(out.trim().split('\n').pop()!), EXPECTED);
  }, 90_000);

  it("Bun's WebSocket (with ping and pong)", async () => {
    const out = await runScript(BUN, [
      fromRoot('test', 'interop', 'runtime-client.mjs'),
      url,
      JSON.stringify({ ...SIZES, ping: true }),
    ]);
    expectAllPassed(JSON.parse(out.trim().split('\n').pop()!), WITH_PING);
  }, 90_000);
});

describe('the wsframe Deno and Bun adapter servers (examples/echo-deno.mjs, echo-bun.mjs) with other clients', () => {
  const LISTENING = /ws:\/\/127\.0\.0\.1:(\d+)\//;
  const adapters: [string, () => Promise<Running>][] = [
    [
      'wsframe/deno',
      () =>
        startServerScript(
          DENO,
          ['run', '--allow-net', '--allow-env', fromRoot('examples', 'echo-deno.mjs')],
          LISTENING,
        ),
    ],
    ['wsframe/bun', () => startServerScript(BUN, [fromRoot('examples', 'echo-bun.mjs')], LISTENING)],
  ];
  for (const [name, start] of adapters) {
    describe(name, () => {
      let server: Running | undefined;
      let target = '';
      beforeAll(async () => {
        const previous = process.env.PORT;
        process.env.PORT = '0';
        try {
          server = await start();
        } finally {
          if (previous === undefined) delete process.env.PORT;
          else process.env.PORT = previous;
        }
        target = `ws://127.0.0.1:${server.port}/`;
      }, 60_000);
      afterAll(async () => {
        await server?.close();
      });

      it('ws', async () => {
        const ping = pingWith(
          (ws, d) => ws.ping(d),
          (ws, cb) => ws.once('pong', cb),
        );
        expectAllPassed(await runChecks(WebSocket, target, { ...SIZES, ping }), WITH_PING);
      }, 60_000);

      it("Chromium's WebSocket", async (ctx) => {
        const executablePath = chromiumOrSkip(`interop — Chromium's WebSocket with ${name}`, (note) => ctx.skip(note));
        const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
        try {
          const page = await browser.newPage();
          const checks = `(${runChecks.toString()})(WebSocket, ${JSON.stringify(target)}, ${JSON.stringify(SIZES)})`;
          expectAllPassed((await page.evaluate(checks)) as Check[], EXPECTED);
        } finally {
          await browser.close();
        }
      }, 90_000);
    });
  }
});

describe('the wsframe client with other servers', () => {
  const ping = pingWith(
    (ws, d) => ws.ping(d),
    (ws, cb) => (ws.onpong = cb),
  );

  async function wsServer(): Promise<Running> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws, req) => {
      const close = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('close'));
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      if (close) ws.close(close, 'closed by the server');
    });
    await new Promise((resolve) => server.once('listening', resolve));
    return {
      port: (server.address() as { port: number }).port,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  const servers: [string, () => Promise<Running>][] = [
    ['ws', wsServer],
    [
      'Deno.serve + Deno.upgradeWebSocket',
      () => startServerScript(DENO, ['run', '--allow-net', fromRoot('test', 'interop', 'deno-server.mjs')]),
    ],
    ['Bun.serve websocket', () => startServerScript(BUN, [fromRoot('test', 'interop', 'bun-server.mjs')])],
  ];
  for (const [name, start] of servers) {
    for (const backend of ['wasm', 'js']) {
      it(`${name} (client on the ${backend} backend)`, async () => {
        const server = await start();
        try {
          const Impl = await wsframeWebSocket(backend);
          expectAllPassed(await runChecks(Impl, `ws://127.0.0.1:${server.port}/`, { ...SIZES, ping }), WITH_PING);
        } finally {
          await server.close();
        }
      }, 90_000);
    }
  }
});

describe('heartbeat over real sockets (the echo server drives Connection.tick with its own timer)', () => {
  it('pings an idle ws client, which answers and stays connected; drops a peer that never answers', async () => {
    const { startEchoServer } = await load<{ startEchoServer(o: object): Promise<Running> }>(
      'examples',
      'echo-server.mjs',
    );
    const server = await startEchoServer({ port: 0, heartbeat: { interval: 150, timeout: 300 } });
    try {
      const alive = new WebSocket(`ws://127.0.0.1:${server.port}/`);
      let pings = 0;
      alive.on('ping', () => pings++); // ws answers with a pong by itself
      await new Promise((resolve) => alive.once('open', resolve));
      // Three pings, each answered by ws's pong (a ping every ~150 ms; a loaded machine may take longer).
      const deadline = Date.now() + 10_000;
      while (pings < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(pings).toBeGreaterThanOrEqual(3);
      expect(alive.readyState).toBe(WebSocket.OPEN);
      alive.close(1000);

      // A peer that completes the handshake and then says nothing: pinged after 150 ms, dropped 300 ms later.
      const started = Date.now();
      const silent = tcp({ host: '127.0.0.1', port: server.port });
      silent.on('error', () => {});
      silent.write(
        `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      let received = Buffer.alloc(0);
      silent.on('data', (d) => (received = Buffer.concat([received, d])));
      await new Promise((resolve) => silent.once('close', resolve));
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(400);
      expect(elapsed).toBeLessThan(5000);
      expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 101 [\s\S]*\r\n\r\n\x89/); // the 101, then a ping frame
    } finally {
      await server.close();
    }
  }, 20_000);
});

describe('bad handshakes get the right status and never reach the codec', () => {
  /** A masked text frame "not for the codec": if anything decoded it, the echo would show up in the response. */
  const FRAME = Buffer.from([
    0x81,
    0x92,
    1,
    2,
    3,
    4,
    ...Buffer.from('not for the codec!').map((b, i) => b ^ [1, 2, 3, 4][i & 3]!),
  ]);
  const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

  /** Send `request` followed by FRAME (and `after`); collect the response until the server closes (3 s at most). */
  function raw(request: string, after: Uint8Array = new Uint8Array(0)): Promise<string> {
    return new Promise((resolve) => {
      const socket = tcp({ host: '127.0.0.1', port: echo.port });
      let out = Buffer.alloc(0);
      const timer = setTimeout(() => socket.destroy(), 3000);
      socket.on('data', (d) => (out = Buffer.concat([out, d])));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(out.toString('latin1'));
      });
      socket.write(Buffer.concat([Buffer.from(request, 'latin1'), FRAME, after]));
    });
  }
  const request = (headers: Record<string, string>, start = 'GET / HTTP/1.1'): string =>
    `${start}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
  const GOOD = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
  };
  const without = (name: string): Record<string, string> =>
    Object.fromEntries(Object.entries(GOOD).filter(([k]) => k !== name));

  it('a good handshake gets 101 and its frame echoed (the control)', async () => {
    const response = await raw(request(GOOD), Uint8Array.of(0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8)); // then close 1000
    expect(response).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(response).toContain('not for the codec!');
  });

  const cases: [string, string, number, RegExp?][] = [
    ['missing Sec-WebSocket-Key', request(without('Sec-WebSocket-Key')), 400],
    ['a key of 8 bytes', request({ ...GOOD, 'Sec-WebSocket-Key': 'AAAAAAAAAAA=' }), 400],
    [
      'Sec-WebSocket-Version: 8',
      request({ ...GOOD, 'Sec-WebSocket-Version': '8' }),
      426,
      /\r\nSec-WebSocket-Version: 13\r\n/,
    ],
    ['a foreign Origin', request({ ...GOOD, Origin: 'http://evil.example' }), 403],
    ['POST', request(GOOD, 'POST / HTTP/1.1'), 405],
    ['HTTP/1.0', request(GOOD, 'GET / HTTP/1.0'), 400],
    ['no "Connection: upgrade"', request(without('Connection')), 400],
    [
      'CR injected into a header value',
      request({ ...GOOD, 'Sec-WebSocket-Protocol': 'chat\rSec-WebSocket-Extensions: evil' }),
      400,
    ],
    ['NUL in a header value', request({ ...GOOD, 'Sec-WebSocket-Protocol': 'chat\0' }), 400],
    ['headers above the server limit (10 KiB)', request({ ...GOOD, Cookie: 'a'.repeat(10 * 1024) }), 431],
    ["headers above node:http's limit (20 KiB)", request({ ...GOOD, Cookie: 'a'.repeat(20 * 1024) }), 431],
  ];
  for (const [title, text, status, extra] of cases) {
    it(`${title} → ${status}`, async () => {
      const response = await raw(text);
      expect(response.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
      if (extra) expect(response).toMatch(extra);
      expect(response).not.toContain('101 Switching');
      expect(response).not.toContain('not for the codec!');
    });
  }
});

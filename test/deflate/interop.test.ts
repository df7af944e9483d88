/**
 * permessage-deflate over loopback TCP with implementations nobody here wrote: `ws` (Node's zlib) as client and
 * as server, with its parameter variants, against the wsframe Node adapter's server and client; Chromium's
 * native WebSocket (which offers permessage-deflate by default) and Bun's and Deno's (Deno's offers none) against
 * the adapter's server. Every pair must agree on the extension (Deno: on none) and echo text and binary messages
 * intact; with `ws` as the client, the bytes on its socket must be well below what the messages hold (so the data
 * really travelled compressed both ways).
 */
import { execFile } from 'node:child_process';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer, type PerMessageDeflateOptions as WsDeflateOptions } from 'ws';
import { connect, serve, type NodeWebSocketServer } from '../../src/adapters/node.js';
import { deflate, type PerMessageDeflateOptions } from '../../src/deflate/index.js';
import { fromRoot } from '../autobahn/paths.js';
import { CHROMIUM_ARGS, chromiumOrSkip } from '../runtimes/find-chromium.mjs';

const JSONISH = (n: number): string =>
  Array.from({ length: n }, (_, i) => `{"seq":${i},"name":"item-${i % 97}","tags":["a","b"]}`).join(',');
/** Sizes from below the threshold to several frames' worth, text and binary. */
const MESSAGES: (string | Uint8Array)[] = [
  '',
  'short',
  JSONISH(30),
  JSONISH(3000),
  new Uint8Array(100_000).map((_, i) => i % 7),
  'Grüße, κόσμε 𝄞 '.repeat(5000),
];
const payloadBytes = MESSAGES.reduce((n, m) => n + (typeof m === 'string' ? Buffer.byteLength(m) : m.length), 0);

const WS_VARIANTS: [string, WsDeflateOptions | true][] = [
  ['perMessageDeflate: true', true],
  ['serverNoContextTakeover', { serverNoContextTakeover: true, threshold: 0 }],
  ['clientNoContextTakeover', { clientNoContextTakeover: true }],
  ['serverMaxWindowBits 10', { serverMaxWindowBits: 10 }],
  ['clientMaxWindowBits 9', { clientMaxWindowBits: 9 }],
];

/** Send every message through `send`, one at a time, and wait for each echo through `next`. */
async function echoAll(
  send: (m: string | Uint8Array) => void,
  next: () => Promise<string | Uint8Array>,
): Promise<void> {
  for (const m of MESSAGES) {
    send(m);
    const echoed = await next();
    if (typeof m === 'string') expect(echoed).toBe(m);
    else expect(Buffer.from(echoed as Uint8Array).equals(Buffer.from(m))).toBe(true);
  }
}

describe('ws clients against the wsframe Node adapter server with perMessageDeflate', () => {
  let server: NodeWebSocketServer;
  const agreed: string[] = [];
  beforeAll(async () => {
    server = await serve({
      perMessageDeflate: deflate(),
      open: (ws) => void agreed.push(ws.extensions.map((e) => e.name).join()),
      message: (ws, data, isBinary) => ws.send(data, isBinary),
    });
  });
  afterAll(() => server.close());

  for (const [name, options] of WS_VARIANTS) {
    it(`ws client, ${name}`, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`, { perMessageDeflate: options });
      const queue: (string | Uint8Array)[] = [];
      let wake: (() => void) | null = null;
      ws.on('message', (data, isBinary) => {
        queue.push(isBinary ? new Uint8Array(data as Buffer) : (data as Buffer).toString());
        wake?.();
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      expect(ws.extensions).toMatch(/^permessage-deflate/);
      const next = async () => {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        return queue.shift()!;
      };
      await echoAll((m) => ws.send(m), next);
      const socket = (ws as unknown as { _socket: { bytesRead: number; bytesWritten: number } })._socket;
      expect(socket.bytesRead).toBeLessThan(payloadBytes / 3);
      expect(socket.bytesWritten).toBeLessThan(payloadBytes / 3);
      const closed = new Promise<number>((resolve) => ws.once('close', resolve));
      ws.close(1000);
      expect(await closed).toBe(1000);
      expect(agreed.at(-1)).toBe('permessage-deflate');
    }, 30_000);
  }
});

describe('the wsframe Node adapter client against ws servers with perMessageDeflate', () => {
  const clientVariants: [string, PerMessageDeflateOptions][] = [
    ['defaults', {}],
    [
      'no takeover asked, window 10 asked, threshold 0',
      { serverNoContextTakeover: true, serverMaxWindowBits: 10, threshold: 0 },
    ],
    ['client window 9', { clientMaxWindowBits: 9, clientNoContextTakeover: true }],
  ];
  for (const [name, wsOptions] of WS_VARIANTS) {
    for (const [clientName, clientOptions] of clientVariants) {
      it(`ws server ${name}, wsframe client ${clientName}`, async () => {
        const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: wsOptions });
        const extensions: string[] = [];
        wss.on('connection', (ws) => {
          extensions.push(ws.extensions);
          ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        });
        await new Promise((resolve) => wss.once('listening', resolve));
        const queue: (string | Uint8Array)[] = [];
        let wake: (() => void) | null = null;
        try {
          const client = await connect(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/`, {
            perMessageDeflate: deflate(clientOptions),
            message: (_ws, data) => {
              queue.push(typeof data === 'string' ? data : data.slice());
              wake?.();
            },
          });
          expect(client.extensions.map((e) => e.name)).toEqual(['permessage-deflate']);
          expect(extensions[0]).toMatch(/^permessage-deflate/);
          const next = async () => {
            while (queue.length === 0) await new Promise<void>((r) => (wake = r));
            return queue.shift()!;
          };
          await echoAll((m) => client.send(m), next);
          const closed = new Promise<void>((resolve) => {
            for (const c of wss.clients) c.once('close', () => resolve());
          });
          client.close(1000);
          await closed;
        } finally {
          await new Promise((resolve) => wss.close(resolve));
        }
      }, 30_000);
    }
  }
});

describe("Chromium's WebSocket against the wsframe Node adapter server", () => {
  it('agrees on permessage-deflate (offered by default) and echoes messages compressed', async (ctx) => {
    const executablePath = chromiumOrSkip("deflate interop — Chromium's WebSocket", (note) => ctx.skip(note));
    // Chromium compresses every message once agreed, so every message it sends has RSV1 set.
    const server = await serve({
      perMessageDeflate: deflate({ threshold: 256 }),
      message: (ws, data, isBinary) => ws.send(data, isBinary),
    });
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const script = `(async (url, texts) => {
        const ws = new WebSocket(url);
        ws.binaryType = 'arraybuffer';
        await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
        const results = [ws.extensions];
        for (const t of texts) {
          const echoed = new Promise((resolve) => (ws.onmessage = (e) => resolve(e.data)));
          ws.send(t);
          results.push((await echoed) === t);
          const bytes = new TextEncoder().encode(t);
          const echoedBytes = new Promise((resolve) => (ws.onmessage = (e) => resolve(new Uint8Array(e.data))));
          ws.send(bytes);
          const got = await echoedBytes;
          results.push(got.length === bytes.length && got.every((b, i) => b === bytes[i]));
        }
        ws.close(1000);
        return results;
      })`;
      const texts = ['', 'hi', JSONISH(10), JSONISH(2000), 'Grüße 𝄞'.repeat(20000)];
      const results = await page.evaluate(
        `${script}(${JSON.stringify(`ws://127.0.0.1:${server.port}/`)}, ${JSON.stringify(texts)})`,
      );
      expect(results).toEqual(['permessage-deflate', ...texts.flatMap(() => [true, true])]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 90_000);
});

describe("Bun's and Deno's native WebSocket against the wsframe Node adapter server", () => {
  /** Run test/interop/deflate-client.mjs on a runtime against a server; its JSON line. */
  async function runClient(runtime: 'bun' | 'deno'): Promise<{ extensions: string; results: boolean[] }> {
    const server = await serve({
      perMessageDeflate: deflate(),
      message: (ws, data, isBinary) => ws.send(data, isBinary),
    });
    try {
      const script = fromRoot('test', 'interop', 'deflate-client.mjs');
      const url = `ws://127.0.0.1:${server.port}/`;
      const args = runtime === 'deno' ? ['run', '--allow-net', script, url] : [script, url];
      const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(fromRoot('node_modules', '.bin', runtime), args, { env, timeout: 60_000 }, (error, out) =>
          error ? reject(error) : resolve(out),
        ),
      );
      return JSON.parse(stdout.trim().split('\n').pop()!);
    } finally {
      await server.close();
    }
  }

  it('Bun offers permessage-deflate: agreed, and every echo intact', async () => {
    const { extensions, results } = await runClient('bun');
    expect(extensions).toBe('permessage-deflate');
    expect(results).toEqual(Array(8).fill(true));
  }, 90_000);

  it("Deno's client offers no extension today: the server runs uncompressed, every echo intact", async () => {
    const { extensions, results } = await runClient('deno');
    expect(extensions).toBe('');
    expect(results).toEqual(Array(8).fill(true));
  }, 90_000);
});

/**
 * The `connect` of wsframe/node, wsframe/deno and wsframe/bun (test/adapters/client.mjs run under each runtime)
 * against WebSocket servers nobody here wrote — `ws` in this process, `Deno.serve` and `Bun.serve` — and against
 * the runtime's own wsframe server over `wss://` with a self-signed certificate; and `attach(httpServer)` of
 * wsframe/node.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { fromRoot } from '../autobahn/paths.js';
import {
  ChildScript,
  MiB,
  RUNTIMES,
  binaryPayload,
  clientFrame,
  closeWs,
  decodeFrames,
  echo,
  killChildren,
  loadNodeAdapter,
  openWs,
  openWsframe,
  within,
  type Frame,
  type NodeAdapter,
} from './helpers.js';

const CERT = readFileSync(fromRoot('test', 'adapters', 'tls-cert.pem'), 'utf8');
const KEY = readFileSync(fromRoot('test', 'adapters', 'tls-key.pem'), 'utf8');
const SIZES = [0, 1, 125, 126, 127, 65535, 65536, MiB];
const CHECKS = [
  'subprotocol',
  'no subprotocol',
  ...SIZES.flatMap((n) => [`binary ${n}`, `text ${n}`]),
  'ping → pong',
  'client closes 4000',
  'server closes 4001',
];
const FORBIDDEN = { path: '/forbidden', status: 403 };

interface Check {
  target: string;
  name: string;
  ok: boolean;
  detail: string;
}

/** What the rogue server saw of each client on /masked: the frames it sent back, and the end of its TCP side. */
interface RogueVisit {
  frames: Frame[];
  ended: Promise<void>;
}
let rogueVisits: RogueVisit[] = [];
let rogue: NetServer;

/**
 * A server that breaks the protocol (RFC 6455 §5.1: a server must not mask): /masked answers the handshake, then
 * sends a masked text frame; /bad-accept answers 101 with a wrong Sec-WebSocket-Accept (§4.1).
 */
function startRogue(): Promise<number> {
  rogue = createNetServer((socket) => {
    let head = '';
    let after = Buffer.alloc(0);
    let visit: RogueVisit | undefined;
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (visit) {
        after = Buffer.concat([after, chunk]);
        visit.frames = decodeFrames(after);
        return;
      }
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1];
      const key = /\r\nSec-WebSocket-Key: *([^\r]+)\r\n/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      const upgrade = (value: string): string =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${value}\r\n\r\n`;
      if (path === '/bad-accept') {
        socket.end(upgrade(accept.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))));
        return;
      }
      visit = { frames: [], ended: new Promise((resolve) => socket.once('end', resolve)) };
      rogueVisits.push(visit);
      socket.write(upgrade(accept));
      socket.write(clientFrame(0x1, 'masked'));
    });
  });
  return new Promise((resolve) => {
    rogue.listen(0, '127.0.0.1', () => resolve((rogue.address() as { port: number }).port));
  });
}

/** A port nothing listens on (just closed). */
async function deadPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let node: NodeAdapter;
let wsServer: WebSocketServer;
let denoEcho: ChildScript;
let bunEcho: ChildScript;
const echoPorts: Record<string, number> = {};
let roguePort: number;

beforeAll(async () => {
  node = await loadNodeAdapter();
  wsServer = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
    verifyClient: (info, done) => (info.req.url === FORBIDDEN.path ? done(false, FORBIDDEN.status) : done(true)),
  });
  wsServer.on('connection', (ws, request) => {
    const close = /[?&]close=(\d+)/.exec(request.url ?? '');
    if (close) return ws.close(Number(close[1]), 'closed by the server');
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await within(new Promise((resolve) => wsServer.once('listening', resolve)), 'the ws server');
  echoPorts.ws = (wsServer.address() as { port: number }).port;
  denoEcho = ChildScript.start(RUNTIMES.find((r) => r.name === 'deno')!, 'deno-echo.mjs');
  bunEcho = ChildScript.start(RUNTIMES.find((r) => r.name === 'bun')!, 'bun-echo.mjs');
  echoPorts.deno = (await denoEcho.ports()).echo!;
  echoPorts.bun = (await bunEcho.ports()).echo!;
  roguePort = await startRogue();
}, 90_000);

afterAll(async () => {
  await killChildren();
  await new Promise((resolve) => wsServer?.close(resolve));
  await new Promise((resolve) => rogue?.close(resolve));
});

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('wsframe/%s connect', (_, runtime) => {
  let tlsServer: ChildScript;
  let tlsPort: number;

  beforeAll(async () => {
    const servers = { tls: { tls: { cert: CERT, key: KEY }, protocols: ['chat'], path: '/' } };
    tlsServer = ChildScript.start(runtime, 'server.mjs', { WSFRAME_SERVERS: JSON.stringify(servers) });
    tlsPort = (await tlsServer.ports()).tls!;
  }, 90_000);
  afterAll(() => tlsServer?.kill());

  it('talks to ws, Deno.serve, Bun.serve, its own wss:// server and a rogue server', async () => {
    const targets = [
      { name: 'ws', url: `ws://127.0.0.1:${echoPorts.ws}/`, refuse: FORBIDDEN },
      { name: 'Deno.serve', url: `ws://127.0.0.1:${echoPorts.deno}/`, refuse: FORBIDDEN },
      { name: 'Bun.serve', url: `ws://127.0.0.1:${echoPorts.bun}/`, refuse: FORBIDDEN },
      {
        name: `wss ${runtime.name}`,
        url: `wss://localhost:${tlsPort}/`,
        ca: CERT,
        refuse: { path: '/forbidden', status: 404 },
      },
    ];
    rogueVisits = [];
    const client = ChildScript.start(runtime, 'client.mjs', {
      WSFRAME_TARGETS: JSON.stringify(targets),
      WSFRAME_DEAD_URL: `ws://127.0.0.1:${await deadPort()}/`,
      WSFRAME_ROGUE_URL: `ws://127.0.0.1:${roguePort}/`,
    });
    const line = await client.line((l) => l.startsWith('RESULT '), 'RESULT', 60_000);
    const { checks } = JSON.parse(line.slice(7)) as { checks: Check[] };
    expect(checks.filter((c) => !c.ok).map((c) => `${c.target} ${c.name}: ${c.detail}`)).toEqual([]);
    for (const target of targets) {
      const names = checks.filter((c) => c.target === target.name).map((c) => c.name);
      const tls = 'ca' in target ? ['untrusted certificate → TLS error'] : [];
      expect(names).toEqual([...CHECKS, ...tls, `refused with ${target.refuse.status}`]);
    }
    expect(checks.filter((c) => c.target === 'nothing listening').map((c) => c.name)).toEqual(['connect rejects']);
    expect(checks.filter((c) => c.target === 'rogue server').map((c) => c.name)).toEqual([
      'masked server frame → 1002',
      'wrong Sec-WebSocket-Accept → HandshakeError',
    ]);
    // The client told the rogue server why (a masked close frame with 1002, RFC 6455 §7.1.7) and ended TCP.
    expect(rogueVisits).toHaveLength(1);
    await within(rogueVisits[0]!.ended, 'the client to end the rogue connection');
    const replies = rogueVisits[0]!.frames.map((f) => [f.opcode, f.masked, f.payload.readUInt16BE(0)]);
    expect(replies).toEqual([[0x8, true, 1002]]);
    expect(await within(client.exited, 'the client to exit')).toBe(0);
  }, 90_000);

  it('serves wss:// to the ws client and the wsframe Node client', async () => {
    const client = await openWs(`wss://localhost:${tlsPort}/`, ['chat'], { ca: CERT });
    expect(client.ws.protocol).toBe('chat');
    const bytes = binaryPayload(MiB, 4);
    expect(((await echo(client, bytes)).data as Buffer).equals(bytes)).toBe(true);
    expect(await closeWs(client, 4000)).toMatchObject({ code: 4000 });
    const other = await openWsframe(node, `wss://127.0.0.1:${tlsPort}/`, { tls: { ca: CERT } });
    other.ws.send('over tls');
    expect(await other.inbox.next('the echo')).toEqual({ data: 'over tls', isBinary: false });
    other.ws.close(4000);
    expect((await within(other.closed, 'close')).code).toBe(4000);
  });
});

describe('wsframe/node attach(httpServer)', () => {
  let http: Server;
  let port: number;
  let wss: ReturnType<NodeAdapter['attach']>;

  beforeAll(async () => {
    http = createServer((request, response) => response.end(`plain ${request.url}`));
    wss = node.attach(http, {
      path: '/ws',
      message(ws, data, isBinary) {
        ws.send(data, isBinary);
      },
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as { port: number }).port;
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it('leaves ordinary requests to the HTTP server and serves upgrades on `path`', async () => {
    expect(wss.port).toBe(port);
    const response = await fetch(`http://127.0.0.1:${port}/page`);
    expect(await response.text()).toBe('plain /page');
    const client = await openWs(`ws://127.0.0.1:${port}/ws`);
    const bytes = binaryPayload(70_000, 8);
    expect(((await echo(client, bytes)).data as Buffer).equals(bytes)).toBe(true);
    expect((await echo(client, 'text')).data).toBe('text');
    await closeWs(client);
    const again = await fetch(`http://127.0.0.1:${port}/after`);
    expect(await again.text()).toBe('plain /after');
  });

  it('answers an upgrade on another path with 404', async () => {
    const status = await within(
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
        ws.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0));
        ws.on('open', () => reject(new Error('opened')));
        ws.on('error', () => {});
      }),
      'the refusal',
    );
    expect(status).toBe(404);
  });

  it('close() sends 1001 to its clients and leaves the HTTP server serving', async () => {
    const clients = await Promise.all([openWs(`ws://127.0.0.1:${port}/ws`), openWs(`ws://127.0.0.1:${port}/ws`)]);
    await within(wss.close(), 'wss.close()');
    const closes = await Promise.all(clients.map((c) => within(c.closed, 'the 1001')));
    expect(closes.map((c) => c.code)).toEqual([1001, 1001]);
    const response = await fetch(`http://127.0.0.1:${port}/still`);
    expect(await response.text()).toBe('plain /still');
  });
});

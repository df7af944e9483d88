/**
 * The end-to-end bench's harness (bench/e2e/): its load generator verifies echoes over real loopback TCP from
 * the raw TCP echo and from `ws`, and a server that corrupts a single byte fails the run.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../autobahn/paths.js';

interface Spec {
  id: string;
  kind: string;
  type: string;
  size: number;
  connections: number;
  window: number;
}
interface CaseResult {
  messages: number;
  rate: number;
  seconds: number;
  generatorCpuMicros: number;
  serverCpuMicros: number;
}
interface Started {
  port: number;
  pid: number;
  stop(): Promise<void>;
}
interface ServerEntry {
  id: string;
  raw?: boolean;
}
interface Bench {
  runCase(options: object): Promise<CaseResult>;
  checkContract(port: number, options: object): Promise<void>;
  caseById(id: string): Spec;
  server(id: string): ServerEntry;
  startServer(server: ServerEntry): Promise<Started>;
}

const load = async (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(fromRoot(path)).href);
const bench = async (): Promise<Bench> => {
  const loadgen = await load('bench/e2e/loadgen.mjs');
  const contract = await load('bench/e2e/contract.mjs');
  const cases = await load('bench/e2e/cases.mjs');
  const servers = await load('bench/e2e/servers.mjs');
  const list = servers.SERVERS as ServerEntry[];
  return {
    runCase: loadgen.runCase as Bench['runCase'],
    checkContract: contract.checkContract as Bench['checkContract'],
    caseById: cases.caseById as Bench['caseById'],
    server: (id) => list.find((s) => s.id === id)!,
    startServer: servers.startServer as Bench['startServer'],
  };
};

/** Warm-up and measured seconds: the load generator is checked here, not measured. */
const SHORT = { warmup: 0.2, seconds: 0.6 };
const started: Started[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
});

/** A raw TCP echo in this process that flips the bits of stream byte `at` (after the handshake). */
async function corruptingEcho(at: number): Promise<Server> {
  const server = createServer((socket: Socket) => {
    let head = Buffer.alloc(0);
    let offset = 0;
    socket.on('error', () => {});
    const echo = (chunk: Buffer): void => {
      const i = at - offset;
      if (i >= 0 && i < chunk.length) chunk.writeUInt8(chunk.readUInt8(i) ^ 0xff, i);
      offset += chunk.length;
      socket.write(chunk);
    };
    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head.toString('latin1'))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.on('data', echo);
      if (head.length > end + 4) echo(head.subarray(end + 4));
    };
    socket.on('data', onHead);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('e2e bench load generator', () => {
  it('verifies every echo of the raw TCP echo server (16 B text, 1 connection × 256 in flight)', async () => {
    const b = await bench();
    const s = await b.startServer(b.server('tcp'));
    started.push(s);
    await b.checkContract(s.port, { raw: true });
    const spec = b.caseById('text16-c1');
    const result = await b.runCase({ port: s.port, serverPid: s.pid, raw: true, spec, ...SHORT });
    expect(result.messages).toBeGreaterThan(0);
    expect(result.rate).toBeGreaterThan(0);
    expect(result.generatorCpuMicros).toBeGreaterThan(0);
    expect(Number.isFinite(result.serverCpuMicros)).toBe(true);
  });

  it('verifies every echo of the ws server (125 B binary, 64 connections × 256 in flight)', async () => {
    const b = await bench();
    const s = await b.startServer(b.server('ws'));
    started.push(s);
    await b.checkContract(s.port, {});
    const result = await b.runCase({ port: s.port, serverPid: s.pid, spec: b.caseById('bin125-c64'), ...SHORT });
    expect(result.messages).toBeGreaterThan(0);
  });

  it('fails the run when the server corrupts one echoed byte', async () => {
    const b = await bench();
    // Byte 5,000 of the echoed stream: the first payload byte of message 227 (22-byte masked 16 B text frames).
    const server = await corruptingEcho(5000);
    const { port } = server.address() as { port: number };
    try {
      const run = b.runCase({ port, serverPid: process.pid, raw: true, spec: b.caseById('text16-c1'), ...SHORT });
      await expect(run).rejects.toThrow(/echo differs at byte 5000 of the stream, byte 6 of message 227/);
    } finally {
      server.close();
    }
  });

  it('fails the contract check when the server corrupts one echoed byte', async () => {
    const b = await bench();
    const server = await corruptingEcho(20);
    const { port } = server.address() as { port: number };
    try {
      const check = b.checkContract(port, { raw: true, broadcast: false });
      await expect(check).rejects.toThrow(/text echo: wrong bytes back/);
    } finally {
      server.close();
    }
  });
});

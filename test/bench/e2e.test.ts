/**
 * The end-to-end bench's harness (bench/e2e/): its load generator verifies echoes over real loopback TCP from
 * the raw TCP echo and from `ws`, and a server that corrupts a single byte fails the run. The compressed cases
 * (permessage-deflate) in their quick form: ws and wsframe/node echo compressed messages that the generator
 * inflates and checks, a server that declines the extension or echoes a wrong message fails the run.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
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
interface Counts {
  messages: number;
  bytesIn: number;
  bytesOut: number;
  raw: number;
  compressed: number;
}
interface CompressedResult extends CaseResult {
  compressed: number;
  pass: Counts;
  agreement: string;
}
interface IdleResult {
  connections: number;
  bytesPerConnection: number;
  agreement: string;
}
interface Started {
  port: number;
  pid: number;
  stop(): Promise<void>;
  collect(): Promise<void>;
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
  startServer(server: ServerEntry, options?: object): Promise<Started>;
  runCompressed(options: object): Promise<CompressedResult>;
  runCompressedIdle(options: object): Promise<IdleResult>;
  checkCompressedContract(port: number): Promise<{ text: string }>;
}

const load = async (path: string): Promise<Record<string, unknown>> => import(pathToFileURL(fromRoot(path)).href);
const bench = async (): Promise<Bench> => {
  const loadgen = await load('bench/e2e/loadgen.mjs');
  const contract = await load('bench/e2e/contract.mjs');
  const cases = await load('bench/e2e/cases.mjs');
  const servers = await load('bench/e2e/servers.mjs');
  const compressed = await load('bench/e2e/compressed.mjs');
  const list = servers.SERVERS as ServerEntry[];
  return {
    runCase: loadgen.runCase as Bench['runCase'],
    checkContract: contract.checkContract as Bench['checkContract'],
    caseById: cases.caseById as Bench['caseById'],
    server: (id) => list.find((s) => s.id === id)!,
    startServer: servers.startServer as Bench['startServer'],
    runCompressed: compressed.runCompressed as Bench['runCompressed'],
    runCompressedIdle: compressed.runCompressedIdle as Bench['runCompressedIdle'],
    checkCompressedContract: compressed.checkCompressedContract as Bench['checkCompressedContract'],
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

  // The compressed cases' servers (run.mjs): every message compressed both ways.
  const COMPRESSED = { env: { DEFLATE_THRESHOLD: '0' } };

  for (const id of ['ws', 'wsframe-node']) {
    it(`verifies every compressed echo of ${id} (permessage-deflate, ~620 B JSON, 16 connections × 8)`, async () => {
      const b = await bench();
      const s = await b.startServer(b.server(id), COMPRESSED);
      started.push(s);
      const agreed = await b.checkCompressedContract(s.port);
      expect(agreed.text).toBe('permessage-deflate'); // takeover both ways, windows 15 (RFC 7692 §7.1)
      const spec = b.caseById('z1k-c16');
      const result = await b.runCompressed({ port: s.port, serverPid: s.pid, spec, ...SHORT });
      expect(result.messages).toBeGreaterThan(0);
      expect(result.compressed).toBe(result.messages);
      // The bytes pass: all 300 depth updates (~620 B each), compressed both ways — fewer bytes on the wire than
      // the messages' own, in each direction.
      const { pass } = result;
      expect(pass.messages).toBe(300);
      expect(pass.compressed).toBe(300);
      expect(pass.raw / pass.messages).toBeGreaterThan(600);
      expect(pass.bytesIn).toBeLessThan(pass.raw);
      expect(pass.bytesOut).toBeLessThan(pass.raw);
    });
  }

  it('measures memory per connection with a deflate context (wsframe/node, 20 connections)', async () => {
    const b = await bench();
    const s = await b.startServer(b.server('wsframe-node'), COMPRESSED);
    started.push(s);
    const result = await b.runCompressedIdle({
      port: s.port,
      serverPid: s.pid,
      connections: 20,
      collect: () => s.collect(),
      settleMs: 50,
    });
    expect(result.connections).toBe(20);
    expect(Number.isFinite(result.bytesPerConnection)).toBe(true);
    expect(result.agreement).toBe('permessage-deflate');
  });

  it('fails a compressed case when the server declines permessage-deflate', async () => {
    const b = await bench();
    const s = await b.startServer(b.server('ws')); // no DEFLATE_THRESHOLD: no extension
    started.push(s);
    const run = b.runCompressed({ port: s.port, serverPid: s.pid, spec: b.caseById('z100-c16'), ...SHORT });
    await expect(run).rejects.toThrow(/no extension agreed/);
  });

  it('fails a compressed case when the server echoes a different message', async () => {
    const b = await bench();
    // ws with permessage-deflate, echoing each message with its last byte changed (compressed as usual).
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        const copy = Buffer.from(data);
        copy.writeUInt8(copy.readUInt8(copy.length - 1) ^ 0x01, copy.length - 1);
        socket.send(copy, { binary: isBinary });
      });
    });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const run = b.runCompressed({ port, serverPid: process.pid, spec: b.caseById('z100-c16'), ...SHORT });
      await expect(run).rejects.toThrow(/echo 0 of a connection: inflated bytes .* differ from the message sent/);
    } finally {
      server.close();
    }
  });
});

/**
 * The `serve` of wsframe/node, wsframe/deno and wsframe/bun, tested from the outside and the same way for each:
 * test/adapters/server.mjs runs under the runtime with a few servers of different options, and this file drives
 * them with raw `node:net` sockets, the `ws` client and the wsframe Node client (dist/node.js).
 */
import { createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPT,
  ChildScript,
  MiB,
  RUNTIMES,
  RawSocket,
  WAIT,
  binaryPayload,
  clientFrame,
  closeBody,
  closeWs,
  echo,
  eventually,
  killChildren,
  loadNodeAdapter,
  openWs,
  openWsframe,
  stats,
  textPayload,
  upgradeRequest,
  within,
  type NodeAdapter,
  type WsClient,
} from './helpers.js';

const HIGH_WATER_MARK = 64 * 1024;
const MAX_BUFFERED = MiB;
const FLOOD_MESSAGE = 65536 + 10; // one 64 KiB message on the wire: its payload and 10-byte header
const HEARTBEAT = { interval: 300, timeout: 1000 };
const HANDSHAKE_TIMEOUT = 300;
const CLOSE_TIMEOUT = 1000;
const MAX_MESSAGE = 65536;

/** The servers each runtime's process runs (see test/adapters/server.mjs). */
const SERVERS = {
  main: {},
  strict: {
    path: '/ws',
    origins: ['http://allowed.example'],
    protocols: ['chat', 'superchat'],
    maxHeaderBytes: 1024,
    deny: 401,
    maxMessageSize: MAX_MESSAGE,
  },
  limited: { maxConnections: 2 },
  slow: { highWaterMark: HIGH_WATER_MARK, maxBufferedAmount: MAX_BUFFERED },
  async: { deny: 401, asyncUpgrade: true },
  handshake: { handshakeTimeout: HANDSHAKE_TIMEOUT },
  heartbeat: { heartbeat: HEARTBEAT, closeTimeout: CLOSE_TIMEOUT },
  broadcast: { role: 'broadcast' },
};
type ServerName = keyof typeof SERVERS;

let node: NodeAdapter;
beforeAll(async () => {
  node = await loadNodeAdapter();
});
afterAll(killChildren);

let tagCount = 0;
const newTag = (what: string): string => `${what}-${++tagCount}`;

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('wsframe/%s serve', (_, runtime) => {
  let server: ChildScript;
  let ports: Record<string, number>;
  const url = (name: ServerName, path = '/'): string => `ws://127.0.0.1:${ports[name]}${path}`;
  const raw = (name: ServerName): Promise<RawSocket> => RawSocket.connect(ports[name]!);

  /** Wait until `name` counts exactly `count` connections, asked through a fresh client (counted too). */
  async function settle(name: ServerName, count: number): Promise<void> {
    const probe = await openWs(url(name));
    let last = -1;
    try {
      await eventually(async () => (last = (await stats(probe)).connections) === count + 1, `${count} connections`);
    } catch (error) {
      throw new Error(`${(error as Error).message} (last count ${last - 1})`);
    } finally {
      await closeWs(probe);
    }
  }

  beforeAll(async () => {
    server = ChildScript.start(runtime, 'server.mjs', { WSFRAME_SERVERS: JSON.stringify(SERVERS) });
    ports = await server.ports();
  }, 90_000);
  afterAll(() => server?.kill());

  describe('opening handshake (RFC 6455 §4.2)', () => {
    it('answers with exactly 101, Upgrade, Connection and Sec-WebSocket-Accept, then speaks WebSocket', async () => {
      const socket = await raw('main');
      const head = await socket.handshake('/');
      expect(head).toBe(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Accept: ${ACCEPT}\r\n\r\n`,
      );
      socket.write(clientFrame(0x1, 'hi'));
      const [frame] = await socket.frameCount(1);
      expect(frame).toMatchObject({ fin: true, opcode: 0x1, masked: false });
      expect(frame!.payload.toString()).toBe('hi');
      socket.destroy();
    });

    it('selects the first subprotocol of the client it speaks, and none when it speaks none of them', async () => {
      const both = await raw('strict');
      expect(await both.handshake('/ws', { 'Sec-WebSocket-Protocol': 'superchat, chat' })).toContain(
        `Sec-WebSocket-Accept: ${ACCEPT}\r\nSec-WebSocket-Protocol: superchat\r\n`,
      );
      both.destroy();
      const other = await raw('strict');
      const head = await other.handshake('/ws', { 'Sec-WebSocket-Protocol': 'mqtt' });
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
      expect(head.toLowerCase()).not.toContain('sec-websocket-protocol');
      other.destroy();
      const client = await openWs(url('strict', '/ws'), ['mqtt', 'chat']);
      expect(client.ws.protocol).toBe('chat');
      await closeWs(client);
    });

    const refusals: [string, number, string, RegExp?][] = [
      ['a path other than `path`', 404, upgradeRequest('/elsewhere')],
      ['version 8', 426, upgradeRequest('/ws', { 'Sec-WebSocket-Version': '8' }), /\r\nSec-WebSocket-Version: 13\r\n/],
      ['a plain GET without Upgrade', 426, 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', /\r\nUpgrade: websocket\r\n/],
      ['a malformed request line', 400, 'GET /ws\r\nHost: 127.0.0.1\r\n\r\n'],
      ['a head larger than maxHeaderBytes', 431, upgradeRequest('/ws', { 'X-Filler': 'x'.repeat(2000) })],
      ['an Origin not allowed', 403, upgradeRequest('/ws', { Origin: 'http://evil.example' })],
      ['an upgrade hook that throws HandshakeError(401)', 401, upgradeRequest('/ws?deny=1')],
      ['an upgrade hook that throws a TypeError', 500, upgradeRequest('/ws?crash=1')],
      ['a POST', 405, upgradeRequest('/ws').replace(/^GET/, 'POST'), /\r\nAllow: GET\r\n/],
      ['HTTP/1.0', 400, upgradeRequest('/ws').replace('HTTP/1.1', 'HTTP/1.0')],
    ];
    it.each(refusals)('refuses %s with %i and closes the socket', async (_, status, request, header) => {
      const socket = await raw('strict');
      socket.write(request);
      await socket.serverEnd();
      expect(socket.http).toMatch(new RegExp(`^HTTP/1\\.1 ${status} [^\\r\\n]*\\r\\n`));
      expect(socket.http).toContain('\r\nConnection: close\r\n');
      if (header) expect(socket.http).toMatch(header);
      expect(socket.frames).toEqual([]);
      socket.destroy();
    });

    it('refuses a connection over maxConnections with 503 and accepts again once one is gone', async () => {
      const tag = newTag('limited');
      const first = await openWs(url('limited', `/?tag=${tag}`));
      const second = await openWs(url('limited'));
      const third = await raw('limited');
      third.write(upgradeRequest('/'));
      await third.serverEnd();
      expect(third.http).toMatch(/^HTTP\/1\.1 503 /);
      third.destroy();
      await closeWs(first);
      await server.event('close', tag);
      const again = await openWs(url('limited'));
      expect((await echo(again, 'again')).data).toBe('again');
      await Promise.all([closeWs(second), closeWs(again)]);
    });

    it('waits for an async upgrade hook, then reads the frames sent right behind the request head', async () => {
      const socket = await raw('async');
      socket.write(Buffer.concat([Buffer.from(upgradeRequest('/')), clientFrame(0x1, 'early')]));
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.write(clientFrame(0x1, 'later')); // while the hook is pending, on most runs
      expect(await socket.until(() => socket.head ?? undefined, 'the 101')).toMatch(/^HTTP\/1\.1 101 /);
      const frames = await socket.frameCount(2);
      expect(frames.map((f) => f.payload.toString())).toEqual(['early', 'later']);
      socket.destroy();
      const refused = await raw('async');
      refused.write(upgradeRequest('/?deny=1'));
      await refused.serverEnd();
      expect(refused.http).toMatch(/^HTTP\/1\.1 401 /);
      refused.destroy();
    });

    it(`drops a request head that is not complete after handshakeTimeout (${HANDSHAKE_TIMEOUT} ms)`, async () => {
      const socket = await raw('handshake');
      const started = Date.now();
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
      await socket.serverEnd(10_000);
      // The deadline runs on a coarse clock swept every handshakeTimeout / 4.
      expect(Date.now() - started).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT - HANDSHAKE_TIMEOUT / 4 - 10);
      expect(socket.http).toBe('');
      socket.destroy();
    });
  });

  describe('messages', () => {
    const SIZES = [0, 125, 126, 65535, 65536, MiB, 16 * MiB];

    it('echoes binary and text of 0 B to 16 MiB byte for byte (ws client)', async () => {
      const client = await openWs(url('main'));
      for (const size of SIZES) {
        const binary = binaryPayload(size, size);
        const back = await echo(client, binary);
        expect(back.isBinary).toBe(true);
        expect((back.data as Buffer).equals(binary), `binary ${size}`).toBe(true);
        const text = textPayload(size);
        const again = await echo(client, text);
        expect(again.isBinary).toBe(false);
        expect(again.data === text, `text ${size}`).toBe(true);
      }
      await closeWs(client);
    });

    it('echoes binary and text of 0 B to 1 MiB byte for byte (wsframe Node client)', async () => {
      const client = await openWsframe(node, url('main'));
      for (const size of [0, 1, 125, 126, 127, 65535, 65536, MiB]) {
        const binary = binaryPayload(size, size + 7);
        client.ws.send(binary);
        const back = await client.inbox.next(`binary ${size}`);
        expect(back.isBinary).toBe(true);
        expect(Buffer.from(back.data as Uint8Array).equals(binary), `binary ${size}`).toBe(true);
        const text = textPayload(size);
        client.ws.send(text);
        expect(await client.inbox.next(`text ${size}`)).toEqual({ data: text, isBinary: false });
      }
      client.ws.close();
      expect((await within(client.closed, 'close')).code).toBe(1000);
    });

    it('reassembles a message fragmented across writes, a ping between the fragments (RFC 6455 §5.4)', async () => {
      const socket = await raw('main');
      await socket.handshake('/');
      const parts = [
        clientFrame(0x1, 'frag', { fin: false }),
        clientFrame(0x9, 'p'),
        clientFrame(0x0, 'men', { fin: false }),
      ];
      for (const part of parts) socket.write(part);
      const last = clientFrame(0x0, 'ted ✓');
      socket.write(last.subarray(0, 3));
      socket.write(last.subarray(3));
      const [pong, message] = await socket.frameCount(2);
      expect(pong).toMatchObject({ opcode: 0xa, fin: true });
      expect(pong!.payload.toString()).toBe('p');
      expect(message).toMatchObject({ opcode: 0x1, fin: true });
      expect(message!.payload.toString()).toBe('fragmented ✓');
      socket.destroy();
    });

    it(`fails a message over maxMessageSize (${MAX_MESSAGE} B) with 1009 (RFC 6455 §7.4.1)`, async () => {
      const client = await openWs(url('strict', '/ws'));
      expect((await echo(client, binaryPayload(MAX_MESSAGE))).data).toHaveLength(MAX_MESSAGE);
      client.ws.send(binaryPayload(MAX_MESSAGE + 1));
      expect((await within(client.closed, 'the 1009')).code).toBe(1009);
    });

    it('answers a ping with a pong of the same payload (RFC 6455 §5.5.2)', async () => {
      const client = await openWs(url('main'));
      const payload = binaryPayload(125, 5);
      const pong = within(new Promise<Buffer>((resolve) => client.ws.once('pong', resolve)), 'the pong');
      client.ws.ping(payload);
      expect((await pong).equals(payload)).toBe(true);
      await closeWs(client);
    });

    it('echoes 64 small frames sent in one write, in order, in few reads (batched writes)', async () => {
      const socket = await raw('main');
      await socket.handshake('/');
      const before = socket.reads;
      const texts = Array.from({ length: 64 }, (_, i) => `m${i}`);
      socket.write(Buffer.concat(texts.map((t) => clientFrame(0x1, t))));
      const frames = await socket.frameCount(64);
      expect(frames.map((f) => f.payload.toString())).toEqual(texts);
      expect(frames.every((f) => f.opcode === 0x1 && f.fin)).toBe(true);
      // The 64 echoes (256 bytes) are written at once: one TCP segment on loopback, normally one read.
      expect(socket.reads - before).toBeLessThanOrEqual(4);
      socket.destroy();
    });

    it('serves 200 concurrent clients (100 ws, 100 wsframe), 5 echoes each', async () => {
      const one = async (i: number): Promise<void> => {
        const texts = [0, 1, 2, 3, 4].map((k) => `c${i}-${k}`);
        if (i % 2 === 0) {
          const client = await openWs(url('main'));
          for (const t of texts) client.ws.send(t);
          for (const t of texts) expect((await client.inbox.next(t)).data).toBe(t);
          expect((await closeWs(client)).code).toBe(1000);
          return;
        }
        const client = await openWsframe(node, url('main'));
        for (const t of texts) client.ws.send(t);
        for (const t of texts) expect((await client.inbox.next(t)).data).toBe(t);
        client.ws.close();
        expect((await within(client.closed, 'close')).code).toBe(1000);
      };
      await Promise.all(Array.from({ length: 200 }, (_, i) => one(i)));
      await settle('main', 0);
    });
  });

  describe('closing and failing', () => {
    it('echoes the close code of a client that closes with 4000 (RFC 6455 §5.5.1)', async () => {
      const tag = newTag('close4000');
      const client = await openWs(url('main', `/?tag=${tag}`));
      client.ws.close(4000, 'x');
      expect((await within(client.closed, 'close')).code).toBe(4000);
      expect(await server.event('close', tag)).toMatchObject({ code: 4000, reason: 'x' });
    });

    it('closes with 4001 when told to, and ends the TCP connection after the closing handshake (§7.1.1)', async () => {
      const client = await openWs(url('main'));
      client.ws.send('#close 4001 bye');
      expect(await within(client.closed, 'close')).toEqual({ code: 4001, reason: 'bye' });

      const socket = await raw('main');
      await socket.handshake('/');
      socket.write(clientFrame(0x1, '#close 4001 bye'));
      const [frame] = await socket.frameCount(1);
      expect(frame!.opcode).toBe(0x8);
      expect(frame!.payload.equals(closeBody(4001, 'bye'))).toBe(true);
      expect(socket.ended).toBe(false); // the server waits for our close frame
      socket.write(clientFrame(0x8, closeBody(4001)));
      await socket.serverEnd(); // and then closes first, without us ending our side
      expect(socket.frames).toHaveLength(1);
      socket.destroy();
    });

    it('survives a client that disconnects in the middle of a frame, and serves the next one', async () => {
      const tag = newTag('abrupt');
      const socket = await raw('main');
      await socket.handshake(`/?tag=${tag}`);
      const frame = clientFrame(0x2, binaryPayload(1000));
      socket.write(frame.subarray(0, 108));
      socket.destroy();
      expect(await server.event('close', tag)).toMatchObject({ code: 1006 });
      await settle('main', 0);
      const next = await openWs(url('main'));
      expect((await echo(next, 'next')).data).toBe('next');
      await closeWs(next);
    });

    const violations: [string, Buffer][] = [
      ['an unmasked client frame (§5.1)', clientFrame(0x1, 'hi', { mask: false })],
      ['a reserved opcode 0x3 (§5.2)', clientFrame(0x3, 'hi')],
    ];
    it.each(violations)('fails only the connection that sends %s with 1002', async (_, bad) => {
      const bystander = await openWs(url('main'));
      const tag = newTag('violation');
      const socket = await raw('main');
      await socket.handshake(`/?tag=${tag}`);
      socket.write(bad);
      const [frame] = await socket.frameCount(1);
      expect(frame!.opcode).toBe(0x8);
      expect(frame!.payload.readUInt16BE(0)).toBe(1002);
      await socket.serverEnd();
      expect(await server.event('close', tag)).toMatchObject({ code: 1002 });
      socket.destroy();
      expect((await echo(bystander, 'still here')).data).toBe('still here');
      await closeWs(bystander);
    });
  });

  describe('back-pressure', () => {
    it(`cuts off a reader that lets more than maxBufferedAmount pile up; memory stays bounded`, async () => {
      const other = await openWs(url('slow'));
      const before = await stats(other);
      const tag = newTag('flood');
      const reader = await raw('slow');
      reader.socket.pause(); // never reads again
      reader.write(upgradeRequest(`/flood?tag=${tag}`));
      const cut = server.event('close', tag);
      // Another client keeps being served while the flood runs.
      for (let i = 0; i < 20; i++) {
        expect((await echo(other, binaryPayload(1024, i))).data).toEqual(binaryPayload(1024, i));
      }
      const event = await cut;
      expect(event).toMatchObject({ code: 1006, reason: 'backpressure limit' });
      // The policy checks before each send: at most maxBufferedAmount plus one message is ever queued.
      expect(event.maxBuffered).toBeGreaterThan(MAX_BUFFERED);
      expect(event.maxBuffered).toBeLessThanOrEqual(MAX_BUFFERED + FLOOD_MESSAGE);
      const after = await stats(other);
      expect(after.tags[tag]).toBeUndefined();
      expect(after.rss - before.rss).toBeLessThan(64 * MiB);
      expect((await echo(other, 'after')).data).toBe('after');
      reader.socket.resume();
      await reader.serverEnd();
      reader.destroy();
      await closeWs(other);
    });

    const drainCase = 'fires drain for a sender that waits when send() is false (peer pauses: %s)';
    it.each([false, true])(drainCase, async (pause) => {
      const total = 8 * MiB;
      const tag = newTag('stream');
      const monitor = await openWs(url('slow'));
      const socket = await raw('slow');
      await socket.handshake(`/stream?bytes=${total}&tag=${tag}`);
      if (pause) {
        socket.socket.pause();
        // The sender must wait for the transport to drain, not only for its own queue.
        const queued = async (): Promise<number> => (await stats(monitor)).tags[tag]?.maxBuffered ?? 0;
        await eventually(async () => (await queued()) >= HIGH_WATER_MARK, 'a full queue');
        socket.socket.resume();
      }
      const done = await socket.until(() => socket.frames.find((f) => f.opcode === 0x1), `'done' after ${total} bytes`);
      expect(done.payload.toString()).toBe('done');
      const binary = socket.frames.filter((f) => f.opcode === 0x2);
      expect(binary.reduce((n, f) => n + f.payload.length, 0)).toBe(total);
      expect(socket.frames.at(-1)).toBe(done);
      // A sender that heeds send() queues at most one message beyond highWaterMark.
      expect((await stats(monitor)).tags[tag]!.maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + FLOOD_MESSAGE);
      socket.destroy();
      await server.event('close', tag);
      await closeWs(monitor);
    });

    it('stops reading from a peer that does not read its echoes, and resumes when it does', async () => {
      const tag = newTag('pause');
      const monitor = await openWs(url('slow'));
      const socket = await raw('slow');
      await socket.handshake(`/?tag=${tag}`);
      socket.socket.pause();
      // 24 MiB of echoes: more than the loopback socket buffers of both sides hold, so the server must wait.
      const count = 6144;
      const frames = Array.from({ length: count }, (_, i) => {
        const payload = Buffer.alloc(4096, i & 0xff);
        payload.writeUInt32BE(i, 0);
        return clientFrame(0x2, payload);
      });
      socket.write(Buffer.concat(frames));
      // Wait until the server reached highWaterMark and then stood still (its queue unchanged over three
      // looks 100 ms apart): it stopped reading. A server that kept reading would queue most of the 24 MiB.
      let last = -1;
      let still = 0;
      await eventually(
        async () => {
          const now = (await stats(monitor)).tags[tag]!;
          still = now.maxBuffered >= HIGH_WATER_MARK && now.bufferedAmount === last ? still + 1 : 0;
          last = now.bufferedAmount;
          return still >= 2;
        },
        'the server to stop reading from the peer',
        WAIT,
        100,
      );
      socket.socket.resume();
      const echoes = await socket.frameCount(count);
      for (let i = 0; i < count; i++) {
        const f = echoes[i]!;
        const p = f.payload;
        if (f.opcode !== 0x2 || p.length !== 4096 || p.readUInt32BE(0) !== i || p[4095] !== (i & 0xff)) {
          throw new Error(`echo ${i} is wrong: opcode ${f.opcode}, ${p.length} bytes, index ${p.readUInt32BE(0)}`);
        }
      }
      // Reading stopped at highWaterMark: the echoes of one read (≤ 256 KiB on Deno) are all it overshoots by.
      const seen = (await stats(monitor)).tags[tag]!.maxBuffered;
      expect(seen).toBeGreaterThanOrEqual(HIGH_WATER_MARK);
      expect(seen).toBeLessThan(HIGH_WATER_MARK + 512 * 1024);
      socket.destroy();
      await server.event('close', tag);
      await closeWs(monitor);
    });
  });

  describe('timers', () => {
    it(`pings an idle peer, drops one that does not answer after interval + timeout; pongs keep one`, async () => {
      const alive = await openWs(url('heartbeat'));
      let pinged = 0;
      const wsframe = await openWsframe(node, url('heartbeat'), { ping: () => pinged++ });
      const tag = newTag('silent');
      const silent = await raw('heartbeat');
      await silent.handshake(`/?tag=${tag}`);
      const started = Date.now();
      const [ping] = await silent.frameCount(1);
      expect(ping!.opcode).toBe(0x9);
      expect(await server.event('close', tag)).toMatchObject({ code: 1006, reason: 'heartbeat timeout' });
      await silent.serverEnd();
      // Dropped no earlier than the ping's timeout (the deadline clock is swept every interval / 4).
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEARTBEAT.timeout);
      expect(alive.pings.length).toBeGreaterThanOrEqual(1);
      expect(alive.ws.readyState).toBe(alive.ws.OPEN);
      expect((await echo(alive, 'alive')).data).toBe('alive');
      expect(pinged).toBeGreaterThanOrEqual(1); // and the wsframe client's automatic pongs keep it too
      wsframe.ws.send('also alive');
      expect((await wsframe.inbox.next('the echo')).data).toBe('also alive');
      wsframe.ws.close();
      await within(wsframe.closed, 'close');
      silent.destroy();
      await closeWs(alive);
    });
  });

  describe('closing handshake deadline', () => {
    it(`drops a peer that does not answer our close frame after closeTimeout (${CLOSE_TIMEOUT} ms)`, async () => {
      const tag = newTag('mute');
      const socket = await raw('heartbeat');
      await socket.handshake(`/?tag=${tag}`);
      socket.write(clientFrame(0x1, '#close 4001 bye'));
      const started = Date.now();
      await socket.until(() => socket.frames.find((f) => f.opcode === 0x8), 'the close frame');
      expect(await server.event('close', tag)).toMatchObject({ code: 1006, reason: 'close timeout' });
      await socket.serverEnd();
      expect(Date.now() - started).toBeGreaterThanOrEqual(CLOSE_TIMEOUT - CLOSE_TIMEOUT / 4 - 10);
      socket.destroy();
    });
  });

  describe('broadcast', () => {
    it('delivers each broadcast once to every client, in order', async () => {
      const clients: WsClient[] = [];
      for (let i = 0; i < 5; i++) clients.push(await openWs(url('broadcast')));
      const sent: [number, string | Buffer][] = [
        [0, 'b1'],
        [3, 'b2'],
        [1, binaryPayload(3000, 9)],
        [0, ''],
        [2, 'end'],
      ];
      for (const [sender, data] of sent) {
        clients[sender]!.ws.send(data);
        // Each is received by all before the next is sent, so a duplicate would show up in its place.
        const got = await Promise.all(clients.map((c) => c.inbox.next(`broadcast ${data.length}`)));
        for (const g of got) {
          expect(g.isBinary).toBe(typeof data !== 'string');
          expect(typeof data === 'string' ? g.data === data : (g.data as Buffer).equals(data)).toBe(true);
        }
      }
      for (const c of clients) expect(c.inbox.length).toBe(0);
      await Promise.all(clients.map((c) => closeWs(c)));
    });
  });

  describe('shutdown', () => {
    it('server.close() sends 1001 to every client, and the process exits by itself', async () => {
      const clients = await Promise.all([
        openWs(url('main')),
        openWs(url('slow')),
        openWs(url('heartbeat')),
        openWs(url('broadcast')),
      ]);
      const wsframe = await openWsframe(node, url('main'));
      // A peer that never answers the 1001: dropped after closeTimeout, and the process still exits.
      const mute = await raw('heartbeat');
      await mute.handshake('/');
      await eventually(async () => (await stats(clients[0]!)).connections === 2, 'the wsframe client to connect');
      clients[0]!.ws.send('#shutdown');
      const closes = await Promise.all(clients.map((c) => within(c.closed, 'the 1001')));
      expect(closes.map((c) => c.code)).toEqual([1001, 1001, 1001, 1001]);
      expect((await within(wsframe.closed, 'the wsframe client to see 1001')).code).toBe(1001);
      await mute.serverEnd();
      expect(mute.frames.find((f) => f.opcode === 0x8)?.payload.readUInt16BE(0)).toBe(1001);
      mute.destroy();
      await server.event('shutdown');
      expect(await within(server.exited, 'the server process to exit')).toBe(0);
    });
  });
});

describe('wsframe/node write batching (in process, counting socket writes)', () => {
  it('writes the echoes of one incoming chunk, and the sends of one synchronous turn, at once', async () => {
    const wss = await node.serve({
      message(ws, data) {
        if (data === 'burst') setTimeout(() => Array.from({ length: 100 }, (_, i) => ws.send(`b${i}`)), 0);
        else ws.send(data);
      },
    });
    const counts = { reads: 0, writes: 0 };
    // Hand the server sockets ourselves, so that we see each read and each write it makes.
    const listener = createNetServer((socket: Socket) => {
      socket.on('data', () => counts.reads++);
      const write = socket.write;
      socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
        counts.writes++;
        return write.apply(this, args);
      } as Socket['write'];
      wss.handleSocket(socket);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const socket = await RawSocket.connect((listener.address() as { port: number }).port);
      await socket.handshake('/');
      counts.reads = counts.writes = 0;
      const texts = Array.from({ length: 64 }, (_, i) => `m${i}`);
      socket.write(Buffer.concat(texts.map((t) => clientFrame(0x1, t))));
      expect((await socket.frameCount(64)).map((f) => f.payload.toString())).toEqual(texts);
      expect(counts.writes).toBeGreaterThanOrEqual(1);
      expect(counts.writes).toBeLessThanOrEqual(counts.reads);
      counts.reads = counts.writes = 0;
      socket.write(clientFrame(0x1, 'burst'));
      const burst = (await socket.frameCount(164)).slice(64);
      expect(burst.map((f) => f.payload.toString())).toEqual(Array.from({ length: 100 }, (_, i) => `b${i}`));
      expect(counts.writes).toBe(1);
      socket.destroy();
    } finally {
      await within(wss.close(1001, '', 1000), 'wss.close()');
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

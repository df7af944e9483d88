/**
 * One server per core. Deno and Bun: two processes `serve({ reusePort: true })` on one port and the kernel spreads
 * connections over both. Node 20 (no reusePort): examples/chat/server.mjs with WORKERS=2 runs a node:cluster, and a broadcast
 * made in one worker reaches the connections held by the other through `clusterPubSub()` /
 * `relayClusterBroadcasts()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromRoot } from '../autobahn/paths.js';

interface Ws {
  data: unknown;
  send(data: string): boolean;
  close(): void;
}
type Connect = (url: string, options: object) => Promise<Ws>;

let server: ChildProcess;
let port = 0;
let connect: Connect;

beforeAll(async () => {
  ({ connect } = (await import(pathToFileURL(fromRoot('dist', 'node.js')).href)) as { connect: Connect });
  // Port 0 cannot be shared by cluster workers portably: pick a free port first.
  port = await freePort();
  server = spawn(process.execPath, [fromRoot('examples', 'chat', 'server.mjs')], {
    env: { ...process.env, WORKERS: '2', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('2 workers')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`chat server exited with ${code}`)));
  });
}, 30_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

it('a broadcast from one worker reaches the connections of the other (node:cluster, clusterPubSub)', async () => {
  const received = new Map<number, string[]>();
  const welcomed: Promise<void>[] = [];
  const clients: Ws[] = [];
  // Round-robin hands connections to the workers in turn; open enough to be sure both have some.
  for (let i = 0; i < 8; i++) {
    let welcome!: () => void;
    welcomed.push(new Promise((resolve) => (welcome = resolve)));
    received.set(i, []);
    clients.push(
      await connect(`ws://127.0.0.1:${port}/chat`, {
        message(ws: Ws, data: string) {
          const m = JSON.parse(data) as { system?: string; text?: string };
          if (m.system) {
            ws.data = /worker (\d+)/.exec(m.system)![1];
            welcome();
          } else received.get(i)!.push(m.text!);
        },
      }),
    );
  }
  await Promise.all(welcomed);
  const workers = new Set(clients.map((c) => c.data));
  expect(workers.size).toBe(2);
  clients[0]!.send(JSON.stringify({ text: 'hello from one worker' }));
  const deadline = Date.now() + 10_000;
  while ([...received.values()].some((texts) => texts.length === 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const texts of received.values()) expect(texts).toEqual(['hello from one worker']);
  for (const c of clients) c.close();
}, 30_000);

async function freePort(): Promise<number> {
  const probe = (await import('node:net')).createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

it.each([
  ['deno', fromRoot('node_modules', '.bin', 'deno'), ['run', '-A', '--unstable-net']],
  ['bun', fromRoot('node_modules', '.bin', 'bun'), []],
])(
  '%s: two processes share one port with reusePort, and both get connections',
  async (runtime, bin, flags) => {
    const shared = await freePort();
    const children = [0, 1].map(() =>
      spawn(bin, [...flags, fromRoot('test', 'adapters', 'reuseport.mjs'), runtime, String(shared)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    try {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve, reject) => {
              child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('LISTENING') && resolve());
              child.once('exit', (code) => reject(new Error(`${runtime} server exited with ${code}`)));
            }),
        ),
      );
      const pids = new Set<string>();
      // The kernel hashes each connection's address and port to a listener; 40 connections miss one of two
      // listeners with probability 2^-39.
      for (let i = 0; i < 40 && pids.size < 2; i++) {
        await new Promise<void>((resolve, reject) => {
          connect(`ws://127.0.0.1:${shared}/`, {
            message(ws: Ws, data: string) {
              pids.add(data);
              ws.close();
              resolve();
            },
          }).catch(reject);
        });
      }
      expect(pids.size).toBe(2);
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  },
  30_000,
);

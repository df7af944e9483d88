/**
 * What keeps a process alive, the same on Node, Deno and Bun (test/adapters/lifetime.mjs under each): not the
 * adapter's own timer (a closed server and client let the process exit at once), but an open connection, also
 * while its reading is paused (as a paused node:net socket does).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ChildScript, RUNTIMES, killChildren, within } from './helpers.js';

afterAll(killChildren);

/** Long enough that a process nothing keeps alive would have exited well before it, even on a loaded machine. */
const PAUSE_MS = 1500;

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('wsframe/%s process lifetime', (_, runtime) => {
  it('exits once its server and client are closed', async () => {
    const script = ChildScript.start(runtime, 'lifetime.mjs', { WSFRAME_MODE: 'closed' });
    await script.line((l) => l === 'DONE', 'DONE');
    const done = Date.now();
    // A ref'd timer would hold the process for good; startup-level slack only.
    expect(await within(script.exited, 'exit after DONE', 5000)).toBe(0);
    expect(Date.now() - done).toBeLessThan(5000);
  });

  it('stays alive while a paused connection is open', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    try {
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const { port } = server.address() as { port: number };
      const connected = new Promise<import('ws').WebSocket>((resolve) => server.once('connection', resolve));
      const script = ChildScript.start(runtime, 'lifetime.mjs', {
        WSFRAME_MODE: 'paused',
        WSFRAME_URL: `ws://127.0.0.1:${port}/`,
        WSFRAME_PAUSE_MS: String(PAUSE_MS),
      });
      await script.line((l) => l === 'PAUSED', 'PAUSED');
      // Sent while the client is paused: it reads this only after RESUMED.
      (await within(connected, 'the connection')).send('after the pause');
      expect(await within(script.exited, 'exit after the close', 20_000)).toBe(0);
      expect(script.lines).toEqual(['PAUSED', 'RESUMED', 'MESSAGE after the pause']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/**
 * wsframe/node in this process: what the cross-runtime suite (server.test.ts) cannot express through a
 * JSON-configured server — user code that throws during the handshake.
 */
import { connect as tcp } from 'node:net';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { fromRoot } from '../autobahn/paths.js';

interface Server {
  port: number;
  close(): Promise<void>;
}
type Serve = (options: object) => Promise<Server>;

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const request = (origin: string): string =>
  `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\n` +
  `Sec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`;

/** The first line the server answers `head` with. */
function statusLine(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcp({ host: '127.0.0.1', port }, () => socket.write(head));
    let out = '';
    socket.on('data', (d: Buffer) => {
      out += d.toString('latin1');
      if (out.includes('\r\n')) {
        resolve(out.slice(0, out.indexOf('\r\n')));
        socket.destroy();
      }
    });
    socket.on('error', reject);
  });
}

it('an origins predicate that throws refuses that request with 500, reports it, and the server goes on', async () => {
  const { serve } = (await import(pathToFileURL(fromRoot('dist', 'node.js')).href)) as { serve: Serve };
  const errors: unknown[] = [];
  const server = await serve({
    origins: (origin: string | undefined) => {
      if (origin === 'http://bad') throw new Error('predicate bug');
      return true;
    },
    error: (_ws: unknown, error: unknown) => errors.push(error),
  });
  try {
    expect(await statusLine(server.port, request('http://bad'))).toBe('HTTP/1.1 500 Internal Server Error');
    expect(errors).toEqual([new Error('predicate bug')]);
    expect(await statusLine(server.port, request('http://good'))).toBe('HTTP/1.1 101 Switching Protocols');
  } finally {
    await server.close();
  }
});

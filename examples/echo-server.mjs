// A WebSocket echo server: node:http does the HTTP, wsframe does the rest.
//
//   npm start                      # builds, then listens on http://127.0.0.1:8080/ (PORT=… to change)
//
// Open that address in a browser: the page's native WebSocket talks to this server. Other clients:
// `node examples/client.mjs ws://127.0.0.1:8080/ hello`. Importable too: `startEchoServer({ port: 0 })`.
// `ws://…/?close=4001` makes the server close at once with that code (to try close codes from the client side).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Connection, buildRejectResponse, buildUpgradeResponse, checkUpgradeRequest, isValidCloseCode } from '../dist/index.js';

const page = readFileSync(new URL('./echo-page.html', import.meta.url));

/**
 * Start an echo server on `host:port` (port 0 = any free port). Every text/binary message comes back unchanged;
 * pings get pongs and closes get answered by the Connection itself. Resolves to `{ port, close() }`.
 * `backend`: 'auto' | 'wasm' | 'js'. `origins`: allowed browser origins (default: this server's own).
 * `heartbeat`: `{ interval, timeout }` in ms (default: ping after 30 s of silence, give up 10 s later).
 */
export async function startEchoServer({ port = 8080, host = '127.0.0.1', backend = 'auto', origins, heartbeat: beat, onError } = {}) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    if (req.headers.upgrade !== undefined) {
      // An attempted upgrade that node:http did not route to 'upgrade' (e.g. no "Connection: upgrade").
      const result = checkUpgradeRequest(req);
      const rejection = result.ok ? { status: 400, reason: 'Connection header must contain "upgrade"', headers: {} } : result;
      res.writeHead(rejection.status, { ...rejection.headers, 'Content-Type': 'text/plain' }).end(`${rejection.reason}\n`);
    } else if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
    } else {
      res.writeHead(404).end();
    }
  });

  server.on('upgrade', (req, socket, head) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const { port: actual } = server.address();
    const result = checkUpgradeRequest(req, {
      origins: origins ?? [`http://${host}:${actual}`, `http://localhost:${actual}`],
      maxHeaderBytes: 8192,
    });
    if (!result.ok) return socket.end(buildRejectResponse(result)); // never reaches the codec
    socket.setNoDelay(true);
    socket.write(buildUpgradeResponse(result));

    // The Connection does the heartbeat's arithmetic (when to ping, when the peer is dead); the timer is ours.
    const heartbeat = beat ?? { interval: 30_000, timeout: 10_000 };
    const connection = new Connection({ role: 'server', backend, heartbeat, now: Date.now() });
    let timer;
    const tick = () => {
      if (connection.tick(Date.now()) === 'dead') return socket.destroy();
      flush();
      if (connection.state === 'OPEN') timer = setTimeout(tick, Math.max(0, connection.nextTick() - Date.now()));
    };
    const flush = () => {
      for (const bytes of connection.bytesToSend()) {
        if (!socket.write(bytes)) socket.pause(); // back-pressure: stop reading until the peer catches up
      }
      if (connection.state === 'CLOSED') socket.end(); // the server closes TCP first (RFC 6455 §7.1.1)
    };
    const onData = (chunk) => {
      for (const event of connection.receive(chunk, Date.now())) {
        if (event.type === 'text' || event.type === 'binary') connection.send(event.data);
        else if (event.type === 'error') onError?.(event.error);
      }
      flush();
    };
    socket.on('drain', () => socket.resume());
    socket.on('close', () => clearTimeout(timer));
    socket.on('data', onData);
    socket.on('end', () => {
      connection.receiveEof();
      socket.end();
    });
    if (head.length > 0) onData(head);
    tick();
    const closeWith = Number(new URL(req.url, 'http://localhost').searchParams.get('close'));
    if (isValidCloseCode(closeWith)) {
      connection.close(closeWith, 'closed by the server');
      flush();
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: server.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { port } = await startEchoServer({ port: Number(process.env.PORT ?? 8080), backend: process.env.WSFRAME_BACKEND ?? 'auto' });
  console.log(`wsframe echo server on http://127.0.0.1:${port}/ (Ctrl-C to stop)`);
}

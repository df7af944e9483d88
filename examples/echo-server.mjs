// A WebSocket echo server on the Node adapter (wsframe/node): node:http serves the page, wsframe the WebSockets.
//
//   npm start                      # builds, then listens on http://127.0.0.1:8080/ (PORT=… HOST=… to change)
//
// Open that address in a browser: the page's native WebSocket talks to this server. Other clients:
// `node examples/client.mjs ws://127.0.0.1:8080/ hello`. Importable too: `startEchoServer({ port: 0 })`.
// `ws://…/?close=4001` makes the server close at once with that code (to try close codes from the client side).
// permessage-deflate is accepted when a client offers it (browsers do); WSFRAME_DEFLATE=0 turns it off.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { checkUpgradeRequest, isValidCloseCode } from '../dist/index.js';
import { deflate } from '../dist/deflate.js';
import { attach } from '../dist/node.js';

const page = readFileSync(new URL('./echo-page.html', import.meta.url));

/**
 * Start an echo server on `host:port` (port 0 = any free port). Every text/binary message comes back unchanged;
 * pings get pongs and closes get answered by the adapter. Resolves to `{ port, close() }`; `close()` sends 1001
 * to every client and waits for their close handshakes.
 * `backend`: 'auto' | 'wasm' | 'js'. `origins`: allowed browser origins (default: this server's own).
 * `heartbeat`: `{ interval, timeout }` in ms (default: ping after 30 s of silence, give up 10 s later).
 * `onError(error)`: called with each protocol error a client commits (the adapter has already answered it).
 * `perMessageDeflate`: true (accept the extension with its defaults), false, or deflate options
 * (`{ serverNoContextTakeover, serverMaxWindowBits, threshold, … }`); default true unless WSFRAME_DEFLATE=0.
 */
export async function startEchoServer({
  port = 8080,
  host = '127.0.0.1',
  backend = 'auto',
  origins,
  heartbeat,
  onError,
  perMessageDeflate = !['0', 'false'].includes(process.env.WSFRAME_DEFLATE ?? ''),
} = {}) {
  const http = createServer((req, res) => {
    if (req.headers.upgrade !== undefined) {
      // An attempted upgrade that node:http did not route to 'upgrade' (e.g. no "Connection: upgrade").
      const result = checkUpgradeRequest(req);
      const rejection = result.ok
        ? { status: 400, reason: 'Connection header must contain "upgrade"', headers: {} }
        : result;
      res
        .writeHead(rejection.status, { ...rejection.headers, 'Content-Type': 'text/plain' })
        .end(`${rejection.reason}\n`);
    } else if (req.method === 'GET' && req.url === '/')
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end();
  });
  const server = attach(http, {
    backend,
    perMessageDeflate: perMessageDeflate === false ? undefined : deflate(perMessageDeflate),
    heartbeat,
    maxHeaderBytes: 8192,
    origins: origins ?? ((origin) => origin === undefined || allowedOrigins().includes(origin.toLowerCase())),
    // The text is echoed as the bytes it arrived as: no string round trip (they were validated as UTF-8).
    textAs: 'bytes',
    open(ws) {
      const closeWith = Number(new URL(ws.url, 'http://localhost').searchParams.get('close'));
      if (isValidCloseCode(closeWith)) ws.close(closeWith, 'closed by the server');
    },
    message(ws, data, isBinary) {
      ws.send(data, isBinary);
    },
    error(_ws, error) {
      onError?.(error);
    },
  });
  const allowedOrigins = () => [`http://${host}:${server.port}`, `http://localhost:${server.port}`];

  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  return {
    port: http.address().port,
    close: async () => {
      const stopped = new Promise((resolve) => http.close(resolve));
      await server.close();
      http.closeAllConnections();
      await stopped;
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  try {
    await startEchoServer({ port, host, backend: process.env.WSFRAME_BACKEND ?? 'auto' });
  } catch (error) {
    if (error?.code !== 'EADDRINUSE') throw error;
    console.error(`Port ${port} on ${host} is in use: start with PORT=<another port> npm start`);
    process.exit(1);
  }
  console.log(`wsframe echo server on http://${host}:${port}/ (Ctrl-C to stop)`);
}

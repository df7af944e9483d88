// A WebSocket client on a plain TCP socket: node:net moves bytes, wsframe's Connection does the handshake and
// the framing.
//
//   node examples/client.mjs ws://127.0.0.1:8080/ hello 'κόσμε'   # sends each word, prints the echoes, closes
//
// Importable: `connect(url, { onEvent })` returns `{ send, close, closed }`; pass `perMessageDeflate: deflate()`
// (from wsframe/deflate, here ../dist/deflate.js) to offer compression.
import { connect as tcp } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Connection } from '../dist/index.js';

/**
 * Open a WebSocket to a `ws://` URL. `onEvent(event, client)` sees every Connection event ('open', 'text',
 * 'binary', 'ping', 'pong', 'close', 'error'). `closed` resolves to `{ code, reason }` once TCP is gone.
 */
export function connect(url, { protocols, backend = 'auto', perMessageDeflate, onEvent = () => {} } = {}) {
  const { protocol, hostname, port, host, pathname, search } = new URL(url);
  if (protocol !== 'ws:') throw new Error('this example speaks ws:// only');
  const connection = new Connection({
    role: 'client',
    backend,
    handshake: { host, path: pathname + search, protocols, perMessageDeflate },
  });
  const socket = tcp({ host: hostname, port: Number(port || 80) });
  socket.setNoDelay(true);

  let outcome = { code: 1006, reason: '' };
  let handling = false; // replies sent from onEvent go out together, before a close that came with the events
  const flush = () => {
    for (const bytes of connection.bytesToSend()) socket.write(bytes);
    if (connection.state === 'CLOSED') socket.end(); // may close TCP once both close frames are through (§7.1.1)
  };
  const handle = (events) => {
    handling = true;
    try {
      for (const event of events) {
        if (event.type === 'close') outcome = { code: event.code, reason: event.reason };
        if (event.type === 'error') outcome = { code: event.error.closeCode ?? 1006, reason: event.error.message };
        onEvent(event, client);
      }
    } finally {
      handling = false;
    }
    flush();
  };
  const client = {
    connection,
    send(data) {
      const sent = connection.send(data);
      if (!handling) flush();
      return sent;
    },
    ping(data) {
      const sent = connection.ping(data);
      if (!handling) flush();
      return sent;
    },
    close(code = 1000, reason = '') {
      connection.close(code, reason);
      if (!handling) flush();
    },
    closed: new Promise((resolve) => socket.on('close', () => resolve(outcome))),
  };
  socket.on('connect', flush); // the upgrade request is already queued
  socket.on('data', (chunk) => handle(connection.receive(chunk)));
  socket.on('end', () => handle(connection.receiveEof()));
  socket.on('error', (error) => {
    outcome = { code: 1006, reason: error.message };
  });
  return client;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [url = 'ws://127.0.0.1:8080/', ...words] = process.argv.slice(2);
  const messages = words.length > 0 ? words : ['hello from wsframe'];
  let echoed = 0;
  const client = connect(url, {
    onEvent(event, c) {
      if (event.type === 'open') for (const m of messages) c.send(m);
      else if (event.type === 'text' || event.type === 'binary') {
        console.log(`echo: ${event.data}`);
        if (++echoed === messages.length) c.close(1000, 'done');
      } else if (event.type === 'error') console.error(`error: ${event.error.message}`);
    },
  });
  const { code, reason } = await client.closed;
  console.log(`closed: ${code} ${reason}`);
}

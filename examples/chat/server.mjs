// A chat room: every message a browser sends is broadcast — encoded once — to everyone in the room.
//
//   npm run build && node examples/chat/server.mjs          # http://127.0.0.1:8080/ (PORT=…, HOST=…)
//   WORKERS=2 node examples/chat/server.mjs                  # one server per core (node:cluster)
//
// With WORKERS, node:cluster's primary hands connections to the workers, and each worker's broadcasts reach the
// others' connections through `clusterPubSub()` (IPC through the primary). Across machines, plug in Redis or NATS
// instead: a `pubsub` is `{ publish(message), subscribe(listener) }` (see the README).
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { attach, clusterPubSub, relayClusterBroadcasts } from '../../dist/node.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const workers = Number(process.env.WORKERS ?? 0);

if (workers > 0 && cluster.isPrimary) {
  relayClusterBroadcasts();
  for (let i = 0; i < workers; i++) cluster.fork();
  let ready = 0;
  cluster.on('listening', () => {
    if (++ready === workers) console.log(`wsframe chat on http://${host}:${port}/ (${workers} workers)`);
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
  });
} else {
  const page = readFileSync(new URL('./chat.html', import.meta.url));
  const http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/')
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
    else res.writeHead(404).end();
  });
  const room = attach(http, {
    path: '/chat',
    pubsub: workers > 0 ? clusterPubSub() : undefined,
    maxMessageSize: 4096,
    open(ws) {
      ws.send(JSON.stringify({ system: `welcome; ${room.connections.size} here (worker ${process.pid})` }));
    },
    message(ws, data, isBinary) {
      if (isBinary) return ws.close(1003, 'text only');
      let text;
      try {
        ({ text } = JSON.parse(data));
      } catch {
        return ws.close(1007, 'expected JSON');
      }
      if (typeof text !== 'string') return ws.close(1008, 'expected { text }');
      room.broadcast(JSON.stringify({ from: `${ws.remoteAddress}:${ws.remotePort}`, text }));
    },
  });
  http.listen(port, host, () => {
    if (workers === 0) console.log(`wsframe chat on http://${host}:${http.address().port}/`);
  });
  process.on('SIGTERM', async () => {
    http.close();
    await room.close(1001, 'server restarting');
    process.exit(0);
  });
}

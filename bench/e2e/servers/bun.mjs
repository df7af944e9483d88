// Bun.serve with its native WebSocket (uWebSockets) (contract: bench/e2e/run.mjs). uWS answers pings itself;
// /broadcast uses Bun's pub/sub: server.publish reaches every subscriber, the sender included. With
// DEFLATE_THRESHOLD (compressed cases): permessage-deflate with a dedicated compressor and decompressor per
// connection — context takeover both ways, window 15, as ws and wsframe agree to; Bun's `perMessageDeflate:
// true` is uWS's shared compressor, which answers no context takeover both ways — and every echo sent with
// `compress` set (Bun has no threshold).
import { collectOnRequest, listening } from './hooks.mjs';

const MiB = 1 << 20;
const compress = process.env.DEFLATE_THRESHOLD !== undefined;
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  fetch(request, srv) {
    const room = new URL(request.url).pathname === '/broadcast';
    return srv.upgrade(request, { data: { room } }) ? undefined : new Response('WebSocket only', { status: 426 });
  },
  websocket: {
    perMessageDeflate: compress ? { compress: 'dedicated', decompress: 'dedicated' } : false,
    // Bun drops sends beyond its backpressure limit (16 MiB by default); the 1 MiB case keeps up to 2 MiB in
    // flight per connection, so the default would do, but an echo server must never drop.
    backpressureLimit: 64 * MiB,
    maxPayloadLength: 64 * MiB,
    open(socket) {
      if (socket.data.room) socket.subscribe('room');
    },
    message(socket, message) {
      if (socket.data.room) server.publish('room', message, compress);
      else socket.send(message, compress);
    },
  },
});
listening(server.port);
collectOnRequest(() => Bun.gc(true));

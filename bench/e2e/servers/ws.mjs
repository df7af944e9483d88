// `ws` with bufferutil on Node: the reference server of the e2e bench (contract: bench/e2e/run.mjs).
// ws answers pings with pongs itself (autoPong); /broadcast loops over its clients, as ws's README does. With
// DEFLATE_THRESHOLD (compressed cases): permessage-deflate with ws's defaults (takeover both ways, windows 15,
// zlib's default level) and that threshold — which ws 8 applies only without context takeover on its side
// (lib/sender.js): with takeover it compresses every message.
import WebSocket, { WebSocketServer } from 'ws';
import { collectOnRequest, listening } from './hooks.mjs';

const room = new Set();
const port = Number(process.env.PORT ?? 0);
const threshold = process.env.DEFLATE_THRESHOLD;
const perMessageDeflate = threshold === undefined ? false : { threshold: Number(threshold) };
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate });
server.on('connection', (socket, request) => {
  socket.on('error', () => {});
  if (request.url !== '/broadcast') {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    return;
  }
  room.add(socket);
  socket.on('close', () => room.delete(socket));
  socket.on('message', (data, isBinary) => {
    for (const peer of room) if (peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
  });
});
server.on('listening', () => listening(server.address().port));
collectOnRequest();

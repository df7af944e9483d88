// `ws` with bufferutil on Node: the reference server of the e2e bench (contract: bench/e2e/run.mjs).
// ws answers pings with pongs itself (autoPong); /broadcast loops over its clients, as ws's README does.
import WebSocket, { WebSocketServer } from 'ws';
import { collectOnRequest, listening } from './hooks.mjs';

const room = new Set();
const port = Number(process.env.PORT ?? 0);
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
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

// A raw TCP echo on Node: no WebSocket at all, the ceiling of what the load generator and loopback carry
// (contract: bench/e2e/run.mjs). It answers the opening handshake with a fixed 101 (accept key per RFC 6455
// §4.2.2) and then pipes bytes: the client gets its own masked frames back, which the load generator expects
// for servers listed with `raw: true`. /broadcast writes every chunk it reads to every /broadcast connection,
// which reproduces the sender's frames exactly as long as there is one sender (as in the broadcast case).
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { collectOnRequest, listening } from './hooks.mjs';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3
const room = new Set();

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  let head = Buffer.alloc(0);
  const onHead = (chunk) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return head.length > 16384 ? socket.destroy() : undefined;
    socket.off('data', onHead);
    const request = head.subarray(0, end).toString('latin1');
    const path = request.split(' ', 2)[1];
    const key = /^sec-websocket-key:[ \t]*(\S+)/im.exec(request)?.[1] ?? '';
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const rest = head.subarray(end + 4);
    if (path === '/broadcast') {
      room.add(socket);
      socket.on('close', () => room.delete(socket));
      const fanOut = (bytes) => {
        for (const peer of room) peer.write(bytes);
      };
      if (rest.length > 0) fanOut(rest);
      socket.on('data', fanOut);
    } else {
      if (rest.length > 0) socket.write(rest);
      socket.pipe(socket);
    }
  };
  socket.on('data', onHead);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => listening(server.address().port));
collectOnRequest();

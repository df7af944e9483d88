/**
 * Deliberately broken echo servers, to show that the driver catches what Autobahn catches. Each is the wsframe
 * echo server with one fault: no pongs, no UTF-8 validation, TCP left open after the closing handshake, a
 * 1005 put on the wire, or permessage-deflate declined (none of them accepts it; this one has no other fault).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Connection } from '../../src/index.js';

export type Fault = 'no-pong' | 'no-utf8-validation' | 'keeps-tcp-open' | 'sends-1005' | 'no-deflate';

export async function startMutant(fault: Fault): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection = new Connection({
      role: 'server',
      autoPong: fault !== 'no-pong',
      validateUtf8: fault !== 'no-utf8-validation',
    });
    const onData = (chunk: Uint8Array): void => {
      let rawClose = false;
      for (const event of connection.receive(chunk)) {
        if (event.type === 'text' || event.type === 'binary') connection.send(event.data);
        if (event.type === 'close' && event.code === 1005 && fault === 'sends-1005') rawClose = true;
      }
      const out = connection.bytesToSend();
      if (rawClose)
        socket.write(Uint8Array.of(0x88, 0x02, 0x03, 0xed)); // "echo" 1005 — never allowed on the wire
      else for (const bytes of out) socket.write(bytes);
      if (connection.state === 'CLOSED' && fault !== 'keeps-tcp-open') socket.end();
    };
    socket.on('data', onData);
    if (head.length > 0) onData(head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

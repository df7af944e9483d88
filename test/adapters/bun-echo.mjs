// An echo server on Bun.serve's websocket handler (Bun's own WebSocket server), for the wsframe clients of
// test/adapters/client.mjs. Selects the subprotocol 'chat' when offered; `?close=CODE` closes at once with CODE;
// /forbidden is refused with 403.
// Prints `LISTENING echo <port>` and `READY`; exits by itself after 5 minutes at the latest.
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req, srv) {
    if (new URL(req.url).pathname === '/forbidden') return new Response('Forbidden', { status: 403 });
    const close = Number(new URL(req.url).searchParams.get('close'));
    const offered = (req.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    const headers = offered.includes('chat') ? { 'Sec-WebSocket-Protocol': 'chat' } : {};
    return srv.upgrade(req, { headers, data: { close } }) ? undefined : new Response('WebSocket only', { status: 426 });
  },
  websocket: {
    maxPayloadLength: 64 * 1024 * 1024,
    open(ws) {
      if (ws.data.close) ws.close(ws.data.close, 'closed by the server');
    },
    message(ws, message) {
      ws.send(message);
    },
  },
});
console.log(`LISTENING echo ${server.port}\nREADY`);
setTimeout(() => {
  server.stop(true);
  process.exit(3);
}, 300_000).unref();

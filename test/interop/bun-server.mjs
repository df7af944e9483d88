// An echo server on Bun.serve's websocket handler, for the wsframe client. Prints "PORT n"; `?close=CODE`
// closes at once with that code. Stops by itself after 120 s.
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req, srv) {
    const close = Number(new URL(req.url).searchParams.get('close'));
    return srv.upgrade(req, { data: { close } }) ? undefined : new Response('WebSocket only', { status: 426 });
  },
  websocket: {
    maxPayloadLength: 64 * 1024 * 1024,
    backpressureLimit: 64 * 1024 * 1024,
    open(ws) {
      if (ws.data.close) ws.close(ws.data.close, 'closed by the server');
    },
    message(ws, message) {
      ws.send(message);
    },
  },
});
console.log(`PORT ${server.port}`);
setTimeout(() => {
  server.stop(true);
  process.exit(0);
}, 120_000);

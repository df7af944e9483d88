// An echo server on Deno.serve + Deno.upgradeWebSocket (Deno's own WebSocket server), for the wsframe clients of
// test/adapters/client.mjs. Selects the subprotocol 'chat' when offered; `?close=CODE` closes at once with CODE;
// /forbidden is refused with 403.
// Prints `LISTENING echo <port>` and `READY`; exits by itself after 5 minutes at the latest.
const server = Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(`LISTENING echo ${port}\nREADY`),
  },
  (req) => {
    if (new URL(req.url).pathname === '/forbidden') return new Response('Forbidden', { status: 403 });
    if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('WebSocket only', { status: 426 });
    }
    const offered = (req.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    const { socket, response } = Deno.upgradeWebSocket(req, offered.includes('chat') ? { protocol: 'chat' } : {});
    const close = Number(new URL(req.url).searchParams.get('close'));
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => close && socket.close(close, 'closed by the server');
    socket.onmessage = (event) => socket.send(event.data);
    socket.onerror = () => {};
    return response;
  },
);
Deno.unrefTimer(setTimeout(() => server.shutdown().then(() => Deno.exit(3)), 300_000));

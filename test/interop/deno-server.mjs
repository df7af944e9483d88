// An echo server on Deno.serve + Deno.upgradeWebSocket, for the wsframe client. Prints "PORT n"; `?close=CODE`
// closes at once with that code. Stops by itself after 120 s.
const server = Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`PORT ${port}`) },
  (req) => {
    if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('WebSocket only', { status: 426 });
    const { socket, response } = Deno.upgradeWebSocket(req);
    const close = Number(new URL(req.url).searchParams.get('close'));
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => close && socket.close(close, 'closed by the server');
    socket.onmessage = (event) => socket.send(event.data);
    socket.onerror = () => {};
    return response;
  },
);
setTimeout(() => server.shutdown().then(() => Deno.exit(0)), 120_000);

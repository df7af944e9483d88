// Deno.serve + Deno.upgradeWebSocket (fastwebsockets) (contract: bench/e2e/run.mjs). Run with
// --allow-net=127.0.0.1 --allow-env=PORT --v8-flags=--expose-gc. Deno answers pings itself; /broadcast loops
// over the open sockets (Deno has no pub/sub of its own).
const room = new Set();
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 0),
    onListen: ({ port }) => console.log(`LISTENING ${port}`),
  },
  (request) => {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('WebSocket only', { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.binaryType = 'arraybuffer';
    socket.onerror = () => {};
    if (new URL(request.url).pathname !== '/broadcast') {
      socket.onmessage = (event) => socket.send(event.data);
      return response;
    }
    socket.onopen = () => room.add(socket);
    socket.onclose = () => room.delete(socket);
    socket.onmessage = (event) => {
      for (const peer of room) if (peer.readyState === WebSocket.OPEN) peer.send(event.data);
    };
    return response;
  },
);

// The memory case's hook (see hooks.mjs): `gc` on stdin collects garbage and answers `GC`.
const lines = new TextDecoder();
for await (const chunk of Deno.stdin.readable) {
  if (!lines.decode(chunk).includes('gc')) continue;
  globalThis.gc?.();
  console.log('GC');
}

// A WebSocket echo server on Bun's own sockets (wsframe/bun: Bun.listen + wsframe's handshake and codec).
//
//   npm run build && npx bun examples/echo-bun.mjs     # PORT=… to change
//
// In your own Bun project: `import { serve } from 'wsframe/bun'`.
import { serve } from '../dist/bun.js';

const server = await serve({
  port: Number(process.env.PORT ?? 8080),
  textAs: 'bytes', // echo text as the validated bytes it arrived as, no string round trip
  open(ws) {
    // ws://…/?close=4001 closes at once with that code (to try close codes from the client side).
    const code = Number(new URL(ws.url, 'http://localhost').searchParams.get('close'));
    if (code >= 3000 && code <= 4999) ws.close(code, 'closed by the server');
  },
  message(ws, data, isBinary) {
    ws.send(data, isBinary);
  },
});
console.log(`wsframe echo server (Bun) on ws://127.0.0.1:${server.port}/`);
process.on('SIGINT', async () => {
  await server.close(); // 1001 to every client, then wait for their close frames
  process.exit(0);
});

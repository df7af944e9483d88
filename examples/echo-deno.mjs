// A WebSocket echo server on Deno's own sockets (wsframe/deno: Deno.listen + wsframe's handshake and codec).
//
//   npm run build && npx deno run --allow-net --allow-env examples/echo-deno.mjs     # PORT=… to change
//
// In your own Deno project: `import { serve } from 'npm:wsframe/deno'`.
import { serve } from '../dist/deno.js';

const port = Number(Deno.env.get('PORT') ?? 8080);
const server = await serve({
  port,
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
console.log(`wsframe echo server (Deno) on ws://127.0.0.1:${server.port}/`);
Deno.addSignalListener('SIGINT', async () => {
  await server.close(); // 1001 to every client, then wait for their close frames
  Deno.exit(0);
});

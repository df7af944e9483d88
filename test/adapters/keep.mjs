// A server that keeps what it receives (`node keep.mjs`, `deno run -A keep.mjs`, `bun keep.mjs`: serve of
// dist/<runtime>.js): every binary message is kept as delivered, without a copy; the text 'send back' sends every
// kept message back in order, at once (no waiting for `drain`), then the text 'done'. A message that a later read
// overwrote (a read buffer the adapter used again after handing it to the decoder) comes back changed.
// Prints `LISTENING main <port>`, then `READY`.
const g = globalThis;
const runtime = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
const { serve } = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const safety = setTimeout(() => (g.Deno ? g.Deno.exit(3) : g.process.exit(3)), 300_000);
if (g.Deno) g.Deno.unrefTimer(safety);
else safety.unref();

const kept = [];
const server = await serve({
  maxBufferedAmount: 64 << 20,
  message(ws, data, isBinary) {
    if (isBinary) {
      kept.push(data);
      return;
    }
    for (const message of kept.splice(0)) ws.send(message);
    ws.send('done');
  },
});
console.log(`LISTENING main ${server.port}`);
console.log('READY');

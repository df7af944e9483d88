// A server for the reusePort test: `deno run -A --unstable-net test/adapters/reuseport.mjs deno PORT` or
// `bun test/adapters/reuseport.mjs bun PORT`. Greets each connection with its process id.
const [runtime, port] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const { serve } = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const pid = globalThis.Deno ? Deno.pid : process.pid;
await serve({
  port: Number(port),
  reusePort: true,
  open(ws) {
    ws.send(String(pid));
  },
});
console.log('LISTENING');

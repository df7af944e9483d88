// Deno / Bun entry: `deno run --allow-net runtime-client.mjs URL OPTIONS_JSON` or `bun runtime-client.mjs URL OPTIONS_JSON`.
// Runs the WHATWG checks with the runtime's native WebSocket and prints the results as one JSON line.
import { runChecks } from './whatwg-checks.mjs';

const [url, json] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const options = JSON.parse(json ?? '{}');
// Bun's client WebSocket has ping() and a 'pong' event; Deno's has neither.
if (globalThis.Bun && options.ping) {
  options.ping = (ws) =>
    new Promise((resolve) => {
      ws.addEventListener('pong', (e) => resolve(new TextDecoder().decode(e.data) === 'are you there?'), {
        once: true,
      });
      ws.ping('are you there?');
    });
} else delete options.ping;
const results = await runChecks(WebSocket, url, options);
console.log(JSON.stringify(results));
setTimeout(() => (globalThis.Deno ? globalThis.Deno.exit(0) : process.exit(0)), 50);

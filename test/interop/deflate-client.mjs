// Deno / Bun entry for test/deflate/interop.test.ts: `deno run --allow-net deflate-client.mjs URL` or
// `bun deflate-client.mjs URL`. The runtime's native WebSocket connects (offering permessage-deflate if it does),
// sends text and binary messages of several sizes, checks each echo, and prints one JSON line:
// `{ extensions, results }` with one boolean per echo.
const url = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2];
const texts = ['', 'short', '{"a":1,"b":[1,2,3]}'.repeat(200), 'Grüße, κόσμε 𝄞 '.repeat(4000)];
const ws = new WebSocket(url);
ws.binaryType = 'arraybuffer';
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = reject;
});
const next = () => new Promise((resolve) => (ws.onmessage = (e) => resolve(e.data)));
const results = [];
for (const text of texts) {
  const echoed = next();
  ws.send(text);
  results.push((await echoed) === text);
  const bytes = new TextEncoder().encode(text);
  const echoedBytes = next();
  ws.send(bytes);
  const got = new Uint8Array(await echoedBytes);
  results.push(got.length === bytes.length && got.every((b, i) => b === bytes[i]));
}
console.log(JSON.stringify({ extensions: ws.extensions, results }));
ws.close(1000);
setTimeout(() => (globalThis.Deno ? globalThis.Deno.exit(0) : process.exit(0)), 50);

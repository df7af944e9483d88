// A test server for the runtime adapters, the same script on Node, Deno and Bun (`node server.mjs`,
// `deno run -A server.mjs`, `bun server.mjs`): it imports dist/<runtime>.js (the runtime it runs on, or
// WSFRAME_RUNTIME) and starts one `serve` per entry of the JSON object in WSFRAME_SERVERS, e.g.
// `{"main": {}, "slow": {"highWaterMark": 65536}}`. Prints `LISTENING <name> <port>` per server, then `READY`.
//
// Each entry is passed to `serve` as it is, except for these keys, which the script interprets:
//   role: 'echo' (default) | 'broadcast' — echo every message back / `server.broadcast` every message;
//   deny: STATUS — an `upgrade` hook that throws HandshakeError(STATUS) for a URL containing 'deny', and a
//         TypeError (a bug in the hook) for one containing 'crash';
//   asyncUpgrade: true — the same hook, answering (or throwing) 30 ms later through a promise.
//
// On every echo server:
//   - a text or binary message is echoed with `ws.send(data, isBinary)`;
//   - text '#stats' is answered with JSON: { connections, rss, heapUsed, bufferedAmount, tags } where `tags` maps
//     each live `?tag=` to { bufferedAmount, maxBuffered } (the largest bufferedAmount seen after one of our
//     sends on that connection);
//   - text '#close CODE REASON' closes the connection with that code and reason;
//   - text '#shutdown' closes every server of the process (`server.close()`: 1001 to every client); the process
//     then has nothing left to do and must exit by itself;
//   - `?close=CODE` closes the connection with CODE as soon as it is open;
//   - the path /stream?bytes=N sends N bytes in 64 KiB messages, waiting for `drain` whenever `send` returns
//     false, then the text 'done';
//   - the path /flood sends 64 KiB binary messages as fast as it can, ignoring back-pressure, until the
//     connection is gone (the `maxBufferedAmount` policy must cut it off).
// A connection opened with `?tag=NAME` reports its end on stdout:
//   EVENT {"type":"close","server":…,"tag":…,"code":…,"reason":…,"maxBuffered":…}
// The process exits by itself after 5 minutes at the latest (a safety net if the test runner dies).
const g = globalThis;
const runtime = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
const env = (name) => (g.Deno ? g.Deno.env.get(name) : g.process.env[name]);
const adapter = await import(new URL(`../../dist/${env('WSFRAME_RUNTIME') ?? runtime}.js`, import.meta.url).href);
const { serve, HandshakeError, ConnectionState } = adapter;

const exit = (code) => (g.Deno ? g.Deno.exit(code) : g.process.exit(code));
const safety = setTimeout(() => exit(3), 300_000);
if (g.Deno) g.Deno.unrefTimer(safety);
else safety.unref();

const memory = () => (g.Deno ? g.Deno.memoryUsage() : g.process.memoryUsage());
const log = (event) => console.log(`EVENT ${JSON.stringify(event)}`);

/** Live tagged connections of the process: tag → { ws, maxBuffered }. */
const tags = new Map();
const servers = [];
const FLOOD_CHUNK = new Uint8Array(65536).fill(0x5a);

function tagOf(ws) {
  const query = ws.url.indexOf('?');
  return query < 0 ? undefined : (new URLSearchParams(ws.url.slice(query + 1)).get('tag') ?? undefined);
}

function sent(ws) {
  const entry = ws.data?.tag === undefined ? undefined : tags.get(ws.data.tag);
  if (entry) entry.maxBuffered = Math.max(entry.maxBuffered, ws.bufferedAmount);
}

/** Send 64 KiB messages, 16 per macrotask, whatever `send` returns, until the connection is closed. */
function flood(ws) {
  const step = () => {
    for (let i = 0; i < 16; i++) {
      if (ws.readyState !== ConnectionState.OPEN) return;
      ws.send(FLOOD_CHUNK);
      sent(ws);
    }
    setTimeout(step, 0);
  };
  step();
}

/**
 * Send `total` bytes in 64 KiB binary messages as a well-behaved sender does: stop when `send` returns false and
 * go on at `drain`; then the text 'done'.
 */
function stream(ws, total) {
  let left = total;
  ws.data.pump = () => {
    while (left > 0) {
      const n = Math.min(FLOOD_CHUNK.length, left);
      left -= n;
      const more = ws.send(FLOOD_CHUNK.subarray(0, n));
      sent(ws);
      if (!more) return;
    }
    ws.data.pump = undefined;
    ws.send('done');
  };
  ws.data.pump();
}

function control(name, server, ws, text) {
  if (text === '#stats') {
    const { rss, heapUsed } = memory();
    const live = {};
    for (const [tag, { ws: peer, maxBuffered }] of tags) {
      live[tag] = { bufferedAmount: peer.bufferedAmount, maxBuffered };
    }
    const connections = server.connections.size;
    ws.send(JSON.stringify({ connections, rss, heapUsed, bufferedAmount: ws.bufferedAmount, tags: live }));
    return true;
  }
  const close = /^#close (\d+) ?(.*)$/.exec(text);
  if (close) {
    ws.close(Number(close[1]), close[2]);
    return true;
  }
  if (text === '#shutdown') {
    Promise.all(servers.map((s) => s.close())).then(() => log({ type: 'shutdown', server: name }));
    return true;
  }
  return false;
}

async function start(name, config) {
  const { role = 'echo', deny, asyncUpgrade, ...options } = config;
  const decide = (request) => {
    if (request.url.includes('deny')) throw new HandshakeError(deny, 'Unauthorized');
    if (request.url.includes('crash')) throw new TypeError('a bug in the upgrade hook');
    return {};
  };
  const later = (request) => new Promise((resolve) => setTimeout(resolve, 30)).then(() => decide(request));
  let server;
  server = await serve({
    ...options,
    upgrade: deny ? (asyncUpgrade ? later : decide) : undefined,
    open(ws) {
      const tag = tagOf(ws);
      ws.data = { tag };
      if (tag !== undefined) tags.set(tag, { ws, maxBuffered: 0 });
      if (ws.url.startsWith('/flood')) flood(ws);
      const bytes = /^\/stream\?bytes=(\d+)/.exec(ws.url);
      if (bytes) stream(ws, Number(bytes[1]));
      const close = /[?&]close=(\d+)/.exec(ws.url);
      if (close) ws.close(Number(close[1]), 'closed by the server');
    },
    drain(ws) {
      ws.data?.pump?.();
    },
    message(ws, data, isBinary) {
      if (role === 'broadcast') {
        server.broadcast(data);
        return;
      }
      if (!isBinary && typeof data === 'string' && data.startsWith('#') && control(name, server, ws, data)) return;
      ws.send(data, isBinary);
      sent(ws);
    },
    close(ws, code, reason) {
      const tag = ws.data?.tag;
      if (tag === undefined) return;
      const entry = tags.get(tag);
      tags.delete(tag);
      log({ type: 'close', server: name, tag, code, reason, maxBuffered: entry?.maxBuffered ?? 0 });
    },
    error() {
      // Protocol errors end in `close` with their code; this script's handlers do not throw.
    },
  });
  servers.push(server);
  console.log(`LISTENING ${name} ${server.port}`);
}

const config = JSON.parse(env('WSFRAME_SERVERS') ?? '{"main":{}}');
for (const [name, options] of Object.entries(config)) await start(name, options);
console.log('READY');

// What keeps a process of one runtime alive (`node lifetime.mjs`, `deno run -A lifetime.mjs`, `bun lifetime.mjs`:
// dist/<runtime>.js), in one of two modes (WSFRAME_MODE):
// - `closed`: a server and a client of this runtime exchange a message, the client closes, the server closes;
//   prints `DONE`. Nothing may keep the process alive after that (the server's timer is unref'd).
// - `paused`: a client connects to WSFRAME_URL and pauses reading at once (`PAUSED`); an unref'd timer resumes it
//   after WSFRAME_PAUSE_MS (`RESUMED`). The paused connection must keep the process alive until then, as an open
//   socket does. The first message after that is printed (`MESSAGE <text>`) and the client closes.
const g = globalThis;
const runtime = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
const env = (name) => (g.Deno ? g.Deno.env.get(name) : g.process.env[name]);
const { serve, connect } = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);
const print = (line) => console.log(line);
/** A timer that does not keep the process alive by itself. */
function unrefTimeout(fn, ms) {
  const t = setTimeout(fn, ms);
  if (typeof t === 'number') g.Deno.unrefTimer(t);
  else t.unref();
}

if (env('WSFRAME_MODE') === 'closed') {
  const server = await serve({ message: (ws, data, isBinary) => ws.send(data, isBinary) });
  let gotEcho;
  const echoed = new Promise((resolve) => (gotEcho = resolve));
  let gotClose;
  const closed = new Promise((resolve) => (gotClose = resolve));
  const client = await connect(`ws://127.0.0.1:${server.port}/`, { message: gotEcho, close: gotClose });
  client.send('hello');
  await echoed;
  client.close();
  await closed;
  await server.close();
  print('DONE');
} else {
  const client = await connect(env('WSFRAME_URL'), {
    message(ws, data) {
      print(`MESSAGE ${data}`);
      ws.close();
    },
  });
  client.pause();
  print('PAUSED');
  unrefTimeout(
    () => {
      print('RESUMED');
      client.resume();
    },
    Number(env('WSFRAME_PAUSE_MS')),
  );
}

// The wsframe client of one runtime (`node client.mjs`, `deno run -A client.mjs`, `bun client.mjs`: `connect` of
// dist/<runtime>.js) against the echo servers listed as JSON in WSFRAME_TARGETS:
//   [{ "name": "ws", "url": "ws://127.0.0.1:1234/", "refuse": { "path": "/forbidden", "status": 403 },
//      "ca": "<PEM, for wss://>" }, ...]
// Each server echoes, selects the subprotocol 'chat' when offered, closes with CODE at once for `?close=CODE` and
// refuses the upgrade of `refuse.path` with `refuse.status`. Per target: subprotocol negotiation, text and binary
// echoes of 0 B to 1 MiB (every byte compared), ping → pong, a close with 4000 from the client and with 4001 from
// the server, over wss:// a connect without the CA (rejects with the TLS error, not a HandshakeError), a refused
// handshake (a HandshakeError with the status). Then `connect` to WSFRAME_DEAD_URL, where
// nothing listens, must reject; and WSFRAME_ROGUE_URL's /masked (a 101, then a masked frame) must end in 1002,
// its /bad-accept (a 101 with a wrong Sec-WebSocket-Accept) in a HandshakeError. Prints one line `RESULT {json}` with
// { runtime, checks: [{ target, name, ok, detail }] } and exits 0 (the test judges the checks).
const g = globalThis;
const runtime = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
const env = (name) => (g.Deno ? g.Deno.env.get(name) : g.process.env[name]);
const exit = (code) => (g.Deno ? g.Deno.exit(code) : g.process.exit(code));
const { connect } = await import(new URL(`../../dist/${runtime}.js`, import.meta.url).href);

const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1 << 20];
const WAIT = 20_000;
const checks = [];

/** `n` pseudo-random bytes (xorshift32), as test/adapters/helpers.ts makes them. */
function binaryPayload(n, seed = 1) {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Exactly `n` UTF-8 bytes of 1- to 4-byte characters. */
const textPayload = (n) => 'aé€😀'.repeat(Math.floor(n / 10)) + 'bcdefghij'.slice(0, n % 10);

function sameBytes(a, b) {
  if (!(a instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The runtime's way to trust a CA for wss:// (Node and Bun: `tls.ca`, Deno: `caCerts`). */
const trust = (ca) => (!ca ? {} : runtime === 'deno' ? { caCerts: [ca] } : { tls: { ca } });

/** Connect; messages, pongs and the close event go to queues that `next` waits on. */
async function open(url, options) {
  const queues = { message: [], pong: [], close: [] };
  let wake = () => {};
  const ws = await connect(url, {
    ...options,
    message(_, data, isBinary) {
      queues.message.push({ data, isBinary });
      wake();
    },
    pong(_, data) {
      queues.pong.push(data);
      wake();
    },
    close(_, code, reason) {
      queues.close.push({ code, reason });
      wake();
    },
  });
  const next = (kind) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} within ${WAIT} ms`)), WAIT);
      const look = () => {
        if (queues[kind].length === 0) return;
        clearTimeout(timer);
        wake = () => {};
        resolve(queues[kind].shift());
      };
      wake = look;
      look();
    });
  return { ws, next };
}

async function check(target, name, fn) {
  try {
    const detail = await fn();
    checks.push({ target: target.name, name, ok: detail === true, detail: detail === true ? '' : String(detail) });
  } catch (error) {
    checks.push({ target: target.name, name, ok: false, detail: String(error?.stack ?? error) });
  }
}

async function run(target) {
  const url = new URL(target.url);
  const closeUrl = new URL(url);
  closeUrl.searchParams.set('close', '4001');
  const base = trust(target.ca);
  let main;
  await check(target, 'subprotocol', async () => {
    main = await open(url.href, { ...base, protocols: ['x-unknown', 'chat'] });
    return main.ws.protocol === 'chat' || `protocol ${main.ws.protocol}`;
  });
  if (!main) return;
  await check(target, 'no subprotocol', async () => {
    const plain = await open(url.href, base);
    plain.ws.close();
    await plain.next('close');
    return !plain.ws.protocol || `protocol ${plain.ws.protocol}`;
  });
  for (const size of SIZES) {
    await check(target, `binary ${size}`, async () => {
      const bytes = binaryPayload(size, size + 3);
      main.ws.send(bytes);
      const back = await main.next('message');
      const got = `got ${back.isBinary ? 'binary' : 'text'} ${back.data.length}`;
      return (back.isBinary && sameBytes(back.data, bytes)) || got;
    });
    await check(target, `text ${size}`, async () => {
      const text = textPayload(size);
      main.ws.send(text);
      const back = await main.next('message');
      return (!back.isBinary && back.data === text) || `got ${back.isBinary ? 'binary' : 'text'} ${back.data.length}`;
    });
  }
  await check(target, 'ping → pong', async () => {
    const payload = binaryPayload(125, 77);
    main.ws.ping(payload);
    return sameBytes(await main.next('pong'), payload) || 'a different pong payload';
  });
  await check(target, 'client closes 4000', async () => {
    main.ws.close(4000, 'x');
    const { code } = await main.next('close');
    return code === 4000 || `close code ${code}`;
  });
  await check(target, 'server closes 4001', async () => {
    const closing = await open(closeUrl.href, base);
    const { code } = await closing.next('close');
    return code === 4001 || `close code ${code}`;
  });
  if (target.ca) {
    await check(target, 'untrusted certificate → TLS error', async () => {
      const outcome = await open(url.href, {}).then(
        () => 'the handshake succeeded',
        (error) => error,
      );
      const text = `${outcome?.name}: ${outcome?.message} ${outcome?.code ?? ''}`;
      return (outcome instanceof Error && /cert|issuer|verif|trust|self.signed/i.test(text)) || `rejected with ${text}`;
    });
  }
  await check(target, `refused with ${target.refuse.status}`, async () => {
    const refused = await open(new URL(target.refuse.path, url).href, base).then(
      () => 'the handshake succeeded',
      (error) => error,
    );
    const right = refused?.name === 'HandshakeError' && refused.status === target.refuse.status;
    return right || `rejected with ${refused}`;
  });
}

/** `connect` to a port nobody listens on must reject (not hang, not resolve). */
async function refusedConnection(url) {
  const target = { name: 'nothing listening' };
  await check(target, 'connect rejects', async () => {
    const outcome = await open(url, {}).then(
      () => 'it resolved',
      (error) => error,
    );
    return (outcome instanceof Error && outcome.name !== 'HandshakeError') || `rejected with ${outcome}`;
  });
}

/** A server that breaks the protocol: the client must fail the connection, or refuse the handshake. */
async function rogue(url) {
  const target = { name: 'rogue server' };
  await check(target, 'masked server frame → 1002', async () => {
    const evil = await open(new URL('/masked', url).href, {});
    const { code } = await evil.next('close');
    return code === 1002 || `close code ${code}`;
  });
  await check(target, 'wrong Sec-WebSocket-Accept → HandshakeError', async () => {
    const outcome = await open(new URL('/bad-accept', url).href, {}).then(
      () => 'the handshake succeeded',
      (error) => error,
    );
    return outcome?.name === 'HandshakeError' || `rejected with ${outcome}`;
  });
}

for (const target of JSON.parse(env('WSFRAME_TARGETS'))) await run(target);
await refusedConnection(env('WSFRAME_DEAD_URL'));
await rogue(env('WSFRAME_ROGUE_URL'));
console.log(`RESULT ${JSON.stringify({ runtime, checks })}`);
exit(0);

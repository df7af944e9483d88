/**
 * Interop checks through the WHATWG WebSocket API, run unchanged by undici (Node), Deno, Bun and Chromium (its
 * source is evaluated in the page, so everything it needs is defined inside the function). Talks to a wsframe
 * echo server: text and binary echoes of every size asked for, an optional ping, a close from each side.
 * Resolves to `[{ name, ok, detail }]`; never throws.
 */
export async function runChecks(WebSocketImpl, url, options) {
  const { textSizes = [], binarySizes = [], ping, timeoutMs = 30000 } = options ?? {};
  const results = [];
  const check = (name, ok, detail) =>
    results.push({ name, ok: Boolean(ok), detail: detail === undefined ? '' : String(detail) });
  const within = (promise, what) =>
    Promise.race([
      promise,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout: ${what}`)), timeoutMs)),
    ]);
  const open = (target) =>
    within(
      new Promise((resolve, reject) => {
        const ws = new WebSocketImpl(target);
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => resolve(ws);
        ws.onerror = () => reject(new Error(`could not open ${target}`));
      }),
      `open ${target}`,
    );
  const reply = (ws, send) =>
    within(
      new Promise((resolve) => {
        ws.onmessage = (event) => resolve(event.data);
        send();
      }),
      'echo',
    );
  const closed = (ws) =>
    new Promise((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean })));
  // Text of about n UTF-8 bytes, mixing 1-, 2-, 3- and 4-byte characters (never splitting a surrogate pair).
  const text = (n) => {
    const unit = 'wsframe Grüße κόσμε — 𝄞 ';
    let s = unit.repeat(Math.ceil(n / 36) + 1);
    s = s.slice(0, n);
    return /[\ud800-\udbff]$/.test(s) ? s.slice(0, -1) : s;
  };
  const bytes = (n) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 31 + n) & 0xff;
    return b;
  };
  const same = (a, b) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };

  try {
    const ws = await open(url);
    check('open', true);
    for (const n of textSizes) {
      const s = text(n);
      const got = await reply(ws, () => ws.send(s));
      check(`text ${n}`, got === s, typeof got === 'string' ? `${got.length} chars` : typeof got);
    }
    for (const n of binarySizes) {
      const b = bytes(n);
      const got = await reply(ws, () => ws.send(b));
      check(`binary ${n}`, got instanceof ArrayBuffer && same(new Uint8Array(got), b), got?.byteLength);
    }
    if (ping) check('ping → pong', await within(ping(ws), 'pong'), 'payload echoed');
    const done = closed(ws);
    ws.close(4000, 'client bye');
    const info = await within(done, 'close from the client');
    check(
      'client closes 4000',
      info.code === 4000 && info.wasClean,
      `${info.code} ${info.reason} clean=${info.wasClean}`,
    );

    const other = await open(`${url}${url.includes('?') ? '&' : '?'}close=4001`);
    const info2 = await within(closed(other), 'close from the server');
    check(
      'server closes 4001',
      info2.code === 4001 && info2.reason === 'closed by the server' && info2.wasClean,
      `${info2.code} ${info2.reason} clean=${info2.wasClean}`,
    );
  } catch (error) {
    check('no errors', false, error?.message);
  }
  return results;
}

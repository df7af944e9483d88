// The portable part of the runtime matrix: the same checks on Node 20/24, Deno, Bun and Chromium (main thread,
// dedicated worker, service worker). Plain ESM with no runtime-specific API; the wsframe module (imported by each
// launcher from the packed tarball) and the UTF-8 vectors come in as parameters.
//
// What runs: every group of the Autobahn catalogue as byte vectors (a subset of test/conformance/: groups
// 1–7, 9 up to 1 MiB, 10, the RFC rules Autobahn misses and all 132 UTF-8 vectors of 6.5–6.23), each on every
// backend given × server role (masked input) and client role (unmasked) × feeds (whole, one byte at a time up to
// 16 KiB, 997-byte chops, two random splits; group 9: whole, 997- and 64-byte chops, one random split up to
// 300 KB), with fail-fast checks on where the error is thrown; then encoder → decoder round trips over a length
// sweep, DecoderStream/EncoderStream/decodeMessages, acceptKey. The vectors live in catalogue.mjs.

import {
  FEEDS,
  KOSME,
  TEXT,
  X1000,
  bigCases,
  binary,
  build,
  catalogue,
  chop,
  closed,
  concat,
  fill,
  hex,
  ping,
  pong,
  randomSplit,
  repeatBytes,
  repeatText,
  text,
  utf8Cases,
} from './catalogue.mjs';

// ---- running and comparing ---------------------------------------------------------------------------------------

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mismatch(got, want) {
  if (got.length !== want.length) return `expected ${want.length} messages, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (g.type !== w.type) return `message ${i}: expected ${w.type}, got ${g.type}`;
    if (w.type === 'close') {
      if ('code' in g !== 'code' in w || g.code !== w.code || g.reason !== w.reason)
        return `message ${i}: expected ${JSON.stringify(w)}, got ${JSON.stringify(g)}`;
    } else if (typeof w.data === 'string') {
      if (typeof g.data !== 'string' || g.data !== w.data) return `message ${i}: text differs`;
    } else if (!(g.data instanceof Uint8Array) || !sameBytes(g.data, w.data)) {
      return `message ${i}: ${w.type} bytes differ`;
    }
  }
  return null;
}

/** Feed pieces to a fresh decoder (each piece copied, so views into reused memory would show). */
function decode(wsframe, pieces, opts) {
  const decoder = new wsframe.MessageDecoder(opts);
  const messages = [];
  for (let i = 0; i < pieces.length; i++) {
    try {
      for (const m of decoder.push(pieces[i].slice())) messages.push(m);
    } catch (e) {
      if (!(e instanceof wsframe.WebSocketError)) throw e;
      for (const m of e.messages) messages.push(m);
      return { messages, error: e, at: i };
    }
  }
  return { messages, error: null, at: -1 };
}

function pieceAt(pieces, offset) {
  let o = 0;
  for (let i = 0; i < pieces.length; i++) {
    o += pieces[i].length;
    if (offset < o) return i;
  }
  return pieces.length - 1;
}

/** The stream offsets [lo, hi] one of which the failing push must carry. */
function failRange(e, built) {
  if (e.frame === 'any') return [0, built.bytes.length - 1];
  const start = built.start[e.frame];
  const payload = built.payloadStart[e.frame];
  const end = built.end[e.frame];
  if (e.at === 'header') return [start, payload - 1];
  if (e.at === 'end' || e.at === 'payload') return [payload, end - 1];
  return [payload + e.at, payload + e.at];
}

function check(wsframe, c, built, pieces, opts) {
  const outcome = decode(wsframe, pieces, opts);
  const diff = mismatch(outcome.messages, c.messages);
  if (diff) return diff;
  if (!c.error) return outcome.error ? `unexpected ${outcome.error.code}` : null;
  if (!outcome.error) return `expected ${c.error.code}, got no error`;
  if (outcome.error.code !== c.error.code || outcome.error.closeCode !== c.error.closeCode) {
    return `expected ${c.error.code}/${c.error.closeCode}, got ${outcome.error.code}/${outcome.error.closeCode}`;
  }
  const [lo, hi] = failRange(c.error, built);
  const first = pieceAt(pieces, lo);
  const last = pieceAt(pieces, hi);
  if (outcome.at < first || outcome.at > last)
    return `thrown by push ${outcome.at}, expected ${first}..${last} (fail fast)`;
  return null;
}

// ---- the run -------------------------------------------------------------------------------------------------------

/**
 * Run every check. `wsframe` is the imported package (ESM namespace or CJS exports); `backends` the decoder
 * backends to test ('wasm', 'js'); `utf8Vectors` test/fixtures/utf8-cases.json. Returns counts and failures.
 */
export async function runCases(wsframe, { backends = ['wasm', 'js'], utf8Vectors = [], maxFailures = 20 } = {}) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  const record = (name, problem) => {
    if (problem === null) passed++;
    else {
      failed++;
      if (failures.length < maxFailures) failures.push(`${name}: ${problem}`);
    }
  };
  const attempt = (name, fn) => {
    try {
      record(name, fn());
    } catch (e) {
      record(name, `threw ${e?.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
    }
  };
  const attemptAsync = async (name, fn) => {
    try {
      record(name, await fn());
    } catch (e) {
      record(name, `threw ${e?.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
    }
  };

  const small = [...catalogue(), ...utf8Cases(utf8Vectors)];
  for (const role of ['server', 'client']) {
    const masked = role === 'server';
    for (const c of small) {
      if (c.roles && !c.roles.includes(role)) continue;
      const built = build(c.frames, masked);
      for (const [feed, split] of Object.entries(FEEDS)) {
        if (feed === 'bytewise' && built.bytes.length > 16384) continue; // header splits are covered by the small cases
        const pieces = split(built.bytes);
        for (const backend of backends)
          attempt(`${c.id} ${role} ${feed} ${backend}`, () => check(wsframe, c, built, pieces, { role, backend }));
      }
    }
    for (const c of bigCases()) {
      const built = build(c.frames, masked);
      const feeds = { whole: FEEDS.whole, chop997: FEEDS.chop997 };
      if (built.bytes.length <= 300000)
        Object.assign(feeds, { '64-byte chops': (b) => chop(b, 64), 'random (seed 1)': FEEDS['random (seed 1)'] });
      for (const [feed, split] of Object.entries(feeds)) {
        const pieces = split(built.bytes);
        for (const backend of backends)
          attempt(`${c.id} ${role} ${feed} ${backend}`, () => check(wsframe, c, built, pieces, { role, backend }));
      }
    }
  }

  // Encoder → decoder round trips over a length sweep (RFC 6455 §5.2 length forms), both roles, fragmented too.
  const LENGTHS = [
    0, 1, 3, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 125, 126, 127, 128, 1023, 1024, 1025, 65535, 65536, 65537, 200000,
  ];
  for (const backend of backends) {
    for (const role of ['client', 'server']) {
      for (const fragmentSize of [0, 1000]) {
        for (const n of LENGTHS) {
          attempt(`round trip ${n} bytes ${role} fragmentSize ${fragmentSize} ${backend}`, () => {
            const enc = new wsframe.MessageEncoder({ role, fragmentSize, backend });
            const payload = repeatBytes(hex('00 fe 23 fa f0 7f'), n);
            const s = repeatText('κόσμε-ascii-𝄞-', n);
            const wire = concat([
              ...enc.text(s),
              ...enc.binary(payload),
              ...enc.ping(payload.subarray(0, 125)),
              ...enc.close(1000, 'bye'),
            ]);
            const want = [text(s), binary(payload), ping(payload.subarray(0, 125)), closed(1000, 'bye')];
            const peer = role === 'client' ? 'server' : 'client';
            const pieces = n <= 70000 ? randomSplit(wire, n + 7) : chop(wire, 4093);
            return (
              mismatch(decode(wsframe, pieces, { role: peer, backend }).messages, want) ??
              mismatch(decode(wsframe, [wire], { role: peer, backend }).messages, want)
            );
          });
        }
      }
    }
  }

  // Streams: the same TransformStreams on every runtime.
  for (const backend of backends) {
    await attemptAsync(`EncoderStream → DecoderStream ${backend}`, async () => {
      const outgoing = [
        { type: 'text', data: 'hello' },
        { type: 'binary', data: fill(70000, 7) },
        { type: 'ping', data: 'p' },
        { type: 'pong' },
        { type: 'text', data: KOSME },
        { type: 'close', code: 1000, reason: 'done' },
      ];
      const want = [text('hello'), binary(fill(70000, 7)), ping('p'), pong(), text(KOSME), closed(1000, 'done')];
      let i = 0;
      const source = new ReadableStream({
        pull(ctl) {
          if (i < outgoing.length) ctl.enqueue(outgoing[i++]);
          else ctl.close();
        },
      });
      const rechunk = new TransformStream({
        transform(chunk, ctl) {
          for (const p of randomSplit(chunk, chunk.length)) ctl.enqueue(p.slice());
        },
      });
      const readable = source
        .pipeThrough(new wsframe.EncoderStream({ role: 'client', backend }))
        .pipeThrough(rechunk)
        .pipeThrough(new wsframe.DecoderStream({ role: 'server', backend }));
      const got = [];
      const reader = readable.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        got.push(value);
      }
      return mismatch(got, want);
    });
    await attemptAsync(`DecoderStream delivers queued messages, then the WebSocketError ${backend}`, async () => {
      const bytes = build(
        [
          { opcode: TEXT, payload: 'a' },
          { opcode: TEXT, payload: 'b' },
          { opcode: TEXT, payload: 'c', rsv: 4 },
        ],
        false,
      ).bytes;
      const stream = new wsframe.DecoderStream({ role: 'client', backend });
      const writer = stream.writable.getWriter();
      const writeError = await writer.write(bytes).then(
        () => null,
        (e) => e,
      );
      const reader = stream.readable.getReader();
      const got = [];
      let error = null;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          got.push(value);
        }
      } catch (e) {
        error = e;
      }
      if (!(writeError instanceof wsframe.WebSocketError)) return 'write() did not reject with the WebSocketError';
      if (
        !(error instanceof wsframe.WebSocketError) ||
        error.code !== 'WS_ERR_UNEXPECTED_RSV_1' ||
        error.closeCode !== 1002
      )
        return `read error ${error}`;
      return mismatch(got, [text('a'), text('b')]);
    });
    await attemptAsync(`decodeMessages ${backend}`, async () => {
      const bytes = build([{ opcode: TEXT, payload: KOSME }, X1000], true).bytes;
      const got = [];
      for await (const m of wsframe.decodeMessages(chop(bytes, 3), { role: 'server', backend })) got.push(m);
      return mismatch(got, [text(KOSME), closed(1000)]);
    });
  }

  attempt('acceptKey (RFC 6455 §1.3 sample)', () =>
    wsframe.acceptKey('dGhlIHNhbXBsZSBub25jZQ==') === 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' ? null : 'wrong accept key',
  );
  attempt('Opcode and CloseCode are frozen', () =>
    Object.isFrozen(wsframe.Opcode) && Object.isFrozen(wsframe.CloseCode) ? null : 'not frozen',
  );

  return { passed, failed, failures };
}

/**
 * Backend selection on this runtime. `expect`: 'wasm' (initSync compiles), or 'js' (the `wsframe/js` build, or
 * WSFRAME_NO_WASM set): then init()/initSync() report 'js' and `backend: 'wasm'` throws, while 'auto' and 'js'
 * decoders still work.
 */
export async function checkBackend(wsframe, { expect }) {
  const problems = [];
  const sync = wsframe.initSync();
  if (sync !== expect) problems.push(`initSync() returned ${sync}, expected ${expect}`);
  const async = await wsframe.init();
  if (async !== expect) problems.push(`init() resolved ${async}, expected ${expect}`);
  if (wsframe.activeBackend() !== expect)
    problems.push(`activeBackend() is ${wsframe.activeBackend()}, expected ${expect}`);
  let threw = false;
  try {
    new wsframe.MessageDecoder({ role: 'server', backend: 'wasm' });
  } catch {
    threw = true;
  }
  if (threw !== (expect === 'js')) problems.push(threw ? "backend: 'wasm' threw" : "backend: 'wasm' did not throw");
  const wire = concat(new wsframe.MessageEncoder({ role: 'client' }).text('x'.repeat(1000)));
  const [m] = new wsframe.MessageDecoder({ role: 'server' }).push(wire);
  if (!m || m.data !== 'x'.repeat(1000)) problems.push("an 'auto' decoder did not decode");
  return { passed: problems.length === 0 ? 1 : 0, failed: problems.length === 0 ? 0 : 1, failures: problems };
}

/** Add `b`'s counts and failures to `a`. */
export function merge(a, b) {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, failures: [...a.failures, ...b.failures] };
}

/**
 * The runtime's adapter from the tarball (`wsframe/node`, `wsframe/deno` or `wsframe/bun`): a server and a client
 * of this runtime echo text and binary messages (0 B, 125 B, 70,000 B: every length encoding), a ping is answered,
 * and a close with 4000 comes back from the server.
 */
export async function runAdapter(adapter) {
  const problems = [];
  let passed = 0;
  const sizes = [0, 125, 70000];
  const server = await adapter.serve({ port: 0, message: (ws, data, isBinary) => ws.send(data, isBinary) });
  try {
    const got = [];
    let pong = null;
    let closed;
    const done = new Promise((resolve) => (closed = resolve));
    let all;
    const echoed = new Promise((resolve) => (all = resolve));
    const ws = await adapter.connect(`ws://127.0.0.1:${server.port}/`, {
      message(_ws, data, isBinary) {
        got.push([data, isBinary]);
        if (got.length === sizes.length * 2) all();
      },
      pong: (_ws, data) => (pong = new TextDecoder().decode(data)),
      close: (_ws, code) => closed(code),
    });
    for (const n of sizes) {
      ws.send('é'.repeat(n / 2) + (n % 2 ? 'x' : ''));
      ws.send(new Uint8Array(n).map((_, i) => i % 251));
    }
    ws.ping('are you there?');
    await Promise.race([
      echoed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no echo in 20 s')), 20_000)),
    ]);
    sizes.forEach((n, k) => {
      const [text, textBinary] = got[2 * k];
      const [bytes, binary] = got[2 * k + 1];
      const okText = !textBinary && text === 'é'.repeat(n / 2) + (n % 2 ? 'x' : '');
      const okBytes = binary && bytes.length === n && bytes.every((b, i) => b === i % 251);
      if (okText && okBytes) passed++;
      else problems.push(`adapter: the ${n}-byte echoes differ`);
    });
    if (pong === 'are you there?') passed++;
    else problems.push(`adapter: ping answered with ${JSON.stringify(pong)}`);
    ws.close(4000, 'bye');
    const code = await done;
    if (code === 4000) passed++;
    else problems.push(`adapter: close came back with ${code}`);
  } catch (error) {
    problems.push(`adapter: ${error?.stack ?? error}`);
  } finally {
    await server.close();
  }
  return { passed, failed: problems.length, failures: problems };
}

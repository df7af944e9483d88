// The page side: fetch framed streams from the service worker (sw.js) and decode them with DecoderStream.
// The results land in <pre id="log"> and in window.wsframeExample (read by the Chromium test).
import { DecoderStream, MessageEncoder, init } from './vendor/wsframe/index.js';

const log = (line) => {
  document.getElementById('log').textContent += `${line}\n`;
};
/** Bytes shown in full up to this many; longer payloads show their length and this many leading bytes. */
const SHOW_BYTES = 16;
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
const showBytes = (bytes) =>
  bytes.length <= SHOW_BYTES ? `<${hex(bytes)}>` : `${bytes.length} bytes <${hex(bytes.subarray(0, SHOW_BYTES))} …>`;
const show = (m) =>
  m.type === 'close'
    ? `close ${m.code} ${JSON.stringify(m.reason)}`
    : `${m.type} ${typeof m.data === 'string' ? JSON.stringify(m.data) : showBytes(m.data)}`;

async function collect(response) {
  const out = [];
  for await (const message of iterate(response.body.pipeThrough(new DecoderStream({ role: 'client' }))))
    out.push(message);
  return out;
}

/** A reader loop (works where ReadableStream is not async-iterable). */
async function* iterate(readable) {
  const reader = readable.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function main() {
  // A browser main thread compiles WASM asynchronously; until then the TS backend decodes.
  const pageBackend = await init();
  log(`page backend: ${pageBackend}`);

  await navigator.serviceWorker.register('./sw.js', { type: 'module' });
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
    );
  }

  const streamed = await fetch('./ws-demo/stream?n=5');
  const swBackend = streamed.headers.get('x-wsframe-backend');
  log(`service worker backend: ${swBackend}`);
  const received = await collect(streamed);
  log('GET ws-demo/stream →');
  for (const m of received) log(`  ${show(m)}`);

  // Client frames (masked) up, server frames down.
  const client = new MessageEncoder({ role: 'client', fragmentSize: 7 });
  const frames = [
    ...client.text('hello, service worker'),
    ...client.binary(new Uint8Array(3000).map((_, i) => i)),
    ...client.ping('ping!'),
    ...client.close(1000),
  ];
  const body = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const f of frames) {
    body.set(f, offset);
    offset += f.length;
  }
  const echoed = await collect(await fetch('./ws-demo/echo', { method: 'POST', body }));
  log('POST ws-demo/echo →');
  for (const m of echoed) log(`  ${show(m)}`);

  return { pageBackend, swBackend, received, echoed };
}

window.wsframeExample = main().catch((error) => {
  log(`error: ${error}`);
  throw error;
});

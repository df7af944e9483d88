// Chromium (the one find-chromium.mjs finds, e.g. Debian's /usr/bin/chromium; through playwright-core,
// headless): serves build/runtimes/app on 127.0.0.1 (a secure context, as service workers need) and runs, each
// in a fresh browser context:
//   main thread            runtimes/browser/main.html   (await init(); the TS backend serves until then)
//   main thread, ./js      runtimes/browser/main.html?variant=js
//   main thread, no WASM   runtimes/browser/main.html?variant=nowasm (globalThis.WSFRAME_NO_WASM)
//   main thread, CSP       runtimes/browser/csp.html?variant=csp (no 'wasm-unsafe-eval': init() → 'js')
//   dedicated worker       runtimes/browser/worker.html (initSync() in a module worker)
//   service worker         runtimes/browser/sw.html (initSync() in a module service worker)
//   example                examples/service-worker/ (framed fetch streams decoded with DecoderStream)
// Prints one `WSFRAME-RESULT {json}` line per context. Usage: node chromium.mjs <app dir> (made by run.mjs).
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../examples/service-worker/serve.mjs';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';

if (!process.argv[2]) throw new Error('usage: node chromium.mjs <app dir>');
const appDir = resolve(process.argv[2]);
const { path: executablePath, tried } = findChromium();
if (!executablePath) throw new Error(`no Chromium (looked at ${tried.join('; ')}): set CHROMIUM_PATH`);

const { server, origin } = await startServer(
  {
    '/': appDir,
    '/examples/service-worker/vendor/wsframe/': join(appDir, 'node_modules', 'wsframe', 'dist'),
  },
  {
    headersFor: (path) =>
      path.endsWith('/csp.html') ? { 'content-security-policy': "default-src 'self'; script-src 'self'" } : {},
  },
);

let failed = false;
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
const runtime = `chromium ${browser.version()}`;

async function open(path, read) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = [];
  page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  context.on('serviceworker', (worker) => worker.on('console', (m) => log.push(`sw console.${m.type()}: ${m.text()}`)));
  try {
    await page.goto(`${origin}${path}`);
    return await read(page);
  } catch (error) {
    return { passed: 0, failed: 1, failures: [`${error.message}\n${log.join('\n')}`] };
  } finally {
    await context.close();
  }
}

const readResult = async (page) => {
  await page.waitForFunction(() => 'wsframeResult' in window, null, { timeout: 30_000 });
  return page.evaluate(() => window.wsframeResult);
};

const PAGES = [
  ['/runtimes/browser/main.html', 'main thread'],
  ['/runtimes/browser/main.html?variant=js', 'main thread'],
  ['/runtimes/browser/main.html?variant=nowasm', 'main thread'],
  ['/runtimes/browser/csp.html?variant=csp', 'main thread'],
  ['/runtimes/browser/worker.html', 'dedicated worker'],
  ['/runtimes/browser/sw.html', 'service worker'],
];

for (const [path, context] of PAGES) {
  const variant = new URL(path, origin).searchParams.get('variant') ?? 'main';
  const result = await open(path, readResult);
  report({ context, variant, backend: '?', backends: [], ms: 0, ...result });
}

// The service-worker example: the page decodes what the service worker frames.
const started = Date.now();
const example = await open('/examples/service-worker/', async (page) => {
  await page.waitForFunction(() => 'wsframeExample' in window, null, { timeout: 30_000 });
  const got = await page.evaluate(async () => {
    const r = await window.wsframeExample;
    const plain = (m) => ({ ...m, data: m.data instanceof Uint8Array ? Array.from(m.data) : m.data });
    return { ...r, received: r.received.map(plain), echoed: r.echoed.map(plain) };
  });
  const problems = [];
  const expectThat = (ok, problem) => ok || problems.push(problem);
  expectThat(got.pageBackend === 'wasm', `page backend ${got.pageBackend}`);
  expectThat(got.swBackend === 'wasm', `service worker backend ${got.swBackend}`);
  const texts = got.received.filter((m) => m.type === 'text').map((m) => m.data);
  expectThat(
    texts.length === 5 && texts[4] === 'message 5 of 5 from the service worker',
    `stream texts ${JSON.stringify(texts)}`,
  );
  expectThat(
    JSON.stringify(got.received.slice(5)) ===
      JSON.stringify([
        { type: 'binary', data: [0xde, 0xad, 0xbe, 0xef] },
        { type: 'ping', data: Array.from(new TextEncoder().encode('still there?')) },
        { type: 'close', code: 1000, reason: 'done' },
      ]),
    `stream tail ${JSON.stringify(got.received.slice(5))}`,
  );
  const echoed = got.echoed;
  expectThat(echoed.length === 4, `echo: ${echoed.length} messages`);
  expectThat(
    echoed[0]?.type === 'text' && echoed[0].data === 'hello, service worker',
    `echo text ${JSON.stringify(echoed[0])}`,
  );
  expectThat(
    echoed[1]?.type === 'binary' && echoed[1].data.length === 3000 && echoed[1].data.every((b, i) => b === (i & 0xff)),
    'echo binary differs',
  );
  expectThat(
    echoed[2]?.type === 'pong' && String.fromCharCode(...echoed[2].data) === 'ping!',
    `echo pong ${JSON.stringify(echoed[2])}`,
  );
  expectThat(
    echoed[3]?.type === 'close' && echoed[3].code === 1000 && echoed[3].reason === 'bye',
    `echo close ${JSON.stringify(echoed[3])}`,
  );
  // The page stays readable: its log (a 3000-byte binary message among it) does not widen it past the viewport.
  const width = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expectThat(width.page <= width.viewport, `example page is ${width.page} px wide in a ${width.viewport} px viewport`);
  return { passed: 10 - problems.length, failed: problems.length, failures: problems, backend: got.pageBackend };
});
report({
  context: 'service-worker example',
  variant: 'main',
  backends: ['auto'],
  ms: Date.now() - started,
  ...example,
});

await browser.close();
server.close();
process.exit(failed ? 1 : 0);

function report(r) {
  if (r.failed > 0 || !(r.passed > 0)) failed = true;
  console.log(`WSFRAME-RESULT ${JSON.stringify({ runtime, ...r })}`);
}

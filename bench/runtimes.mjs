// The portable decode sweep (bench/portable/sweep.mjs) on Node, Deno 2.9, Bun 1.4 (npm packages) and in a
// Chromium dedicated worker (test/runtimes/find-chromium.mjs, through playwright-core): what WASM buys over the
// TS backend on each runtime. Prints one JSON line per runtime; a runtime that is missing is reported, not
// fatal (`npm run bench` must work where Chromium is not installed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, findChromium } from '../test/runtimes/find-chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const q = quick ? ['--quick'] : [];
const bin = (name) => join(root, 'node_modules', '.bin', name);

function cli(label, command, args) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20, timeout: 300_000 });
  if (r.status !== 0) {
    process.stdout.write(
      `${JSON.stringify({ runtime: label, error: (r.stderr || r.error?.message || '').slice(0, 300) })}\n`,
    );
    return;
  }
  process.stdout.write(`${r.stdout.trim().split('\n').at(-1)}\n`);
}

cli('node', process.execPath, ['bench/portable/cli.mjs', ...q]);
cli('deno', bin('deno'), ['run', 'bench/portable/cli.mjs', ...q]);
cli('bun', bin('bun'), ['bench/portable/cli.mjs', ...q]);

// Chromium: a dedicated module worker imports the built package from a loopback static server.
const { path: CHROMIUM, tried } = findChromium();
if (!CHROMIUM) {
  process.stdout.write(
    `${JSON.stringify({ runtime: 'chromium', error: `no Chromium (looked at ${tried.join('; ')})` })}\n`,
  );
} else {
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = createRequire(import.meta.url)('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const base = `http://127.0.0.1:${server.address().port}`;
    await page.goto(`${base}/bench/portable/blank.html`).catch(() => {});
    const result = await page.evaluate(
      async ({ base, quick }) => {
        const source = `
        import * as wsframe from '${base}/dist/index.js';
        import { sweep } from '${base}/bench/portable/sweep.mjs';
        const rows = await sweep(wsframe, { quick: ${quick} });
        const version = (navigator.userAgent.match(/Chrome\\/([\\d.]+)/) || [])[1];
        const runtime = 'chromium ' + version + ' (dedicated worker)';
        postMessage({ runtime, backend: wsframe.activeBackend(), rows });`;
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const worker = new Worker(url, { type: 'module' });
        return await new Promise((resolve, reject) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
        });
      },
      { base, quick },
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ runtime: 'chromium', error: String(e).slice(0, 300) })}\n`);
  } finally {
    await browser.close();
    server.close();
  }
}

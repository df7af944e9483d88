// What compiling the embedded WASM costs at startup, each repetition in a fresh realm (no compiled code to
// reuse): `initSync()` and `await init()` in a fresh Node process, `await init()` on a Chromium main thread
// (a fresh browser context per repetition) and `initSync()` in a Chromium dedicated worker. Only the call is
// timed (performance.now() around it), not loading the modules. Measures the built dist/ (`npm run build`).
//
//   node bench/startup.mjs [--reps=15] [--json]
//
// bench/run.mjs puts the rows into bench/results/latest.md.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startServer } from '../examples/service-worker/serve.mjs';
import { CHROMIUM_ARGS, findChromium } from '../test/runtimes/find-chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { path: CHROMIUM } = findChromium();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summarise = (where, call, samples, extra = {}) => ({
  where,
  call,
  reps: samples.length,
  median: median(samples),
  min: Math.min(...samples),
  max: Math.max(...samples),
  ...extra,
});

/** `call` ('initSync' or 'init') timed in `reps` fresh Node processes. */
function node(call, reps) {
  const url = pathToFileURL(join(root, 'dist', 'index.js')).href;
  const script = `import * as w from ${JSON.stringify(url)};
const t = performance.now(); const backend = ${call === 'init' ? 'await w.init()' : 'w.initSync()'};
console.log(JSON.stringify({ ms: performance.now() - t, backend }));`;
  const samples = [];
  for (let i = 0; i < reps; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${call}: ${r.stderr}`);
    const { ms, backend } = JSON.parse(r.stdout.trim().split('\n').at(-1));
    if (backend !== 'wasm') throw new Error(`node ${call} gave backend ${backend}`);
    samples.push(ms);
  }
  return summarise(`Node ${process.version}, fresh process`, call === 'init' ? 'await init()' : 'initSync()', samples);
}

/** `await init()` on a main thread and `initSync()` in a dedicated worker, each in `reps` fresh contexts. */
async function chromium(reps) {
  if (!CHROMIUM) return [{ where: 'chromium', error: 'no Chromium found (see test/runtimes/find-chromium.mjs)' }];
  const { chromium: launcher } = createRequire(import.meta.url)('playwright-core');
  const { server, origin } = await startServer({ '/': join(here, 'portable'), '/wsframe/': join(root, 'dist') });
  const browser = await launcher.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const version = browser.version();
  const main = [];
  const worker = [];
  try {
    for (let i = 0; i < reps; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${origin}/blank.html`);
      const got = await page.evaluate(async () => {
        const w = await import('/wsframe/index.js');
        const t = performance.now();
        const backend = await w.init();
        const mainMs = performance.now() - t;
        const source = `import * as w from '${location.origin}/wsframe/index.js';
          const t = performance.now(); const backend = w.initSync();
          postMessage({ ms: performance.now() - t, backend });`;
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const inWorker = await new Promise((resolve, reject) => {
          const worker = new Worker(url, { type: 'module' });
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => reject(new Error(e.message));
        });
        return { main: { ms: mainMs, backend }, worker: inWorker };
      });
      await context.close();
      if (got.main.backend !== 'wasm' || got.worker.backend !== 'wasm') {
        throw new Error(`chromium: ${JSON.stringify(got)}`);
      }
      main.push(got.main.ms);
      worker.push(got.worker.ms);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return [
    summarise(`Chromium ${version}, main thread, fresh context`, 'await init()', main),
    summarise(`Chromium ${version}, dedicated worker, fresh context`, 'initSync()', worker),
  ];
}

/** Every measurement, `reps` repetitions each. */
export async function measureStartup(reps = 15) {
  return [node('initSync', reps), node('init', reps), ...(await chromium(reps))];
}

/** Markdown for bench/results/latest.md. */
export function startupTable(rows, when) {
  const f = (v) => v.toFixed(1);
  const lines = [
    '## startup: compiling the embedded WASM',
    '',
    `bench/startup.mjs${when ? ` (${when})` : ''}: each repetition in a fresh process or browser context;`,
    'only the call is timed, not loading the modules.',
    '',
    '| where | call | median ms | min–max ms | reps |',
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      r.error
        ? `| ${r.where} | not measured: ${r.error} | | | |`
        : `| ${r.where} | \`${r.call}\` | ${f(r.median)} | ${f(r.min)}–${f(r.max)} | ${r.reps} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 15);
  const rows = await measureStartup(reps);
  if (process.argv.includes('--json')) for (const r of rows) console.log(JSON.stringify(r));
  else console.log(startupTable(rows));
}

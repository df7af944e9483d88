// Browser main thread. ?variant=
//   main    'wsframe': the TS backend serves until `await init()` compiles WASM; then cases on both backends
//   js      'wsframe/js': no WASM; cases on the TS backend
//   nowasm  globalThis.WSFRAME_NO_WASM = true before init(): init() resolves 'js'
//   csp     served with a CSP without 'wasm-unsafe-eval': init() resolves 'js', decoding still works
// The report lands in window.wsframeResult (a promise), read by test/runtimes/chromium.mjs.
import { checkBackend, merge, runCases } from '../cases.mjs';
import utf8Vectors from '../utf8-vectors.mjs';

const variant = new URLSearchParams(location.search).get('variant') ?? 'main';

async function run() {
  if (variant === 'nowasm') globalThis.WSFRAME_NO_WASM = true;
  const wsframe = await import(
    variant === 'js' ? '/node_modules/wsframe/dist/js.js' : '/node_modules/wsframe/dist/index.js'
  );
  const started = Date.now();
  const problems = [];
  let checks = 0;
  const expectThat = (ok, problem) => {
    checks++;
    if (!ok) problems.push(problem);
  };

  // Before init(): a main thread never compiles synchronously on its own; the TS backend serves.
  expectThat(wsframe.activeBackend() === 'js', `activeBackend() before init() is ${wsframe.activeBackend()}`);
  const early = new wsframe.MessageDecoder({ role: 'server' });
  const wire = (s) => {
    const parts = new wsframe.MessageEncoder({ role: 'client' }).text(s);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const big = 'κόσμε '.repeat(2000);
  const [before] = early.push(wire(big));
  expectThat(before?.data === big && early.lastBackend === 'js', `before init(): decoded on ${early.lastBackend}`);

  const expect = variant === 'main' ? 'wasm' : 'js';
  const initialised = await wsframe.init();
  expectThat(initialised === expect, `init() resolved ${initialised}, expected ${expect}`);
  expectThat(wsframe.activeBackend() === expect, `activeBackend() after init() is ${wsframe.activeBackend()}`);
  // A decoder made before init() moves to WASM for large chunks once it is ready.
  const [after] = early.push(wire(big));
  expectThat(after?.data === big && early.lastBackend === expect, `after init(): decoded on ${early.lastBackend}`);

  let result = { passed: checks - problems.length, failed: problems.length, failures: problems };
  if (expect === 'wasm') result = merge(result, await checkBackend(wsframe, { expect }));
  const backends = expect === 'wasm' ? ['wasm', 'js'] : ['js'];
  if (variant === 'main' || variant === 'js')
    result = merge(result, await runCases(wsframe, { backends, utf8Vectors }));
  return {
    variant,
    context: 'main thread',
    backend: wsframe.activeBackend(),
    backends,
    ...result,
    ms: Date.now() - started,
  };
}

window.wsframeResult = run().catch((error) => ({
  variant,
  context: 'main thread',
  passed: 0,
  failed: 1,
  failures: [String(error?.stack || error)],
}));

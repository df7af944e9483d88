// Runs the portable cases on Node, Deno or Bun against the packed package, imported by name ('wsframe',
// 'wsframe/js') from the node_modules that test/runtimes/run.mjs extracted the tarball into.
// Usage: <runtime> launcher.mjs main|js|nowasm|env
//   main    'wsframe': initSync() compiles WASM; cases on both backends
//   js      'wsframe/js': no WASM in the bundle; cases on the TS backend
//   nowasm  'wsframe' with globalThis.WSFRAME_NO_WASM = true: backend checks only (TS everywhere)
//   env     'wsframe' run with WSFRAME_NO_WASM=1 in the environment: backend checks only
//   adapter 'wsframe/node', 'wsframe/deno' or 'wsframe/bun' (this runtime's): a server and a client echo
// Prints one line `WSFRAME-RESULT {json}` and exits non-zero when a check failed.
import * as main from 'wsframe';
import * as jsOnly from 'wsframe/js';
import { checkBackend, merge, runAdapter, runCases } from './cases.mjs';
import utf8Vectors from './utf8-vectors.mjs';

const g = globalThis;
const args = g.Deno ? g.Deno.args : g.process.argv.slice(2);
const variant = args[0] ?? 'main';
const runtime = g.Deno
  ? `deno ${g.Deno.version.deno}`
  : g.Bun
    ? `bun ${g.Bun.version}`
    : `node ${g.process.versions.node}`;

if (variant === 'adapter') {
  const name = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
  const started = Date.now();
  const result = await runAdapter(await import(`wsframe/${name}`));
  console.log(
    `WSFRAME-RESULT ${JSON.stringify({ runtime, variant, backend: 'auto', backends: [], ...result, ms: Date.now() - started })}`,
  );
  if (g.Deno) g.Deno.exit(result.failed === 0 ? 0 : 1);
  else g.process.exit(result.failed === 0 ? 0 : 1);
}
if (variant === 'nowasm') g.WSFRAME_NO_WASM = true;
const wsframe = variant === 'js' ? jsOnly : main;
const expect = variant === 'main' ? 'wasm' : 'js';
const started = Date.now();
let result = await checkBackend(wsframe, { expect });
const backends = expect === 'wasm' ? ['wasm', 'js'] : ['js'];
if (variant === 'main' || variant === 'js') result = merge(result, await runCases(wsframe, { backends, utf8Vectors }));
const report = { runtime, variant, backend: wsframe.activeBackend(), backends, ...result, ms: Date.now() - started };
console.log(`WSFRAME-RESULT ${JSON.stringify(report)}`);
if (g.Deno) g.Deno.exit(result.failed === 0 ? 0 : 1);
else g.process.exit(result.failed === 0 ? 0 : 1);

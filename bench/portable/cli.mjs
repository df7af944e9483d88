// Deno / Bun / Node entry: `deno run bench/portable/cli.mjs [--quick]`, `bun bench/portable/cli.mjs`.
import * as wsframe from '../../dist/index.js';
import { sweep } from './sweep.mjs';

const args = globalThis.Deno ? Deno.args : globalThis.process.argv.slice(2);
const runtime = globalThis.Deno
  ? `deno ${Deno.version.deno}`
  : globalThis.Bun
    ? `bun ${Bun.version}`
    : `node ${process.version}`;
// ws is Node-only territory: Deno's npm layer and Bun's built-in `ws` shim do not provide its Receiver.
const extra = [];
const rows = await sweep(wsframe, { quick: args.includes('--quick'), extra });
console.log(JSON.stringify({ runtime, backend: wsframe.activeBackend(), rows }));

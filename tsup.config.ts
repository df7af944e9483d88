import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

/**
 * Two builds, each ESM + CJS + .d.ts:
 * - `wsframe` (src/index.ts → dist/index.*): WASM embedded (base64) with the TS backend as fallback.
 * - `wsframe/js` (src/js.ts → dist/js.*): the same code with src/backend/wasm-loader.ts replaced by
 *   wasm-loader-none.ts, so the bundle holds no WASM bytes (test/runtimes/run.mjs greps for them).
 * They share no chunks (a class from one is not `instanceof` the other's); import one of them per program.
 */

// The builds run in parallel, so neither may `clean` (one would delete the other's output): clean once here.
rmSync(fileURLToPath(new URL('./dist', import.meta.url)), { recursive: true, force: true });

const common: Options = {
  format: ['esm', 'cjs'],
  // stripInternal: members marked @internal (backend plumbing, WebAssembly types) stay out of the .d.ts.
  dts: { compilerOptions: { stripInternal: true } },
  clean: false,
  sourcemap: false,
  target: 'es2022',
  treeshake: true,
  splitting: false,
};

const noWasm = fileURLToPath(new URL('./src/backend/wasm-loader-none.ts', import.meta.url));

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' } },
  // The runtime adapters: each bundles the codec it uses.
  { ...common, entry: { node: 'src/adapters/node.ts' }, platform: 'node' },
  { ...common, entry: { deno: 'src/adapters/deno.ts' } },
  { ...common, entry: { bun: 'src/adapters/bun.ts' } },
  {
    ...common,
    entry: { js: 'src/js.ts' },
    esbuildPlugins: [
      {
        name: 'wsframe-no-wasm',
        setup(build) {
          build.onResolve({ filter: /[/\\]wasm-loader\.js$/ }, () => ({ path: noWasm }));
        },
      },
    ],
  },
]);

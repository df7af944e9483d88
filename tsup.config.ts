import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';

/**
 * The package's entry points; add one here and to package.json `exports` for a new subpath. Each gets
 * - `dist/<name>.js` (ESM) and `dist/<name>.cjs`, one bundled file each, with `.d.ts` / `.d.cts`: what Node, Deno,
 *   Bun and browsers load (one file loads faster than a tree of modules: an `import` of dist/index.js took
 *   28 ms in a fresh Node 20 process, the same code as 17 modules 47 ms, medians of 15 on a busy 2-core VM);
 * - a module in a tree of ES modules, one file per source module (`bundle: false`: the tree mirrors src/), for
 *   bundlers (the `module` export condition): with `"sideEffects": false` they drop every module an application
 *   does not reach, so `import { acceptKey }` costs the handshake module alone, not the decoder and the embedded
 *   WASM (bench/bundle-size.mjs measures each import, test/api/bundle-size.test.ts bounds them).
 * `wasm: false` builds the entry with src/backend/wasm-loader.ts replaced by wasm-loader-none.ts, so its files
 * hold no WASM bytes or glue (test/runtimes/run.mjs greps for them); its tree is dist/esm-<name>/, the others
 * share dist/esm/. Classes from a `wasm: false` entry are not those of the others: import one per program.
 */
const ENTRIES: { name: string; source: string; wasm: boolean }[] = [
  { name: 'index', source: 'src/index.ts', wasm: true },
  { name: 'js', source: 'src/js.ts', wasm: false },
  // The runtime adapters (servers and clients); each bundles the codec it uses.
  { name: 'node', source: 'src/adapters/node.ts', wasm: true },
  { name: 'deno', source: 'src/adapters/deno.ts', wasm: true },
  { name: 'bun', source: 'src/adapters/bun.ts', wasm: true },
  // permessage-deflate (RFC 7692): its own entry, so the engine (pako) costs nothing to those who don't use it.
  { name: 'deflate', source: 'src/deflate/index.ts', wasm: true },
];

// The builds run in parallel, so none may `clean` (one would delete another's output): clean once here.
rmSync(fileURLToPath(new URL('./dist', import.meta.url)), { recursive: true, force: true });

const src = fileURLToPath(new URL('./src/', import.meta.url));
const noWasmLoader = `${src}backend/wasm-loader-none.ts`;
/** Every source module, relative to src/ and without `.ts`. */
const MODULES = (readdirSync(src, { recursive: true }) as string[])
  .map((f) => f.replaceAll('\\', '/'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -3));
const moduleOf = (source: string): string => source.replace(/^src\/|\.ts$/g, '');
/** Modules that no tree holds: the stand-in loader, and entries without WASM in the WASM tree. */
const WASM_TREE_SKIPS = ['backend/wasm-loader-none', ...ENTRIES.filter((e) => !e.wasm).map((e) => moduleOf(e.source))];
/**
 * Modules a tree without WASM leaves out (wasm-loader.ts itself is compiled from wasm-loader-none.ts there), and
 * permessage-deflate, whose compressor embeds its own WASM module: `wsframe/deflate` is an entry of the WASM tree.
 */
const NO_WASM_SKIPS = [
  'generated/wasm',
  'backend/wasm',
  'backend/wasm-loader-none',
  'generated/deflate-wasm',
  ...MODULES.filter((m) => m.startsWith('deflate/') || m.startsWith('portable/deflate')),
];

/** Serves wasm-loader-none.ts wherever wasm-loader.ts is imported (bundles) or compiled (module trees). */
const noWasm: Plugin = {
  name: 'wsframe-no-wasm',
  setup(build) {
    build.onResolve({ filter: /[/\\]wasm-loader\.js$/ }, () => ({ path: noWasmLoader }));
    build.onLoad({ filter: /[/\\]src[/\\]backend[/\\]wasm-loader\.ts$/ }, () => ({
      contents: readFileSync(noWasmLoader, 'utf8'),
      loader: 'ts',
    }));
  },
};

const common: Options = {
  clean: false,
  sourcemap: false,
  target: 'es2022',
};

/** A tree of ES modules in dist/<dir>/, one per source module but `skip`. */
const tree = (dir: string, skip: string[], wasm: boolean): Options => ({
  ...common,
  format: ['esm'],
  bundle: false,
  treeshake: false,
  entry: Object.fromEntries(MODULES.filter((m) => !skip.includes(m)).map((m) => [`${dir}/${m}`, `src/${m}.ts`])),
  esbuildPlugins: wasm ? [] : [noWasm],
});

export default defineConfig([
  ...ENTRIES.map(
    (e): Options => ({
      ...common,
      format: ['esm', 'cjs'],
      // stripInternal: members marked @internal (backend plumbing, WebAssembly types) stay out of the .d.ts.
      dts: { compilerOptions: { stripInternal: true } },
      treeshake: true,
      splitting: false,
      entry: { [e.name]: e.source },
      esbuildPlugins: e.wasm ? [] : [noWasm],
    }),
  ),
  tree('esm', WASM_TREE_SKIPS, true),
  ...ENTRIES.filter((e) => !e.wasm).map((e) => tree(`esm-${e.name}`, NO_WASM_SKIPS, false)),
]);

import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import type { Plugin } from 'esbuild';

/**
 * The package's entry points. Each gets CommonJS (`dist/<name>.cjs`, one bundled file) and types
 * (`dist/<name>.d.ts`, `.d.cts`); add an entry here (and to package.json `exports`) for a new subpath.
 * `wasm: false` builds it with src/backend/wasm-loader.ts replaced by wasm-loader-none.ts, so the output holds
 * no WASM bytes or glue (test/runtimes/run.mjs greps for them).
 */
const ENTRIES: { name: string; source: string; wasm: boolean }[] = [
  { name: 'index', source: 'src/index.ts', wasm: true },
  { name: 'js', source: 'src/js.ts', wasm: false },
];

/**
 * ESM is emitted one file per source module (`bundle: false`: dist/ mirrors src/), so that a bundler, told by
 * `"sideEffects": false`, drops every module an application does not reach: `import { acceptKey }` then
 * costs the handshake code alone, not the decoder and the embedded WASM (bench/bundle-size.mjs measures it,
 * test/bundle-size.test.ts bounds it). Two module trees:
 * - dist/*.js, dist/backend/*.js, dist/generated/wasm.js: every module of src/ (`wsframe` is dist/index.js).
 * - dist/js/**: the same modules without WASM (wasm-loader.ts replaced as above, no generated/ or backend/wasm);
 *   dist/js.js, the `wsframe/js` entry, re-exports dist/js/index.js. Its classes are not those of `wsframe`:
 *   import one of them per program.
 * CommonJS consumers do not tree-shake, so their bundled files stay whole.
 */

// The builds run in parallel, so none may `clean` (one would delete another's output): clean once here.
rmSync(fileURLToPath(new URL('./dist', import.meta.url)), { recursive: true, force: true });

const src = fileURLToPath(new URL('./src/', import.meta.url));
const noWasmLoader = `${src}backend/wasm-loader-none.ts`;
/** Source modules (relative to src/, without `.ts`) that only the WASM build contains. */
const WASM_ONLY = ['generated/wasm', 'backend/wasm'];
/** Entry files that only re-export another module tree: not modules of a tree themselves. */
const ENTRY_ONLY = ENTRIES.filter((e) => !e.wasm).map((e) => e.source.replace(/^src\/|\.ts$/g, ''));
const modules = (readdirSync(src, { recursive: true }) as string[])
  .map((f) => f.replaceAll('\\', '/'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => f.slice(0, -3))
  .filter((m) => !ENTRY_ONLY.includes(m) && m !== 'backend/wasm-loader-none');
const tree = (prefix: string, list: string[]): Record<string, string> =>
  Object.fromEntries(list.map((m) => [`${prefix}${m}`, `src/${m}.ts`]));

/** Serves wasm-loader-none.ts wherever wasm-loader.ts is imported (bundled builds) or compiled (module trees). */
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

/** Each entry without WASM, as an ESM file: a re-export of its module tree in dist/<name>/. */
const entryStubs: Plugin = {
  name: 'wsframe-entry-stubs',
  setup(build) {
    for (const e of ENTRIES.filter((x) => !x.wasm)) {
      const file = fileURLToPath(new URL(`./${e.source}`, import.meta.url));
      build.onLoad({ filter: new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => ({
        contents: `export * from './${e.name}/index.js';\n`,
        loader: 'js',
      }));
    }
  },
};

const common: Options = {
  clean: false,
  sourcemap: false,
  target: 'es2022',
};
// stripInternal: members marked @internal (backend plumbing, WebAssembly types) stay out of the .d.ts.
const dts = (entry: Record<string, string>) => ({ entry, compilerOptions: { stripInternal: true } });
const entryMap = (list: typeof ENTRIES) => Object.fromEntries(list.map((e) => [e.name, e.source]));

export default defineConfig([
  // ESM, module by module, and the .d.ts of every entry.
  {
    ...common,
    format: ['esm'],
    bundle: false,
    treeshake: false,
    entry: tree('', modules),
    dts: dts(entryMap(ENTRIES)),
  },
  {
    ...common,
    format: ['esm'],
    bundle: false,
    treeshake: false,
    entry: {
      ...entryMap(ENTRIES.filter((e) => !e.wasm)),
      ...Object.fromEntries(ENTRIES.filter((e) => !e.wasm).flatMap((e) =>
        Object.entries(tree(`${e.name}/`, modules.filter((m) => !WASM_ONLY.includes(m)))))),
    },
    esbuildPlugins: [noWasm, entryStubs],
  },
  // CommonJS, one bundled file per entry, with its .d.cts.
  ...ENTRIES.map((e): Options => ({
    ...common,
    format: ['cjs'],
    treeshake: true,
    splitting: false,
    entry: { [e.name]: e.source },
    dts: dts({ [e.name]: e.source }),
    esbuildPlugins: e.wasm ? [] : [noWasm],
  })),
]);

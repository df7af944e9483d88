/**
 * `wsframe/js` — the same API as `wsframe`, built without the WebAssembly backend: no WASM bytes or WASM
 * glue in the bundle, nothing to compile, the same results (slower on large payloads). `init()` and
 * `initSync()` resolve/return 'js', `activeBackend()` is 'js', and `backend: 'wasm'` throws.
 *
 * tsup.config.ts builds this entry with src/backend/wasm-loader.ts swapped for wasm-loader-none.ts.
 */
export * from './index.js';

/**
 * Stand-in for wasm-loader.ts in the `wsframe/js` build (see tsup.config.ts): no WASM bytes, no WASM glue.
 * `init()` / `initSync()` then report 'js' and `backend: 'wasm'` throws.
 */
import type { WasmBackend } from './wasm.js';

export const WASM_EMBEDDED = false;

export function compileWasmSync(): WasmBackend {
  throw new Error('wsframe/js is built without WebAssembly');
}

export function compileWasm(): Promise<WasmBackend> {
  return Promise.reject(new Error('wsframe/js is built without WebAssembly'));
}

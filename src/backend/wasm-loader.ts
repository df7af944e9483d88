/**
 * Compiles the WASM module embedded in src/generated/wasm.ts (base64, so nothing is fetched or read from disk
 * at run time). This is the only module that imports the bytes: the `wsframe/js` build (tsup.config.ts) swaps
 * it for wasm-loader-none.ts, so that bundle carries neither the bytes nor the WASM glue.
 */
import { WASM_BASE64 } from '../generated/wasm.js';
import { WasmBackend } from './wasm.js';

/** True when this build carries the WASM bytes. */
export const WASM_EMBEDDED = true;

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Synchronous compile. Throws where that is refused (a browser main thread, a CSP without 'wasm-unsafe-eval'). */
export function compileWasmSync(): WasmBackend {
  return new WasmBackend(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}));
}

/** Asynchronous compile; rejects when WebAssembly is unavailable or forbidden. */
export async function compileWasm(): Promise<WasmBackend> {
  const { instance } = await WebAssembly.instantiate(wasmBytes(), {});
  return new WasmBackend(instance);
}

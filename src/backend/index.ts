/**
 * Backend selection. `init()` / `initSync()` compile the embedded WASM once per realm; until then (or when
 * WASM is unavailable or switched off) the pure-TS backend serves with identical results.
 */
import { LAYOUT_CHECKSUM } from '../layout.js';
import { WASM_BASE64 } from '../generated/wasm.js';
import { JsBackend } from './js.js';
import type { Backend } from './types.js';
import { WasmBackend } from './wasm.js';

export type BackendName = 'wasm' | 'js';
export type BackendOption = 'auto' | BackendName;

const js = new JsBackend();
let wasm: WasmBackend | null = null;
let attempted = false;
let pending: Promise<BackendName> | null = null;

/**
 * `WSFRAME_NO_WASM=1` in the environment, or `globalThis.WSFRAME_NO_WASM = true`, forces the TS backend
 * (like ws's `WS_NO_BUFFER_UTIL`).
 */
function wasmDisabled(): boolean {
  const g = globalThis as { WSFRAME_NO_WASM?: unknown; process?: { env?: Record<string, string | undefined> } };
  if (g.WSFRAME_NO_WASM === true || g.WSFRAME_NO_WASM === '1') return true;
  try {
    const v = g.process?.env?.WSFRAME_NO_WASM;
    return v !== undefined && v !== '' && v !== '0' && v !== 'false';
  } catch {
    return false; // Deno without --allow-env throws on env access
  }
}

function wasmBytes(): Uint8Array<ArrayBuffer> {
  const binary = atob(WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function adopt(instance: WebAssembly.Instance): BackendName {
  const backend = new WasmBackend(instance);
  if (backend.exports.layoutChecksum() !== LAYOUT_CHECKSUM) throw new Error('wsframe: WASM layout mismatch');
  wasm = backend;
  return 'wasm';
}

/** Compile the embedded WASM synchronously (Node, Deno, Bun, workers). Idempotent; never throws. */
export function initSync(): BackendName {
  if (wasm) return 'wasm';
  if (attempted || wasmDisabled()) return 'js';
  attempted = true;
  try {
    return adopt(new WebAssembly.Instance(new WebAssembly.Module(wasmBytes()), {}));
  } catch {
    return 'js';
  }
}

/** Compile the embedded WASM asynchronously (any runtime, including a browser main thread). Never throws. */
export function init(): Promise<BackendName> {
  if (wasm) return Promise.resolve('wasm');
  if (attempted || wasmDisabled()) return Promise.resolve('js');
  pending ??= WebAssembly.instantiate(wasmBytes(), {}).then(
    (result) => (wasm ? 'wasm' : adopt(result.instance)),
    () => 'js' as const,
  ).finally(() => {
    attempted = true;
  });
  return pending;
}

/**
 * Off a browser main thread, the first use compiles WASM synchronously (a few KiB, well under a
 * millisecond). On a browser main thread (which has `document`) only `init()` compiles.
 */
function lazyInit(): void {
  if (!wasm && !attempted && typeof (globalThis as { document?: unknown }).document === 'undefined') initSync();
}

/** What new decoders and encoders with `backend: 'auto'` will use. */
export function activeBackend(): BackendName {
  lazyInit();
  return wasm ? 'wasm' : 'js';
}

/**
 * Chunks shorter than this are parsed by the TS backend even when WASM is ready: below it, copying into
 * WASM and crossing the boundary costs more than the work saved. Provisional value; issue 4's
 * bench/decode.bench.mjs ("auto vs wasm vs js, small frames") is where it gets tuned.
 */
export const AUTO_WASM_MIN_CHUNK = 192;

/** @internal */
export function resolveBackend(option: BackendOption = 'auto'): { js: JsBackend; wasm: WasmBackend | null } {
  if (option === 'js') return { js, wasm: null };
  lazyInit();
  if (option === 'wasm') {
    if (!wasm) initSync();
    if (!wasm) throw new Error('wsframe: WASM backend requested but unavailable (call init() first, or use "auto")');
  }
  return { js, wasm };
}

/** @internal pick the backend for one chunk */
export function pick(mode: BackendOption, wasmBackend: WasmBackend | null, length: number): Backend {
  if (mode === 'js') return js;
  if (mode === 'wasm') return wasmBackend!;
  const w = wasmBackend ?? wasm;
  return w !== null && length >= AUTO_WASM_MIN_CHUNK ? w : js;
}

/** @internal for tests */
export function wasmBackendForTests(): WasmBackend | null {
  initSync();
  return wasm;
}

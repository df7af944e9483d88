/**
 * Backend selection. `init()` / `initSync()` compile the embedded WASM once per realm; until then (or when
 * WASM is unavailable or switched off) the pure-TS backend serves with identical results.
 *
 * Runtimes: Node, Deno, Bun and workers (dedicated, shared, service) compile synchronously on first use. A
 * browser main thread (a realm with `document`) never compiles on its own: a synchronous compile blocks the
 * page, and browsers cap it there (Chromium 156: 8 MB; older Chromium: 4 KiB, less than this module). Call
 * `await init()`; the TS backend serves until it resolves. A page whose CSP lacks 'wasm-unsafe-eval' cannot
 * compile at all: `init()` then resolves 'js' and everything keeps working on the TS backend.
 */
import { onlyLargePlainFrames } from '../portable/frame.js';
import { PHASE_PAYLOAD, S_HDR_LEN, S_PHASE } from '../portable/layout.js';
import { JsBackend } from './js.js';
import { bind, unbind } from './platform.js';
import type { Backend } from './types.js';
import type { WasmBackend } from './wasm.js';
import { WASM_EMBEDDED, compileWasm, compileWasmSync } from './wasm-loader.js';

/** A backend: the WebAssembly module or the pure-TypeScript one (what `init()` and `activeBackend()` report). */
export type BackendName = 'wasm' | 'js';
/**
 * The `backend` option of decoders and encoders: `'auto'` (default) chooses per chunk and per payload (see
 * AUTO_WASM_MIN_CHUNK, AUTO_JS_VIEW_MIN, AUTO_WASM_MIN_MASK); `'wasm'` or `'js'` always uses that one.
 */
export type BackendOption = 'auto' | BackendName;

// Pure: an application that imports only `init` or a threshold leaves the TS backend out of its bundle.
const js = /* @__PURE__ */ new JsBackend();
let wasm: WasmBackend | null = null;
/** A synchronous compile failed (e.g. refused on a browser main thread); `init()` may still succeed. */
let syncFailed = false;
/** An asynchronous compile failed: WebAssembly is missing or forbidden here; stop trying. */
let unavailable = false;
let pending: Promise<BackendName> | null = null;

const FLAG = 'WSFRAME_NO_WASM';

interface Globals {
  WSFRAME_NO_WASM?: unknown;
  process?: { env?: Record<string, string | undefined> };
  Deno?: { permissions?: { querySync?(d: { name: 'env'; variable: string }): { state: string } } };
}

/** The environment variable, read only where that needs no permission prompt (Deno asks on a TTY). */
function envFlag(g: Globals): string | undefined {
  try {
    const query = g.Deno?.permissions?.querySync;
    if (query && query.call(g.Deno!.permissions, { name: 'env', variable: FLAG }).state !== 'granted') return undefined;
    return g.process?.env?.[FLAG];
  } catch {
    return undefined;
  }
}

let disabled: boolean | undefined;

/**
 * `WSFRAME_NO_WASM=1` in the environment (Node, Bun; Deno with --allow-env), or `globalThis.WSFRAME_NO_WASM =
 * true` (any runtime), forces the TS backend (like ws's `WS_NO_BUFFER_UTIL`). Read once, by the first decoder,
 * encoder, `init()`, `initSync()` or `activeBackend()`. The `wsframe/js` build has no WASM to begin with.
 */
function wasmDisabled(): boolean {
  if (disabled === undefined) {
    const g = globalThis as Globals;
    const v = envFlag(g);
    disabled =
      !WASM_EMBEDDED ||
      g.WSFRAME_NO_WASM === true ||
      g.WSFRAME_NO_WASM === '1' ||
      (v !== undefined && v !== '' && v !== '0' && v !== 'false');
  }
  return disabled;
}

/** Compile the embedded WASM synchronously (Node, Deno, Bun, workers). Idempotent; never throws. */
export function initSync(): BackendName {
  if (wasm) return 'wasm';
  if (syncFailed || unavailable || wasmDisabled()) return 'js';
  try {
    wasm = compileWasmSync();
    return 'wasm';
  } catch {
    syncFailed = true;
    return 'js';
  }
}

/**
 * Compile the embedded WASM asynchronously (any runtime; the way on a browser main thread). Idempotent; never
 * throws: resolves 'js' when WASM is switched off or cannot be compiled here.
 */
export function init(): Promise<BackendName> {
  if (wasm) return Promise.resolve('wasm');
  if (unavailable || wasmDisabled()) return Promise.resolve('js');
  pending ??= compileWasm().then(
    (backend) => {
      wasm ??= backend;
      return 'wasm' as const;
    },
    () => {
      unavailable = true;
      pending = null;
      return 'js' as const;
    },
  );
  return pending;
}

/**
 * Off a browser main thread, the first use compiles WASM synchronously (bench/startup.mjs "initSync()": 7–15 ms
 * in a fresh Node 20 process). On a browser main thread (which has `document`) only `init()` compiles.
 */
function lazyInit(): void {
  if (!wasm && !syncFailed && typeof (globalThis as { document?: unknown }).document === 'undefined') initSync();
}

/** What new decoders and encoders with `backend: 'auto'` will use. */
export function activeBackend(): BackendName {
  lazyInit();
  return wasm ? 'wasm' : 'js';
}

/**
 * Chunks shorter than this are parsed by the TS backend even when WASM is ready: below it, copying into WASM
 * and crossing the boundary cost more than the work saved (a tiny push that continues a frame WASM started
 * stays on WASM, see pick). bench/decode.bench.mjs auto-threshold "binary 20 B in 4-byte pushes": wasm ÷ js 0.9–1.15.
 */
export const AUTO_WASM_MIN_CHUNK = 4;

/**
 * The encoders mask client payloads shorter than this in TS: WASM's fixed cost (copy in, call, copy out,
 * ~60 ns) beats TS's byte/word loop only from here. bench/encode.bench.mjs auto-check "client binary 48 B":
 * wasm ÷ js 0.98.
 */
export const AUTO_WASM_MIN_MASK = 48;

/** @internal */
export function resolveBackend(option: BackendOption = 'auto'): { js: JsBackend; wasm: WasmBackend | null } {
  if (option === 'js') return { js, wasm: null };
  lazyInit();
  if (option === 'wasm') {
    if (!wasm) initSync();
    if (!wasm) {
      throw new Error(
        WASM_EMBEDDED
          ? 'wsframe: WASM backend requested but unavailable (call init() first, or use "auto")'
          : 'wsframe: WASM backend requested from wsframe/js, which has none (import "wsframe" instead)',
      );
    }
  }
  return { js, wasm };
}

/**
 * Unmasked binary payload costs WASM a copy into its window for nothing (no unmasking, no UTF-8 to check),
 * while the TS backend hands it out as views of the chunk or copies it once into the message buffer. So
 * `'auto'` gives a chunk of at least this many bytes to the TS backend when it holds nothing but unmasked
 * binary frames with payloads of at least this many bytes (and the rest of one being read; assembly/frame.ts
 * onlyLargePlainFrames, which needs it ≥ UTF8_DEFER_MIN). Twice the size where the two are level, for streams
 * that mix sizes: bench/decode.bench.mjs auto-check "client binary 4 KiB (interleaved)": js ÷ wasm 1.05–1.5.
 */
export const AUTO_JS_VIEW_MIN = 8192;

/** @internal pick who masks a client payload of `length` bytes (encoders). */
export function pickMasker(mode: BackendOption, wasmBackend: WasmBackend | null, length: number): Backend {
  if (mode === 'js') return js;
  if (mode === 'wasm') return wasmBackend!;
  const w = wasmBackend ?? wasm;
  return w !== null && length >= AUTO_WASM_MIN_MASK ? w : js;
}

/**
 * @internal pick the backend that parses `chunk` for a decoder in `state`; `last` is the one that parsed its
 * previous chunk. `'auto'` looks at the chunk's size and what it holds.
 */
export function pick(
  mode: BackendOption,
  wasmBackend: WasmBackend | null,
  state: Int32Array,
  chunk: Uint8Array,
  last: string | null,
): Backend {
  if (mode === 'js') return js;
  if (mode === 'wasm') return wasmBackend!;
  const w = wasmBackend ?? wasm;
  if (w === null) return js;
  const length = chunk.length;
  if (length < AUTO_WASM_MIN_CHUNK) {
    // A tiny push that continues a frame WASM started stays with WASM: alternating backends within one frame
    // cost more than either (bench "binary 0 B in 4-/5-byte pushes": 0.80–0.83x of WASM, below TS too).
    return last === 'wasm' && (state[S_PHASE] === PHASE_PAYLOAD || state[S_HDR_LEN] !== 0) ? w : js;
  }
  if (length < AUTO_JS_VIEW_MIN) return w;
  bind(state, chunk);
  const plain = onlyLargePlainFrames(length, AUTO_JS_VIEW_MIN);
  unbind();
  return plain ? js : w;
}

/** @internal for tests */
export function wasmBackendForTests(): WasmBackend | null {
  initSync();
  return wasm;
}

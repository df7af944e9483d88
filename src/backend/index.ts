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
import { JsBackend } from './js.js';
import {
  C_UTF8, C_UTF8_DEFER, F_MASKED, F_OPCODE, F_TEXT, M_DEFER, M_OPCODE, PHASE_HEADER, PHASE_PAYLOAD, S_CONFIG, S_FRAME, S_HDR_LEN, S_MSG,
  S_PHASE, S_REM_HI, S_REM_LO,
} from '../layout.js';
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
    disabled = !WASM_EMBEDDED || g.WSFRAME_NO_WASM === true || g.WSFRAME_NO_WASM === '1'
      || (v !== undefined && v !== '' && v !== '0' && v !== 'false');
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
 * Off a browser main thread, the first use compiles WASM synchronously: 6,064 bytes, which bench/startup.mjs
 * "initSync()" puts at 7–15 ms (medians of four runs) in a fresh Node 20 process. On a browser main thread
 * (which has `document`) only `init()` compiles.
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
 * Chunks shorter than this are parsed by the TS backend even when WASM is ready: below it, copying into
 * WASM and crossing the boundary costs more than the work saved. Set by bench/decode.bench.mjs group
 * "auto-threshold" (one small frame of 0/8/20/125 B pushed 1–12 bytes or all of it at a time; the backends
 * alternate in ~5 ms rounds, medians), wasm ÷ js on two machines (Node 20):
 *   Intel Xeon 2.5 GHz (2026-11-22): 1-byte pushes 0.79–0.84; 4: 0.90–1.02; 5–6: 0.91–1.13; 8–12: 0.98–1.05.
 *   AMD EPYC (2026-11-28):           1-byte pushes 0.81–0.91; 4: 0.93–1.15; 5–6: 0.94–1.34; 8–12: 0.99–1.13.
 * TS clearly wins only 1-byte pushes; from 4 bytes WASM is within 10 % of TS on both and up to 1.34x ahead,
 * so WASM from 4 bytes (it was 13, set on the Xeon alone: 0.74x on the EPYC for 5-byte pushes). Two later
 * EPYC runs had TS ahead at 4–6-byte pushes by up to 1.18x: the pair's order there flips between runs, and
 * over the four runs 4 has the best worst case (0.85–0.91 of the better backend; 8 or 13 give 0.78–0.82).
 * A tiny push that continues a frame WASM started stays on WASM (see pick).
 */
export const AUTO_WASM_MIN_CHUNK = 4;

/**
 * The encoders mask client payloads shorter than this in TS: WASM's fixed cost (copy in, call, copy out,
 * ~60 ns) beats TS's byte/word loop only from here. bench/encode.bench.mjs group "auto-check" (client binary
 * 8–125 B, interleaved), AMD EPYC, Node 20: wasm ÷ js 0.57 at 4–8 B, 0.69 at 16, 0.83 at 32, 0.98 at 48,
 * 1.11 at 64, 1.7 at 125 B.
 */
export const AUTO_WASM_MIN_MASK = 48;

/** @internal */
export function resolveBackend(option: BackendOption = 'auto'): { js: JsBackend; wasm: WasmBackend | null } {
  if (option === 'js') return { js, wasm: null };
  lazyInit();
  if (option === 'wasm') {
    if (!wasm) initSync();
    if (!wasm) {
      throw new Error(WASM_EMBEDDED
        ? 'wsframe: WASM backend requested but unavailable (call init() first, or use "auto")'
        : 'wsframe: WASM backend requested from wsframe/js, which has none (import "wsframe" instead)');
    }
  }
  return { js, wasm };
}

/**
 * Unmasked binary payload costs WASM a copy into its window for nothing (no unmasking, no UTF-8 to check),
 * while the TS backend hands it out as views of the chunk or copies it once into the message buffer. So
 * `'auto'` gives a chunk of at least this many bytes to the TS backend when it holds nothing but unmasked
 * binary frames with payloads of at least this many bytes (and the rest of one being read). Set by
 * bench/decode.bench.mjs group "auto-check", rows "client binary … (interleaved)", and a 1 KiB–1 MiB sweep of
 * the same (64 KiB chunks, Node 20 here): WASM 1.3x at 1 KiB frames, level at 2 KiB, TS 1.05–1.5x from 4 KiB
 * (the window copy was up to a third of the work). 8 KiB leaves a margin for streams that mix sizes.
 */
export const AUTO_JS_VIEW_MIN = 8192; // ≥ UTF8_DEFER_MIN: onlyLargePlainFrames relies on it (test/backend.test.ts)

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
export function pick(mode: BackendOption, wasmBackend: WasmBackend | null, state: Int32Array, chunk: Uint8Array, last: string | null): Backend {
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
  return length >= AUTO_JS_VIEW_MIN && onlyLargePlainFrames(state, chunk) ? js : w;
}

/**
 * Whether `chunk` holds only payload of unmasked binary frames, or of text the decoder validates itself
 * (C_UTF8_DEFER) or that is not validated at all, (RFC 6455 §5.2 headers walked here, at most
 * length / AUTO_JS_VIEW_MIN of them): the rest of the frame being read, then frames announcing at least
 * AUTO_JS_VIEW_MIN bytes each. Text (validated), masked, control or small frames, or a header split across
 * chunks at its start, say no. Only a guess at the cheaper backend: both decode identically whatever it says.
 */
function onlyLargePlainFrames(state: Int32Array, chunk: Uint8Array): boolean {
  const phase = state[S_PHASE]!;
  let pos: number;
  if (phase === PHASE_PAYLOAD) {
    if ((state[S_FRAME]! & (F_MASKED | F_TEXT)) !== 0) return false;
    if (state[S_REM_HI] !== 0) return true;
    pos = state[S_REM_LO]! >>> 0;
  } else if (phase === PHASE_HEADER && state[S_HDR_LEN] === 0) {
    pos = 0;
  } else {
    return false;
  }
  // Text the decoder validates itself (C_UTF8_DEFER, M_DEFER), or nobody validates (no C_UTF8), is plain bytes
  // to the backends, like binary.
  const config = state[S_CONFIG]!;
  const deferText = (config & C_UTF8_DEFER) !== 0 || (config & C_UTF8) === 0;
  const msg = state[S_MSG]!;
  let plain = (msg & M_OPCODE) === 2 || (msg & M_DEFER) !== 0;
  const n = chunk.length;
  // A header cut off by the chunk's end (fewer than 10 bytes left) is not looked at: the TS backend keeps it.
  while (pos + 10 <= n) {
    const opcode = chunk[pos]! & F_OPCODE;
    const b1 = chunk[pos + 1]!;
    // Binary, or text that will be deferred (its length, checked below, is ≥ AUTO_JS_VIEW_MIN ≥ UTF8_DEFER_MIN), or a
    // continuation of either; not control frames, nor text the backend validates.
    if (opcode === 2 || (opcode === 1 && deferText)) plain = true;
    else if (opcode !== 0 || !plain) return false;
    if ((b1 & 0x80) !== 0) return false; // masked
    const len7 = b1 & 0x7f;
    let length: number;
    if (len7 === 126) {
      length = (chunk[pos + 2]! << 8) | chunk[pos + 3]!;
      pos += 4;
    } else if (len7 === 127) {
      // Any of the high 5 bytes set: longer than any chunk.
      if ((chunk[pos + 2]! | chunk[pos + 3]! | chunk[pos + 4]! | chunk[pos + 5]! | chunk[pos + 6]!) !== 0) return true;
      length = chunk[pos + 7]! * 65536 + ((chunk[pos + 8]! << 8) | chunk[pos + 9]!);
      pos += 10;
    } else {
      return false;
    }
    if (length < AUTO_JS_VIEW_MIN) return false;
    pos += length;
  }
  return true;
}

/** @internal for tests */
export function wasmBackendForTests(): WasmBackend | null {
  initSync();
  return wasm;
}

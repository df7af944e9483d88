/**
 * The DEFLATE compressor kernel (assembly/deflate.ts: zlib's deflate as pako 3 writes it) on two backends: the
 * deflate WASM module, and the same code translated into TypeScript (src/portable/deflate.ts) over typed arrays.
 * Both write the same bytes as pako for the same parameters and messages (test/deflate/kernel.test.ts).
 *
 * Memory. WASM: one instance per realm, compiled on first use; each context is a block of its linear memory
 * (contextSize: 192 KiB at window 15 / memLevel 8) that stays there between calls. Blocks come from a bump
 * pointer with free lists by size (contexts of the same parameters have the same size, so a freed one is reused
 * as it is), and memory grows when the lists are empty. A message is not copied in whole: the kernel asks for
 * each piece of it as its window fills (`readInput`) and hands over its output whenever OUT_DRAIN bytes wait
 * (`drainOutput`), so one output area of OUT_BYTES (512 KiB) serves messages of any size. `release` returns a
 * context's block; a FinalizationRegistry in the engine returns those of deflaters dropped without `close()`.
 * Linear memory never shrinks, and cannot pass 4 GiB: about 21,000 contexts at 15/8 (the engine then falls back
 * to the TS kernel). TS: a context is its own ArrayBuffer, collected like any object.
 */
import { DEFLATE_WASM_BASE64 } from '../generated/deflate-wasm.js';
import { OUT_BYTES, contextSize } from '../portable/deflate-layout.js';
import { contextInit, contextReset, deflateSync, outputBound, staticInit } from '../portable/deflate.js';
import { type ContextViews, bind, unbind } from './platform.js';

/** RFC 7692 §7.2.1: a sync flush ends with an empty stored block, `00 00 ff ff` after its 3 header bits. */
function checkTail(out: Uint8Array, end: number): void {
  if (end < 5 || out[end - 4] !== 0 || out[end - 3] !== 0 || out[end - 2] !== 0xff || out[end - 1] !== 0xff) {
    throw new Error('wsframe: deflate output does not end with a sync flush');
  }
}

/** A compressor context on one of the backends. */
export interface KernelContext {
  /**
   * One message (`payload.length` > 0) compressed with a sync flush, its `00 00 ff ff` removed (RFC 7692
   * §7.2.1), in a new array. `fresh`: start from an empty window (no context takeover).
   */
  deflate(payload: Uint8Array, fresh: boolean): Uint8Array;
  /** Give the context's memory back; the context is unusable afterwards. */
  release(): void;
}

// ---------------------------------------------------------------------------------------------------------------
// WASM
// ---------------------------------------------------------------------------------------------------------------

interface Exports {
  memory: WebAssembly.Memory;
  heapStart(): number;
  staticInit(): void;
  contextInit(c: number, wbits: number, level: number, memLevel: number): void;
  contextReset(c: number): void;
  bindOutput(output: number): void;
  deflateSync(c: number, length: number): number;
}

const PAGE = 65536;
const NO_BYTES = new Uint8Array(0);

class WasmDeflate {
  exports!: Exports;
  private bytes = NO_BYTES;
  private top = 0;
  private readonly free = new Map<number, number[]>();
  /** The output area (OUT_BYTES). */
  private out = 0;
  /** The message being compressed, and the output handed over so far. */
  private payload: Uint8Array = NO_BYTES;
  private parts: Uint8Array[] = [];

  /** The host functions the module imports: a piece of the message, and output to take. */
  readonly imports = {
    env: {
      readInput: (dst: number, pos: number, n: number): void => {
        this.bytes.set(this.payload.subarray(pos, pos + n), dst);
      },
      drainOutput: (n: number): void => {
        this.parts.push(this.bytes.slice(this.out, this.out + n));
      },
    },
  };

  start(instance: WebAssembly.Instance): this {
    this.exports = instance.exports as unknown as Exports;
    this.exports.staticInit();
    this.top = this.exports.heapStart();
    this.out = this.alloc(OUT_BYTES);
    this.exports.bindOutput(this.out);
    return this;
  }

  /** A block of `size` bytes (64-aligned); throws a RangeError when memory cannot grow. */
  alloc(size: number): number {
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) return reused;
    const at = this.top;
    const end = at + size;
    const have = this.exports.memory.buffer.byteLength;
    if (end > have) this.exports.memory.grow(Math.ceil((end - have) / PAGE)); // RangeError past 4 GiB
    this.top = (end + 63) & ~63;
    return at;
  }

  dispose(at: number, size: number): void {
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(at);
  }

  open(wbits: number, level: number, memLevel: number): WasmContext {
    const size = contextSize(wbits, memLevel);
    const at = this.alloc(size);
    this.exports.contextInit(at, wbits, level, memLevel);
    return new WasmContext(this, at, size);
  }

  run(at: number, payload: Uint8Array, fresh: boolean): Uint8Array {
    // Memory grows only in alloc, between calls: the view made here serves the whole call.
    if (this.bytes.buffer !== this.exports.memory.buffer) this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.payload = payload;
    try {
      if (fresh) this.exports.contextReset(at);
      const length = this.exports.deflateSync(at, payload.length);
      const last = this.bytes.subarray(this.out, this.out + length);
      checkTail(last, length);
      if (this.parts.length === 0) return last.slice(0, length - 4);
      const parts = [...this.parts, last.subarray(0, length - 4)];
      let total = 0;
      for (const p of parts) total += p.length;
      const result = new Uint8Array(total);
      let pos = 0;
      for (const p of parts) {
        result.set(p, pos);
        pos += p.length;
      }
      return result;
    } finally {
      this.payload = NO_BYTES;
      this.parts = [];
    }
  }
}

class WasmContext implements KernelContext {
  private at: number;
  constructor(
    private readonly kernel: WasmDeflate,
    at: number,
    private readonly size: number,
  ) {
    this.at = at;
  }
  deflate(payload: Uint8Array, fresh: boolean): Uint8Array {
    if (this.at < 0) throw new Error('wsframe: this deflate context was released');
    return this.kernel.run(this.at, payload, fresh);
  }
  release(): void {
    if (this.at < 0) return;
    this.kernel.dispose(this.at, this.size);
    this.at = -1;
  }
}

let wasm: WasmDeflate | null | undefined;

/** The realm's WASM compressor, compiled on first use; null where WebAssembly is unavailable or refused. */
function wasmKernel(): WasmDeflate | null {
  if (wasm !== undefined) return wasm;
  try {
    const binary = atob(DEFLATE_WASM_BASE64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const kernel = new WasmDeflate();
    wasm = kernel.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), kernel.imports));
  } catch {
    // No WebAssembly, a CSP without 'wasm-unsafe-eval', or a browser main thread refusing a synchronous compile.
    wasm = null;
  }
  return wasm;
}

// ---------------------------------------------------------------------------------------------------------------
// TypeScript
// ---------------------------------------------------------------------------------------------------------------

let staticDone = false;
let output = new Uint8Array(0);

class JsContext implements KernelContext {
  private views: ContextViews | null;

  constructor(wbits: number, level: number, memLevel: number) {
    if (!staticDone) {
      staticInit();
      staticDone = true;
    }
    const buffer = new ArrayBuffer(contextSize(wbits, memLevel));
    this.views = { u8: new Uint8Array(buffer), u16: new Uint16Array(buffer), i32: new Int32Array(buffer) };
    bind(this.views, output, output);
    contextInit(0, wbits, level, memLevel);
    unbind();
  }

  deflate(payload: Uint8Array, fresh: boolean): Uint8Array {
    if (this.views === null) throw new Error('wsframe: this deflate context was released');
    const need = outputBound(payload.length);
    if (output.length < need) output = new Uint8Array(Math.max(need, 64 * 1024));
    bind(this.views, payload, output);
    try {
      if (fresh) contextReset(0);
      const length = deflateSync(0, payload.length);
      checkTail(output, length);
      return output.slice(0, length - 4);
    } finally {
      unbind();
    }
  }

  release(): void {
    this.views = null;
  }
}

/** Which kernel compresses: the WASM module, the TS translation, or the first that works. */
export type KernelBackend = 'auto' | 'wasm' | 'js';

/** Bytes of the deflate module's linear memory (0 before it is compiled): for tests and the bench. */
export function wasmDeflateMemory(): number {
  return wasm ? wasm.exports.memory.buffer.byteLength : 0;
}

/** Whether the WASM kernel works in this realm (compiles it on first call). */
export function wasmDeflateAvailable(): boolean {
  return wasmKernel() !== null;
}

/**
 * A new compressor context (windowBits 9–15, level 1–9, memLevel 1–9) on `backend`: 'wasm' throws where the
 * module does not compile or memory cannot grow; 'auto' falls back to the TS kernel there.
 */
export function openKernel(backend: KernelBackend, wbits: number, level: number, memLevel: number): KernelContext {
  if (backend !== 'js') {
    const kernel = wasmKernel();
    if (kernel !== null) {
      try {
        return kernel.open(wbits, level, memLevel);
      } catch (error) {
        if (backend === 'wasm') throw error;
      }
    } else if (backend === 'wasm') {
      throw new Error('wsframe: the deflate WASM module does not compile here');
    }
  }
  return new JsContext(wbits, level, memLevel);
}

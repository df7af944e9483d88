/**
 * The WASM backend: one instance per realm, one `parse` call per chunk. The chunk is copied into the window
 * once; WASM parses every frame, unmasks in place and validates text; the decoders read records through a
 * cached Int32Array. Views are rebuilt only when `memory.buffer` changes (memory grew).
 */
import { RECORD_CAPACITY, REC_WORDS, STATE_WORDS, WINDOW_PAD } from '../portable/layout.js';
import type { Backend } from './types.js';

interface Exports {
  memory: WebAssembly.Memory;
  statePtr(): number;
  recordsPtr(): number;
  windowPtr(): number;
  reserve(length: number): number;
  maskInPlace(ptr: number, len: number, key: number): void;
  unmaskValidate(ptr: number, len: number, key: number, state: number): number;
  parse(len: number, pos: number): number;
  utf8ToUtf16(src: number, len: number, dst: number): number;
}

/** Node's Buffer#ucs2Slice (UTF-16LE bytes → string by a two-byte copy), if this runtime has it. */
const ucs2Slice = (globalThis as { Buffer?: { prototype?: { ucs2Slice?: unknown } } }).Buffer?.prototype?.ucs2Slice as
  | ((this: Uint8Array, start: number, end: number) => string)
  | undefined;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly exports: Exports;
  records!: Int32Array;
  window!: Uint8Array;
  private stateView!: Int32Array;
  private buffer: ArrayBuffer | null = null;
  private readonly statePtr: number;
  private readonly recordsPtr: number;
  readonly windowPtr: number;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as Exports;
    this.statePtr = this.exports.statePtr();
    this.recordsPtr = this.exports.recordsPtr();
    this.windowPtr = this.exports.windowPtr();
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.stateView = new Int32Array(buffer, this.statePtr, STATE_WORDS);
    this.records = new Int32Array(buffer, this.recordsPtr, RECORD_CAPACITY * REC_WORDS);
    this.window = new Uint8Array(buffer, this.windowPtr);
    this.capacity = buffer.byteLength - this.windowPtr - WINDOW_PAD;
  }

  /** Make the window hold `length` bytes; returns the window (views refreshed if memory grew). */
  reserve(length: number): Uint8Array {
    // Fast path without a WASM call or a `memory.buffer` read (both show up for small pushes).
    if (length <= this.capacity) return this.window;
    if (!this.exports.reserve(length)) throw new RangeError(`wsframe: cannot grow WASM memory to ${length} bytes`);
    this.refresh();
    return this.window;
  }

  /** Window bytes usable without growing (memory size minus window start and trailing padding). */
  private capacity = 0;

  parse(state: Int32Array, chunk: Uint8Array, pos: number): number {
    if (pos === 0) this.reserve(chunk.length).set(chunk);
    this.stateView.set(state);
    const n = this.exports.parse(chunk.length, pos);
    state.set(this.stateView);
    return n;
  }

  /** Whether `utf16String` is available (Node: Buffer#ucs2Slice exists). */
  readonly fastStrings = typeof ucs2Slice === 'function';

  /**
   * Build a string from validated UTF-8 `bytes[start, start + length)` by transcoding to UTF-16 in WASM
   * and copying the code units out with ucs2Slice. `keep` window bytes (the chunk being parsed) are left
   * intact. May grow memory: callers must re-read `records`/`window` afterwards.
   */
  utf16String(bytes: Uint8Array, start: number, length: number, keep: number): string {
    const inWindow = bytes.buffer === this.buffer && bytes.byteOffset + start >= this.windowPtr;
    const free = (keep + 15) & ~15;
    const src = inWindow ? bytes.byteOffset + start - this.windowPtr : free;
    const dst = inWindow ? free : (free + length + 15) & ~15;
    // Copy before growing: growing detaches views of WASM memory, and `bytes` may be one.
    if (!inWindow) {
      this.reserve(dst + 2 * length + 16).set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, length), src);
    } else {
      this.reserve(dst + 2 * length + 16);
    }
    const units = this.exports.utf8ToUtf16(this.windowPtr + src, length, this.windowPtr + dst);
    return ucs2Slice!.call(this.window, dst, dst + 2 * units);
  }

  maskInto(out: Uint8Array, offset: number, payload: Uint8Array, maskKey: number): void {
    const length = payload.length;
    this.reserve(length).set(payload, 0);
    this.exports.maskInPlace(this.windowPtr, length, maskKey);
    out.set(new Uint8Array(this.buffer!, this.windowPtr, length), offset);
  }
}

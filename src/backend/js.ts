/**
 * The pure-TypeScript backend: the frame walk of assembly/frame.ts, translated at build time into
 * src/portable/frame.ts, over typed arrays (./platform.ts). Unmasked payload is read where it is, in the
 * caller's chunk; masked payload is unmasked into a scratch window at its chunk offset, word by word
 * (./mask.ts); text is validated by the word-skipping state machine of assembly/utf8scalar.ts (./utf8.ts).
 */
import { RECORD_CAPACITY, REC_WORDS } from '../portable/layout.js';
import { parse } from '../portable/frame.js';
import { maskInto } from './mask.js';
import { bind, bindOutput, unbind } from './platform.js';
import type { Backend } from './types.js';

/** The backend whose records and window ./platform.ts writes. */
let bound: JsBackend | null = null;

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly records = new Int32Array(RECORD_CAPACITY * REC_WORDS);
  window = new Uint8Array(0);
  private words = new Int32Array(0);

  private ensureWindow(length: number): void {
    if (this.window.length >= length) return;
    const size = Math.max(length + 3, 4096) & ~3;
    const buffer = new ArrayBuffer(Math.max(size, this.window.length * 2));
    this.window = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    bound = null;
  }

  parse(state: Int32Array, chunk: Uint8Array, pos: number): number {
    if (pos === 0) this.ensureWindow(chunk.length);
    bind(state, chunk);
    if (bound !== this) {
      bindOutput(this.records, this.window, this.words);
      bound = this;
    }
    const n = parse(chunk.length, pos);
    unbind();
    return n;
  }

  readonly maskInto = maskInto;
}

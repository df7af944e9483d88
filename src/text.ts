/**
 * Bytes → string for validated UTF-8. `ignoreBOM: true`: a default TextDecoder strips a leading U+FEFF,
 * and a codec must not lose bytes. Validation already happened, so the decoder is not `fatal`.
 */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Without Node's latin1Slice, short ASCII strings are built with String.fromCharCode.apply: below this size
 * it beats TextDecoder. No bench case runs without latin1Slice; on Node 20 with it hidden, ns per string,
 * fromCharCode vs TextDecoder: 5 B 550 vs 583, 20 B 861 vs 812, 64 B 1584 vs 466.
 */
const SHORT_ASCII = 32;
/**
 * Up to this many ASCII bytes, appending char codes beats any call. No bench case isolates it; Node 20, 5 B:
 * 165 ns vs ~300 ns.
 */
const TINY_ASCII = 6;
/**
 * Non-ASCII text at least this long is transcoded to UTF-16 in WASM and copied out with ucs2Slice (Node);
 * shorter text goes to utf8Slice (Node) or TextDecoder. Set with the bench/decode.bench.mjs "server text" streams
 * at 48 and 125 B, Node 20, ns per message, WASM vs utf8Slice: 48 B 167 vs 175, 125 B 254 vs 334.
 */
const WASM_TEXT_MIN = 48;

/** Node's Buffer#latin1Slice: an all-ASCII byte run becomes a one-byte string by a plain copy. */
const latin1Slice = (globalThis as { Buffer?: { prototype?: { latin1Slice?: unknown } } }).Buffer?.prototype
  ?.latin1Slice as ((this: Uint8Array, start: number, end: number) => string) | undefined;

/**
 * Node's Buffer#utf8Slice: for short validated non-ASCII text it skips TextDecoder#decode's JS-side argument
 * handling (Node 20, 16 B: 71 vs 83 ns; 48 B: 132 vs 162 ns). Same string: the bytes are valid UTF-8, so
 * neither replaces anything, and utf8Slice never strips a BOM.
 */
const utf8Slice = (globalThis as { Buffer?: { prototype?: { utf8Slice?: unknown } } }).Buffer?.prototype?.utf8Slice as
  | ((this: Uint8Array, start: number, end: number) => string)
  | undefined;

/** The part of the WASM backend that builds strings (absent in the pure-TS build or without Node's Buffer). */
export interface StringBuilder {
  readonly fastStrings: boolean;
  utf16String(bytes: Uint8Array, start: number, length: number, keep: number): string;
}

/**
 * Bytes → string. `ascii`: every byte is < 0x80 and the bytes are validated UTF-8 (known for free from the
 * validator). `wasm` (optional) transcodes validated non-ASCII text; `keep` = window bytes it must not touch.
 */
export function decodeText(
  bytes: Uint8Array,
  start: number,
  end: number,
  ascii: boolean,
  wasm: StringBuilder | null = null,
  validated = false,
  keep = 0,
): string {
  const length = end - start;
  if (length === 0) return '';
  if (ascii) {
    if (length <= TINY_ASCII) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    }
    if (latin1Slice !== undefined) return latin1Slice.call(bytes, start, end);
    if (length <= SHORT_ASCII) {
      return String.fromCharCode.apply(
        null,
        new Uint8Array(bytes.buffer, bytes.byteOffset + start, length) as unknown as number[],
      );
    }
  } else if (validated) {
    if (wasm?.fastStrings && length >= WASM_TEXT_MIN) return wasm.utf16String(bytes, start, length, keep);
    if (utf8Slice !== undefined) return utf8Slice.call(bytes, start, end);
  }
  return decoder.decode(new Uint8Array(bytes.buffer, bytes.byteOffset + start, length));
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 of `text` written into `target` (which must have room for 3 bytes per UTF-16 unit); returns bytes written. */
export function encodeTextInto(text: string, target: Uint8Array): number {
  return encoder.encodeInto(text, target).written;
}

/**
 * Bytes → string for validated UTF-8. `ignoreBOM: true`: a default TextDecoder strips a leading U+FEFF,
 * and a codec must not lose bytes. Validation already happened, so the decoder is not `fatal`.
 */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Short ASCII strings are built with String.fromCharCode: creating a TextDecoder call costs more than the
 * work below this size. Provisional; bench/decode.bench.mjs "text 20 B" (issue 4) tunes it.
 */
const SHORT_ASCII = 32;

export function decodeText(bytes: Uint8Array, start: number, end: number, ascii: boolean): string {
  const length = end - start;
  if (length === 0) return '';
  if (ascii && length <= SHORT_ASCII) {
    return String.fromCharCode.apply(null, new Uint8Array(bytes.buffer, bytes.byteOffset + start, length) as unknown as number[]);
  }
  return decoder.decode(new Uint8Array(bytes.buffer, bytes.byteOffset + start, length));
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

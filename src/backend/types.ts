/** What a backend does for the decoders and encoders. `js.ts` and `wasm.ts` implement it byte-identically. */
export interface Backend {
  readonly name: 'wasm' | 'js';
  /** Frame records written by the last `parse` call (assembly/layout.ts R_*). */
  readonly records: Int32Array;
  /**
   * Bytes of the last chunk at chunk offsets after `parse`, with masked payloads unmasked. Only masked
   * segments need to be read from here; unmasked payload bytes are identical in the caller's chunk.
   */
  readonly window: Uint8Array;
  /**
   * Walk every complete frame header and payload segment of `chunk` from `pos`, updating `state`, unmasking
   * and validating text, writing records. Returns the record count; `state[S_POS]` says where it stopped
   * (before the end of the chunk only when RECORD_CAPACITY records were written). A call with `pos > 0`
   * must directly follow a call for the same chunk.
   */
  parse(state: Int32Array, chunk: Uint8Array, pos: number): number;
  /**
   * Write `payload` XOR-ed with `maskKey` (little-endian u32) into `out` at `offset` (RFC 6455 §5.3 masking
   * for client frames). Never modifies `payload`.
   */
  maskInto(out: Uint8Array, offset: number, payload: Uint8Array, maskKey: number): void;
}

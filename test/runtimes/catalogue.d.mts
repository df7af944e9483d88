// Types for the parts of catalogue.mjs that test/helpers.ts and test/conformance/ use.
export interface WireFrameSpec {
  fin?: boolean;
  /** Autobahn's rsv number 0..7 (1 → RSV3 0x10, 2 → RSV2 0x20, 4 → RSV1 0x40). */
  rsv?: number;
  opcode: number;
  payload?: Uint8Array | string;
  /** Mask key bytes; null = unmasked. Default: masked with a deterministic key when `masked` is true. */
  mask?: Uint8Array | null;
  /** Force the length field form (for non-minimal-length tests): 7, 16 or 64. Default minimal. */
  lengthForm?: 7 | 16 | 64;
  /** Override the announced length (for limit tests: header only, no payload). */
  announce?: bigint;
}
export interface Built {
  bytes: Uint8Array;
  /** Stream offset of each frame's first byte, of its first payload byte, and one past its end. */
  start: number[];
  payloadStart: number[];
  end: number[];
}
export function hex(s: string): Uint8Array;
export function concat(parts: readonly Uint8Array[]): Uint8Array;
export function rng(seed: number): () => number;
export function nextKey(): Uint8Array;
export function frame(spec: WireFrameSpec, masked: boolean): { bytes: Uint8Array; headerLength: number };
export function build(specs: readonly WireFrameSpec[], masked: boolean): Built;
export function chop(bytes: Uint8Array, size: number): Uint8Array[];
export function randomSplit(bytes: Uint8Array, seed: number): Uint8Array[];
/** Autobahn 5.19/5.20: a fragmented text message with two pings between its fragments. */
export const PONGME: WireFrameSpec[];
/** A catalogue case: its frames and what a strict decoder shows (used by the fuzzer's corpus). */
export interface CatalogueCase {
  id: string;
  frames: WireFrameSpec[];
  messages: unknown[];
  error?: { code: string; closeCode: number; frame: number | 'any'; at: number | 'header' | 'payload' | 'end' };
  /** Only these roles decode it (default both). */
  roles?: ('server' | 'client')[];
}
export function catalogue(): CatalogueCase[];
export function utf8Cases(vectors: readonly { case: string; valid: boolean; hex: string }[]): CatalogueCase[];

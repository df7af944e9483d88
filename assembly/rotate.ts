// RFC 6455 §5.3: octet i of a masked payload is XOR-ed with octet (i MOD 4) of the key. Keys are kept as
// little-endian words; a payload read in pieces carries its key rotated to the next octet's phase.
// Portable (scripts/portable.mjs): both backends compile this file.

/** Rotate a little-endian mask key so that key byte (n MOD 4) applies first. */
// @ts-ignore: decorator
@inline export function rotateKey(key: i32, n: i32): i32 {
  const s = (n & 3) << 3;
  // A shift by 32 is a shift by 0 in WASM and JavaScript alike, so s = 0 needs no branch (binaryen: one rotr).
  return (key >>> s) | (key << (32 - s));
}

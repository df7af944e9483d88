// RFC 6455 §5.3 masking: octet i of the payload is XOR-ed with octet (i MOD 4) of the key. XOR is its own
// inverse, so one kernel masks (encoder) and unmasks (decoder). src/backend/mask.ts is the TS fallback
// (test/backend/kernels.test.ts checks the two against each other).

/**
 * XOR `len` bytes at `ptr` in place with `key` (phase 0 at ptr). 64 bytes per iteration with a splatted key
 * vector: unaligned v128 loads cost the same as aligned ones on the runtimes we target, and four independent
 * XORs keep the load/store ports busy.
 */
export function maskInPlace(ptr: usize, len: usize, key: u32): void {
  if (key == 0 || len == 0) return; // an all-zero key leaves the payload unchanged (ws skips it too)
  const end = ptr + len;
  const k = i32x4.splat(<i32>key);
  let p = ptr;
  while (p + 64 <= end) {
    v128.store(p, v128.xor(v128.load(p), k));
    v128.store(p + 16, v128.xor(v128.load(p + 16), k));
    v128.store(p + 32, v128.xor(v128.load(p + 32), k));
    v128.store(p + 48, v128.xor(v128.load(p + 48), k));
    p += 64;
  }
  while (p + 16 <= end) {
    v128.store(p, v128.xor(v128.load(p), k));
    p += 16;
  }
  // p - ptr is a multiple of 16, so the key phase is still 0 here.
  while (p + 4 <= end) {
    store<u32>(p, load<u32>(p) ^ key);
    p += 4;
  }
  let shift: u32 = 0;
  while (p < end) {
    store<u8>(p, load<u8>(p) ^ <u8>(key >> shift));
    shift += 8;
    p++;
  }
}

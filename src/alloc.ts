/**
 * Payload buffers for decoded messages.
 *
 * In V8, every `new Uint8Array(n)` above 64 bytes gets its own off-heap, zero-filled backing store, which
 * costs microseconds — more than decoding a small frame. So payloads up to SLAB_MAX bytes are carved out of
 * a shared 64 KiB slab (Node's `Buffer.allocUnsafe` pools the same way, with 8 KiB), as views made with the
 * constructor (`subarray()` on a Buffer takes the species path, several times slower; see `view`). The sizes
 * below are set by bench/kernels.bench.mjs "copy out …" rows. A message kept for a long time pins its slab,
 * like a Node Buffer pins its pool: `slice()` it if you keep many.
 */

/**
 * Payloads up to this size come from the slab; larger ones get their own buffer, so one long-kept message pins at
 * most this much of a slab. bench/kernels.bench.mjs "copy out 4 KiB": slab view + set 22.8× the loop, new array 6.5×.
 */
export const SLAB_MAX = 4096;
const SLAB_SIZE = 65536;
/** Up to this size a fresh array is on the V8 heap (Node) and cheap to make and to fill by a loop. */
const ON_HEAP_MAX = 64;
/**
 * Up to this size `allocate` makes a fresh array rather than a slab view: ON_HEAP_MAX on Node; 0 on Deno, whose
 * V8 gives every typed array its own off-heap store; 128 on Bun (JSC), where small fresh arrays are cheapest.
 * bench/alloc-runtimes.mjs 16 B, fresh vs slab: Deno 1529 vs 101 ns, Bun 40 vs 55 ns; 128 B: Bun 33 vs 90 ns.
 */
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const FRESH_MAX = g.Deno !== undefined ? 0 : g.Bun !== undefined ? 128 : ON_HEAP_MAX;
/**
 * From this size up to ON_HEAP_MAX, `slice` (one native call) beats a fresh on-heap array filled by a loop;
 * below it the loop wins. bench/kernels.bench.mjs "copy out 8/16/32 B": slice 0.87× / 1.15× / 1.66× the loop.
 */
const SLICE_MIN = 17;

/**
 * The one empty array handed out for every empty payload: `new Uint8Array(0)` costs ~180 ns in V8 11.3 (an
 * empty backing store), `new Uint8Array(1)` ~20 ns. Nothing can be written to it.
 * bench/decode.bench.mjs "ping 0 B": 1.15× ws (auto).
 */
export const EMPTY = new Uint8Array(0);

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

/** A new, writable, zero-based view of `length` bytes that nobody else uses. */
export function allocate(length: number, forViews = false): Uint8Array {
  // `forViews`: the caller will make views of the result (`.buffer`), which on a small on-heap array forces
  // V8 to move it off the heap (~1 µs): take it from the slab instead.
  if ((length <= FRESH_MAX && !forViews) || length > SLAB_MAX) return length === 0 ? EMPTY : new Uint8Array(length);
  if (used + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const out = new Uint8Array(slab, used, length);
  used = (used + length + 7) & ~7; // keep views 8-aligned
  return out;
}

/**
 * A plain Uint8Array view of `bytes[start, start + length)`. On a plain Uint8Array (the backends' windows)
 * `subarray` is quicker (no `.buffer` getter: 19 vs 25 ns); on a Buffer or other subclass it would take the
 * species path (37 ns) and return the subclass, so the constructor is used there.
 */
export function view(bytes: Uint8Array, start: number, length: number): Uint8Array {
  if (bytes.constructor === Uint8Array) return bytes.subarray(start, start + length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
}

/** An owned copy of `bytes[start, start + length)`. */
export function copy(bytes: Uint8Array, start: number, length: number): Uint8Array {
  // Only on a plain Uint8Array (the decoders' windows): Buffer#slice makes a view, not a copy. Not on Deno,
  // where `slice` makes a fresh array too (FRESH_MAX).
  if (length >= SLICE_MIN && length <= ON_HEAP_MAX && length <= FRESH_MAX && bytes.constructor === Uint8Array)
    return bytes.slice(start, start + length);
  const out = allocate(length);
  if (length <= ON_HEAP_MAX) {
    for (let i = 0; i < length; i++) out[i] = bytes[start + i]!;
  } else {
    out.set(view(bytes, start, length));
  }
  return out;
}

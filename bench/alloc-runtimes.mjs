// Payload allocation on each runtime: a fresh `new Uint8Array(n)` against a view carved out of a shared 64 KiB
// slab (src/alloc.ts `allocate`), for the sizes that decide alloc.ts's ON_HEAP_MAX per runtime. The arrays
// escape (kept in a list), as decoded payloads and encoded frames do. Best of 7 rounds, ns per array.
//
//   node bench/alloc-runtimes.mjs; npx deno run bench/alloc-runtimes.mjs; npx bun bench/alloc-runtimes.mjs
const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const SLAB_SIZE = 65536;
const N = 200_000;
let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;
function fromSlab(n) {
  if (used + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  used = (used + n + 7) & ~7;
  return out;
}
const fresh = (n) => new Uint8Array(n);

function time(make, n) {
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    let kept = [];
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const a = make(n);
      a[0] = i;
      kept.push(a);
      if (kept.length === 256) kept = [];
    }
    best = Math.min(best, ((performance.now() - t0) * 1e6) / N);
  }
  return Math.round(best);
}

const rows = [16, 64, 128, 512, 1024, 4096].map((n) => ({ size: n, fresh: time(fresh, n), slab: time(fromSlab, n) }));
console.log(JSON.stringify({ runtime, unit: 'ns per array', rows }));

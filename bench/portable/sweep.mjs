// A decode sweep that runs unchanged on Node, Deno, Bun and in a browser worker: wsframe `wasm` vs `js`
// backends (what WASM buys on each runtime), server role (masked), 64 KiB chunks. No benchmark.js and no
// runtime-specific APIs: batches timed with performance.now(), median of batch rates reported.
export async function sweep(wsframe, { quick = false, extra = [] } = {}) {
  const { MessageDecoder, MessageEncoder, init } = wsframe;
  await init();
  const KiB = 1024;
  const sizes = quick ? [16, 1 * KiB, 64 * KiB, 1024 * KiB] : [16, 1 * KiB, 64 * KiB, 1024 * KiB, 4096 * KiB];
  const unit = 'Grüße, wsframe! κόσμε 0123456789 abcdefghijklmnopqrstuvwxyz ';
  const enc = new TextEncoder();
  const rows = [];
  for (const kind of ['binary', 'text']) {
    for (const size of sizes) {
      const count = Math.max(1, Math.floor((256 * KiB) / Math.max(size, 64)));
      const encoder = new MessageEncoder({ role: 'client', backend: 'js' });
      let data;
      if (kind === 'text') {
        let s = unit.repeat(Math.ceil(size / unit.length) + 1);
        while (enc.encode(s).length > size)
          s = s.slice(0, Math.max(0, s.length - Math.max(1, (enc.encode(s).length - size) >> 1)));
        data = s;
      } else {
        data = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 255);
      }
      const parts = [];
      for (let i = 0; i < count; i++) parts.push(...(kind === 'text' ? encoder.text(data) : encoder.binary(data)));
      const total = parts.reduce((n, p) => n + p.length, 0);
      const stream = new Uint8Array(total);
      let o = 0;
      for (const p of parts) {
        stream.set(p, o);
        o += p.length;
      }
      const chunks = [];
      for (let i = 0; i < total; i += 65536) chunks.push(stream.subarray(i, i + 65536));
      const payloadBytes = (kind === 'text' ? enc.encode(data).length : size) * count;
      const impls = [['wsframe wasm', 'wasm'], ['wsframe js', 'js'], ['wsframe auto', 'auto'], ...extra];
      for (const [impl, backend] of impls) {
        const make =
          typeof backend === 'function'
            ? backend
            : () => {
                const d = new MessageDecoder({ role: 'server', backend, maxMessageSize: 1 << 30 });
                return (c) => d.push(c).length;
              };
        const push = make();
        const once = () => {
          let n = 0;
          for (const c of chunks) n += push(c);
          return n;
        };
        if (once() !== count) throw new Error(`${impl}: wrong message count`);
        // Warm up so the JIT (JS and WASM tier-up) has optimised the code before timing.
        const warm = performance.now() + (quick ? 60 : 150);
        for (let i = 0; i < 3 || performance.now() < warm; i++) once();
        const rates = [];
        const deadline = performance.now() + (quick ? 150 : 250);
        while (performance.now() < deadline || rates.length < 5) {
          const t0 = performance.now();
          let iterations = 0;
          do {
            once();
            iterations++;
          } while (performance.now() - t0 < 20);
          rates.push((iterations * payloadBytes) / ((performance.now() - t0) / 1000));
        }
        rates.sort((a, b) => a - b);
        const median = rates[rates.length >> 1];
        rows.push({
          case: `server ${kind} ${size >= KiB ? `${size / KiB} KiB` : `${size} B`}`,
          kind,
          size,
          impl,
          gbps: median / 1e9,
        });
      }
    }
  }
  return rows;
}

// A dependency-free SVG line chart: decode throughput vs payload size (server role, 64 KiB chunks), one line
// per implementation, one panel for binary and one for text (strings).
const COLORS = {
  'wsframe auto': '#1f77b4',
  'wsframe wasm': '#17becf',
  'wsframe js': '#9467bd',
  'wsframe auto (bytes)': '#2ca02c',
  'wsframe auto (in place)': '#bcbd22',
  'wsframe auto (bytes, in place)': '#bcbd22',
  'bound: fresh copy per message': '#000000',
  'ws (native)': '#d62728',
  'ws (native) +toString': '#ff7f0e',
  'ws (js)': '#8c564b',
  'ws (js) +toString': '#e377c2',
  'websocket-driver': '#7f7f7f',
};

export function chart(rows) {
  const sweep = rows.filter((r) => r.suite === 'decode' && r.group === 'sweep' && r.role === 'server');
  const panels = ['binary', 'text'];
  const W = 520,
    H = 340,
    M = { l: 56, r: 12, t: 30, b: 44 };
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H + 120}" ` +
      'font-family="sans-serif" font-size="11">',
  ];
  svg.push(`<rect width="100%" height="100%" fill="white"/>`);
  const impls = [...new Set(sweep.map((r) => r.impl))];
  panels.forEach((kind, p) => {
    const data = sweep.filter((r) => r.kind === kind);
    if (!data.length) return;
    const x0 = p * W;
    const sizes = [...new Set(data.map((r) => r.size))].sort((a, b) => a - b);
    const gbps = (r) => (r.hz * r.bytes) / 1e9;
    const ymax = Math.max(...data.map(gbps)) * 1.1 || 1;
    const lx = (s) =>
      x0 +
      M.l +
      ((Math.log2(s) - Math.log2(sizes[0])) / Math.max(1, Math.log2(sizes.at(-1)) - Math.log2(sizes[0]))) *
        (W - M.l - M.r);
    const ly = (v) => M.t + (1 - v / ymax) * (H - M.t - M.b);
    svg.push(
      `<text x="${x0 + W / 2}" y="16" text-anchor="middle" font-size="13">` +
        `decode, server role, ${kind} — GB/s (64 KiB chunks)</text>`,
    );
    for (let i = 0; i <= 4; i++) {
      const v = (ymax * i) / 4;
      svg.push(`<line x1="${x0 + M.l}" x2="${x0 + W - M.r}" y1="${ly(v)}" y2="${ly(v)}" stroke="#eee"/>`);
      svg.push(`<text x="${x0 + M.l - 4}" y="${ly(v) + 4}" text-anchor="end">${v.toFixed(v < 1 ? 2 : 1)}</text>`);
    }
    for (const s of sizes) {
      const label = s >= 1 << 20 ? `${s >> 20}M` : s >= 1024 ? `${s >> 10}K` : `${s}`;
      svg.push(`<text x="${lx(s)}" y="${H - M.b + 16}" text-anchor="middle">${label}</text>`);
    }
    svg.push(`<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle">payload size (bytes, log scale)</text>`);
    for (const impl of impls) {
      const pts = data.filter((r) => r.impl === impl).sort((a, b) => a.size - b.size);
      if (!pts.length) continue;
      const color = COLORS[impl] ?? '#000';
      svg.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts
          .map((r) => `${lx(r.size).toFixed(1)},${ly(gbps(r)).toFixed(1)}`)
          .join(' ')}"/>`,
      );
      for (const r of pts)
        svg.push(`<circle cx="${lx(r.size).toFixed(1)}" cy="${ly(gbps(r)).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
  });
  impls.forEach((impl, i) => {
    const x = 20 + (i % 4) * 250;
    const y = H + 20 + Math.floor(i / 4) * 18;
    svg.push(
      `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${COLORS[impl] ?? '#000'}"/>` +
        `<text x="${x + 18}" y="${y + 1}">${impl}</text>`,
    );
  });
  svg.push('</svg>');
  return `${svg.join('\n')}\n`;
}

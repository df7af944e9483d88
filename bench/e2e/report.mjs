// Turns the e2e runs into bench/results/e2e.{json,md}, e2e.svg and the README's end-to-end table (quick and
// filtered runs: quick-e2e.*, README untouched).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const START = '<!-- bench-e2e:start (written by bench/e2e/run.mjs from bench/results/e2e.json; do not edit) -->';
export const END = '<!-- bench-e2e:end -->';
/** The native servers every row is compared with: [server id, column head]. */
const BASES = [
  ['ws', '× ws'],
  ['bun', '× Bun'],
  ['deno', '× Deno'],
];
/** Above this share of its core the load generator, not the server, may be what limits a row. */
const GENERATOR_BOUND = 0.9;

function median(values) {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const isIdle = (spec) => spec.kind === 'idle' || spec.kind === 'zidle';

/**
 * Medians over the repetitions of one (case, server): CPU per message and CPU use, or memory; for compressed
 * echoes also bytes on the wire per message each way, the messages' own bytes and the share sent compressed.
 */
function details(ok, idle, compressed) {
  const m = (f) => median(ok.map(f));
  const agreement = ok.find((r) => r.agreement)?.agreement;
  if (idle) {
    return {
      connections: m((r) => r.connections),
      rssBefore: m((r) => r.before),
      rssAfter: m((r) => r.after),
      setupRate: m((r) => r.setupRate),
      agreement,
    };
  }
  const wire = compressed && {
    bytesIn: m((r) => r.pass.bytesIn / r.pass.messages),
    bytesOut: m((r) => r.pass.bytesOut / r.pass.messages),
    raw: m((r) => r.pass.raw / r.pass.messages),
    compressedShare: m((r) => r.compressed / r.messages),
    agreement,
  };
  return {
    ...wire,
    serverCpuPerMessage: m((r) => r.serverCpuMicros / r.messages),
    generatorCpuPerMessage: m((r) => r.generatorCpuMicros / r.messages),
    serverUse: m((r) => r.serverCpuMicros / 1e6 / r.seconds),
    generatorUse: m((r) => r.generatorCpuMicros / 1e6 / r.seconds),
    latency: ok[0]?.latency ? { p50: m((r) => r.latency.p50), p99: m((r) => r.latency.p99) } : undefined,
  };
}

/**
 * One row per (case, server): the median over repetitions of the main value (msg/s, or bytes per idle
 * connection), its spread ((max − min) ÷ median), CPU per message and CPU use of both processes, latency,
 * and ratios to the native servers of the same run.
 */
export function aggregate({ meta, runs }) {
  const rows = [];
  for (const spec of meta.cases) {
    for (const server of meta.servers) {
      const mine = runs.filter((r) => r.case === spec.id && r.server === server.id);
      if (!mine.length) continue;
      const ok = mine.filter((r) => !r.error);
      const idle = isIdle(spec);
      const values = ok.map((r) => (idle ? r.bytesPerConnection : r.rate));
      const value = median(values);
      rows.push({
        case: spec.id,
        server: server.id,
        runs: ok.length,
        errors: mine.filter((r) => r.error).map((r) => r.error),
        value,
        values,
        spread: values.length > 1 ? (Math.max(...values) - Math.min(...values)) / value : NaN,
        ...details(ok, idle, spec.kind === 'zecho'),
      });
    }
  }
  for (const row of rows) {
    row.ratio = {};
    for (const [base] of BASES) {
      const b = rows.find((r) => r.case === row.case && r.server === base);
      if (b && Number.isFinite(b.value)) row.ratio[base] = row.value / b.value;
    }
    // Compressed echoes: server → client bytes on the wire per message ÷ ws's (same messages, same run).
    const ws = rows.find((r) => r.case === row.case && r.server === 'ws');
    if (row.bytesIn !== undefined && ws?.bytesIn) row.bytesRatio = row.bytesIn / ws.bytesIn;
  }
  return rows;
}

const rate = (v) => {
  if (!Number.isFinite(v)) return '—';
  return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0);
};
const times = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const pct = (v) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : '—');
const us = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : '—');
const mib = (v) => `${(v / 2 ** 20).toFixed(1)} MiB`;
const num = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en') : '—');

/** Date and machine; versions; how it ran. */
function provenance(meta) {
  const { machine: m, versions: v, settings: s, load } = meta;
  const avg = (l) => l.map((x) => x.toFixed(2)).join(' ');
  const kind = meta.quick ? ' · **quick run**' : meta.partial ? ' · **filtered run**' : '';
  return [
    `${meta.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB · ${m.platform}`,
    `Node ${v.node} · Bun ${v.bun} · Deno ${v.deno} · ws ${v.ws} + bufferutil ${v.bufferutil} · ` +
      `wsframe ${v.wsframe}${kind}`,
    `${s.pinned ? 'server on CPU 0, generator on CPU 1 (taskset)' : 'not pinned'} · ` +
      `${s.reps} × (${s.warmup} s warm-up + ${s.seconds} s measured) · ulimit -n ${s.files}`,
    `load average ${avg(load.before)} before, ${avg(load.after)} after · ${meta.seconds} s in all`,
  ];
}

const HOW = [
  'Every server runs in its own process, started fresh for each measurement; the load generator',
  '(bench/e2e/loadgen.mjs, node:net) does the handshake itself, sends pre-built masked frames and checks every',
  'byte that comes back. msg/s = echoes received and verified per second (broadcast: deliveries verified at',
  'all receivers). Each value is the median of the repetitions (servers interleaved, order rotated);',
  'spread = (max − min) ÷ median. × ws / × Bun / × Deno: ratio to that server in this run. CPU µs/msg: CPU',
  "time (user + system) per message, the server's from /proc/<pid>/stat, the generator's from",
  'process.cpuUsage(); CPU use: share of one core over the measured window. Rows where the generator used',
  `over ${pct(GENERATOR_BOUND)} of its core are marked "gen-bound": there the number is a floor for the server,`,
  'not its limit. Pinned, each process owns a core, so every wakeup crosses cores: ping-pong latency is',
  "mostly this VM's cross-core round trip (run.mjs says what pinning changed). With --no-pin the two may share",
  'a core (CPU use adding up to about 100 %), and msg/s is then partly what one core does for both.',
];

function throughputTable(meta, rows, label) {
  const lines = [
    `| case | server | msg/s | spread | ${BASES.map(([, h]) => h).join(' | ')} | server CPU µs/msg | ` +
      'generator CPU µs/msg | CPU use server / generator |',
    `|---|---|---|---|${BASES.map(() => '---|').join('')}---|---|---|`,
  ];
  for (const spec of meta.cases.filter((c) => c.kind === 'echo' || c.kind === 'broadcast')) {
    for (const r of rows.filter((x) => x.case === spec.id)) {
      const bound = r.generatorUse > GENERATOR_BOUND ? ' (gen-bound)' : '';
      const failed = r.errors.length ? ` (${r.errors.length} failed)` : '';
      const ratios = BASES.map(([b]) => times(r.ratio[b])).join(' | ');
      const cpu =
        `${us(r.serverCpuPerMessage)} | ${us(r.generatorCpuPerMessage)} | ` +
        `${pct(r.serverUse)} / ${pct(r.generatorUse)}`;
      const value = `${rate(r.value)}${bound}${failed}`;
      lines.push(`| ${spec.label} | ${label(r.server)} | ${value} | ${pct(r.spread)} | ${ratios} | ${cpu} |`);
    }
  }
  return lines;
}

function memoryTable(meta, rows, label) {
  const idle = rows.filter((r) => r.case === 'idle');
  if (!idle.length) return [];
  const n = idle.find((r) => Number.isFinite(r.connections))?.connections?.toLocaleString('en') ?? '—';
  const lines = [
    '## Memory per idle connection',
    '',
    `The server's VmRSS (/proc/<pid>/status) before and after ${n} connections that each did the handshake`,
    'and one 16 B echo, divided by their number. Before each reading the server ran a full GC on request',
    '(Node and Deno: `gc()` with --expose-gc; Bun: `Bun.gc(true)`; the `gc` hook of the contract in run.mjs),',
    `then ${meta.settings.settleMs} ms passed. 16 warm connections are open in both readings. Lower is better;`,
    "the ratios are memory ÷ that server's.",
    '',
    `| server | bytes per connection | spread | ${BASES.map(([, h]) => h).join(' | ')} | ` +
      'RSS before → after | handshakes/s |',
    `|---|---|---|${BASES.map(() => '---|').join('')}---|---|`,
  ];
  for (const r of idle) {
    const bytes = Number.isFinite(r.value) ? Math.round(r.value) : r.errors.length ? 'failed' : '—';
    const ratios = BASES.map(([b]) => times(r.ratio[b])).join(' | ');
    const rss = `${mib(r.rssBefore)} → ${mib(r.rssAfter)}`;
    lines.push(`| ${label(r.server)} | ${bytes} | ${pct(r.spread)} | ${ratios} | ${rss} | ${rate(r.setupRate)} |`);
  }
  return [...lines, ''];
}

/** The compressed echoes (kind 'zecho') and memory with a deflate context ('zidle'). */
function compressedTables(meta, rows, label) {
  const specs = meta.cases.filter((c) => c.kind === 'zecho');
  const idle = rows.filter((r) => r.case === 'zidle');
  if (!specs.length && !idle.length) return [];
  const lines = [
    '## Compressed echo (permessage-deflate)',
    '',
    'The load generator offers `permessage-deflate; client_max_window_bits` (what browsers offer: context',
    "takeover both ways, 15-bit windows) and follows the server's answer. Its frames are compressed once before",
    'the run, in order, with context takeover (one node:zlib stream, a sync flush per message), and every',
    'connection replays that sequence: valid for an inflater that keeps its window, because the first message',
    'refers to nothing before it (bench/e2e/compressed.mjs says why) — so the generator compresses nothing while',
    "it measures. Every echo is inflated by the connection's own inflater (native zlib, window kept when the",
    'server keeps takeover) and compared with the message sent. The servers compress every message: threshold 0',
    "for ws (which ignores its threshold anyway while it keeps context takeover) and wsframe; Bun's uWS has no",
    'threshold and is told to compress each echo. Bytes on the wire: frame headers included, per message, over',
    'one pass of the whole sequence on a fresh connection before the timed run (the same messages from the same',
    "empty contexts for every server); × ws bytes = server → client bytes ÷ ws's. compressed: share of the timed",
    "window's echoes that came with RSV1. ws compresses and inflates on libuv's thread pool (4 threads, all on the",
    "server's core when pinned): where other processes compete for that core, ws gets a share per thread and a",
    'single-threaded server one share, so read msg/s with CPU use, and compare CPU µs/msg too.',
    'Memory: as in the idle case, after',
    'each connection echoed 40 ~620 B JSON messages compressed (every deflate context allocated and used).',
    '',
  ];
  if (specs.length) {
    lines.push(
      '| case | server | msg/s | spread | × ws | server → client B/msg | × ws bytes | client → server B/msg | ' +
        'message B | compressed | server CPU µs/msg | generator CPU µs/msg | CPU use server / generator |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const spec of specs) {
      for (const r of rows.filter((x) => x.case === spec.id)) {
        const bound = r.generatorUse > GENERATOR_BOUND ? ' (gen-bound)' : '';
        const failed = r.errors.length ? ` (${r.errors.length} failed)` : '';
        const cpu =
          `${us(r.serverCpuPerMessage)} | ${us(r.generatorCpuPerMessage)} | ` +
          `${pct(r.serverUse)} / ${pct(r.generatorUse)}`;
        const wire =
          `${num(r.bytesIn)} | ${times(r.bytesRatio)} | ${num(r.bytesOut)} | ${num(r.raw)} | ` +
          `${pct(r.compressedShare)}`;
        const value = `${rate(r.value)}${bound}${failed}`;
        const head = `| ${spec.label} | ${label(r.server)} | ${value} | ${pct(r.spread)} | ${times(r.ratio.ws)}`;
        lines.push(`${head} | ${wire} | ${cpu} |`);
      }
    }
    lines.push('');
  }
  if (idle.length) {
    lines.push(
      '| server | bytes per connection with a deflate context | spread | × ws | RSS before → after | handshakes/s |',
      '|---|---|---|---|---|---|',
    );
    for (const r of idle) {
      const bytes = Number.isFinite(r.value) ? Math.round(r.value) : r.errors.length ? 'failed' : '—';
      const rss = `${mib(r.rssBefore)} → ${mib(r.rssAfter)}`;
      lines.push(
        `| ${label(r.server)} | ${bytes} | ${pct(r.spread)} | ${times(r.ratio.ws)} | ${rss} | ${rate(r.setupRate)} |`,
      );
    }
    const n = idle.find((r) => Number.isFinite(r.connections))?.connections?.toLocaleString('en') ?? '—';
    lines.push('', `${n} connections.`, '');
  }
  const agreements = meta.servers
    .map((s) => [s, rows.find((r) => r.server === s.id && r.agreement)?.agreement])
    .filter(([, a]) => a);
  if (agreements.length) {
    lines.push('Agreed (the 101 response):', '');
    for (const [s, a] of agreements) lines.push(`- ${s.label}: \`${a}\``);
    lines.push('');
  }
  return lines;
}

function markdown(meta, rows, chartFile) {
  const label = (id) => meta.servers.find((s) => s.id === id)?.label ?? id;
  const lines = ['# wsframe end-to-end benchmark: WebSocket echo servers over loopback TCP', ''];
  lines.push(...provenance(meta).map((l) => `${l}  `), '', ...HOW, '');
  lines.push('| server | runtime | what it is |', '|---|---|---|');
  for (const s of meta.servers) {
    lines.push(`| ${s.label} | ${s.runtime} ${meta.versions[s.runtime] ?? ''} | ${s.about ?? ''} |`);
  }
  lines.push('');
  lines.push('## Throughput', '', ...throughputTable(meta, rows, label), '');
  const ping = rows.filter((r) => r.latency);
  if (ping.length) {
    const what = 'One 16 B text message in flight on one connection: from writing it to verifying its echo.';
    lines.push('## Ping-pong latency', '', what, '');
    lines.push('| server | p50 µs | p99 µs | msg/s |', '|---|---|---|---|');
    for (const { server, latency, value } of ping) {
      lines.push(`| ${label(server)} | ${latency.p50.toFixed(1)} | ${latency.p99.toFixed(1)} | ${rate(value)} |`);
    }
    lines.push('');
  }
  lines.push(...memoryTable(meta, rows, label));
  lines.push(...compressedTables(meta, rows, label));
  const failures = rows.flatMap((r) => r.errors.map((e) => `- ${r.case}, ${label(r.server)}: ${e}`));
  if (failures.length) lines.push('## Failed runs', '', ...failures, '');
  const skipped = meta.servers.flatMap((s) => {
    return Object.entries(s.skip ?? {}).map(([c, why]) => `- ${c}, ${s.label}: ${why}`);
  });
  if (skipped.length) lines.push('## Not measured', '', ...skipped, '');
  lines.push(`![msg/s relative to ws, log scale](${chartFile})`, '');
  return lines.join('\n');
}

/** The README block: msg/s and server CPU per message, ping-pong latency, memory per idle connection. */
export function summary(meta, rows) {
  const find = (c, s) => rows.find((r) => r.case === c && r.server === s);
  // wsframe servers carry their ratio to ws in msg/s and memory cells: the question this bench answers.
  const cell = (c, s, text, ratio) => {
    const r = find(c, s);
    if (!r || !Number.isFinite(r.value)) return r?.errors.length ? 'failed' : '—';
    const withRatio = ratio && s.startsWith('wsframe') && Number.isFinite(r.ratio.ws);
    return withRatio ? `${text(r)}, ${times(r.ratio.ws)} ws` : text(r);
  };
  const row = (head, c, text, ratio = true) => {
    return `| ${head} | ${meta.servers.map((s) => cell(c, s.id, text, ratio)).join(' | ')} |`;
  };
  const lines = [
    `| msg/s (server CPU µs/msg), median of ${meta.settings.reps} | ${meta.servers.map((s) => s.label).join(' | ')} |`,
    `|---|${meta.servers.map(() => '---|').join('')}`,
  ];
  for (const spec of meta.cases.filter((c) => c.kind === 'echo' || c.kind === 'broadcast')) {
    lines.push(row(spec.label, spec.id, (r) => `${rate(r.value)} (${us(r.serverCpuPerMessage)})`));
  }
  if (rows.some((r) => r.latency)) {
    const latency = (r) => (r.latency ? `${r.latency.p50.toFixed(0)} / ${r.latency.p99.toFixed(0)}` : '—');
    lines.push(row('ping-pong latency p50 / p99 (µs)', 'pingpong', latency, false));
  }
  const idle = rows.find((r) => r.case === 'idle' && Number.isFinite(r.connections));
  if (idle) {
    const head = `server RSS per idle connection (${idle.connections.toLocaleString('en')} open)`;
    lines.push(row(head, 'idle', (r) => `${Math.round(r.value).toLocaleString('en')} B`));
  }
  // Compressed echoes: msg/s (server CPU) and server → client bytes per message, each with its ratio to ws's.
  for (const spec of meta.cases.filter((c) => c.kind === 'zecho')) {
    const text = (r) => {
      const base = r.server === 'ws';
      const speed = `${rate(r.value)} (${us(r.serverCpuPerMessage)})${base ? '' : `, ${times(r.ratio.ws)} ws`}`;
      return `${speed}; ${num(r.bytesIn)} B${base ? '' : ` (${times(r.bytesRatio)} ws)`}`;
    };
    lines.push(row(`${spec.label}: msg/s (CPU µs/msg); B/msg server → client`, spec.id, text, false));
  }
  const zidle = rows.find((r) => r.case === 'zidle' && Number.isFinite(r.connections));
  if (zidle) {
    const head = `server RSS per connection with a deflate context (${zidle.connections.toLocaleString('en')} open)`;
    lines.push(row(head, 'zidle', (r) => `${Math.round(r.value).toLocaleString('en')} B`));
  }
  lines.push('', `Run: ${provenance(meta).join(' ·\n')}.`);
  return lines.join('\n');
}

/** `readme` with the block between START and END replaced; unchanged if the markers are missing. */
export function replaceSummary(readme, block) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + START.length)}\n\n${block}\n\n${readme.slice(b)}`;
}

const COLORS = { tcp: '#7f7f7f', ws: '#d62728', bun: '#ff7f0e', deno: '#2ca02c', 'wsframe-example': '#1f77b4' };
const EXTRA = ['#17becf', '#9467bd', '#bcbd22', '#8c564b', '#e377c2'];

/** Grouped bars: msg/s of each server relative to ws, per case, on a log scale around 1×. */
export function chart(meta, rows) {
  const cases = meta.cases.filter((c) => !isIdle(c) && rows.some((r) => r.case === c.id && r.ratio.ws > 0));
  const servers = meta.servers;
  const color = (id, i) => COLORS[id] ?? EXTRA[i % EXTRA.length];
  const ratios = rows.filter((r) => cases.some((c) => c.id === r.case) && r.ratio.ws > 0).map((r) => r.ratio.ws);
  const lo = Math.floor(Math.log10(Math.min(0.5, ...ratios)));
  const hi = Math.ceil(Math.log10(Math.max(2, ...ratios)));
  const M = { l: 56, r: 12, t: 30, b: 60 };
  const group = Math.max(90, servers.length * 14 + 20);
  const W = Math.max(700, M.l + M.r + cases.length * group);
  const H = 360;
  const y = (v) => M.t + ((hi - Math.log10(v)) / (hi - lo)) * (H - M.t - M.b);
  const height = H + 20 + Math.ceil(servers.length / 4) * 18;
  const size = `width="${W}" height="${height}"`;
  const svg = [`<svg xmlns="http://www.w3.org/2000/svg" ${size} font-family="sans-serif" font-size="11">`];
  svg.push(`<rect width="100%" height="100%" fill="white"/>`);
  const title = 'end to end over loopback TCP: msg/s relative to ws + bufferutil (log scale)';
  svg.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${title}</text>`);
  for (let e = lo; e <= hi; e++) {
    for (const v of [10 ** e, 3 * 10 ** e]) {
      if (Math.log10(v) > hi) continue;
      const at = y(v).toFixed(1);
      svg.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${at}" y2="${at}" stroke="${v === 1 ? '#999' : '#eee'}"/>`);
      svg.push(`<text x="${M.l - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${+v.toPrecision(1)}×</text>`);
    }
  }
  cases.forEach((spec, g) => {
    const x0 = M.l + g * group + (group - servers.length * 14) / 2;
    servers.forEach((s, i) => {
      const v = rows.find((r) => r.case === spec.id && r.server === s.id)?.ratio.ws;
      if (!(v > 0)) return;
      const [top, bottom] = [Math.min(y(v), y(1)), Math.max(y(v), y(1))];
      const tall = Math.max(1, bottom - top).toFixed(1);
      const box = `x="${x0 + i * 14}" y="${top.toFixed(1)}" width="12" height="${tall}"`;
      svg.push(`<rect ${box} fill="${color(s.id, i)}"><title>${s.label}: ${times(v)}</title></rect>`);
    });
    svg.push(`<text x="${M.l + g * group + group / 2}" y="${H - M.b + 16}" text-anchor="middle">${spec.short}</text>`);
  });
  servers.forEach((s, i) => {
    const x = 20 + (i % 4) * 200;
    const yy = H + 4 + Math.floor(i / 4) * 18;
    svg.push(`<rect x="${x}" y="${yy - 9}" width="12" height="12" fill="${color(s.id, i)}"/>`);
    svg.push(`<text x="${x + 18}" y="${yy + 1}">${s.label}</text>`);
  });
  svg.push('</svg>');
  return `${svg.join('\n')}\n`;
}

/** Write the result files into `dir` and, when `readmePath` is given, the README block. */
export function report({ meta, runs }, dir, readmePath) {
  const rows = aggregate({ meta, runs });
  const base = meta.partial ? 'quick-e2e' : 'e2e';
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${base}.json`), `${JSON.stringify({ meta, rows, runs }, null, 1)}\n`);
  writeFileSync(join(dir, `${base}.md`), markdown(meta, rows, `${base}.svg`));
  writeFileSync(join(dir, `${base}.svg`), chart(meta, rows));
  if (readmePath) writeFileSync(readmePath, replaceSummary(readFileSync(readmePath, 'utf8'), summary(meta, rows)));
  process.stderr.write(`wrote bench/results/${base}.{json,md,svg}${readmePath ? ' and the README table' : ''}\n`);
}

// The README's performance summary, rendered from one run's rows (bench/results/latest.json) so the README
// never mixes numbers from different runs. bench/run.mjs writes it between the two markers below.
export const START =
  '<!-- bench-summary:start (written by bench/run.mjs from bench/results/latest.json; do not edit) -->';
export const END = '<!-- bench-summary:end -->';

const gbps = (r) => (r ? (r.hz * r.bytes) / 1e9 : NaN);
const mps = (r) => (r ? (r.hz * r.messages) / 1e6 : NaN);
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const n2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '—');

/** Markdown for the README: decode and encode tables, other runtimes, memory, kernels, bundle sizes, the run. */
export function summary({ meta, rows, runtimes, bundle }) {
  const find = (suite, c, impl) => rows.find((r) => r.suite === suite && r.case === c && r.impl === impl);
  const lines = [];
  const table = (head, list) => {
    lines.push(`| ${head} | wsframe | ${list.base ?? 'ws + bufferutil'} | ratio |`, '|---|---|---|---|');
    for (const row of list.rows) lines.push(`| ${row.join(' | ')} |`);
    lines.push('');
  };

  // A row compares one wsframe impl (optionally with a second in brackets) with one ws impl, in `suite`.
  const row = (suite, label, c, unit, impl, base, alt) => {
    const a = find(suite, c, impl);
    const b = find(suite, c, base);
    const v = unit === 'msg' ? mps : gbps;
    const u = unit === 'msg' ? ' M/s' : ' GB/s';
    const alt1 = alt ? find(suite, c, alt) : null;
    const mine = `${n2(v(a))}${alt1 ? ` (${n2(v(alt1))})` : ''}${u}`;
    const ratio = `${x(v(a) / v(b))}${alt1 ? ` (${x(v(alt1) / v(b))})` : ''}`;
    return [label, mine, `${n2(v(b))}${u}`, ratio];
  };
  const decodeRow = (label, c, unit, impl, base, alt) => row('decode', label, c, unit, impl, base, alt);
  const WS = 'ws (native)';
  const WSS = 'ws (native) +toString';
  table('decode, server role (masked), 64 KiB chunks', {
    rows: [
      decodeRow('binary, 16 B frames (msg/s)', 'server binary 16 B', 'msg', 'wsframe auto', WS),
      decodeRow('binary, 125 B frames (msg/s)', 'server binary 125 B', 'msg', 'wsframe auto', WS),
      decodeRow('text → string, 16 B (msg/s)', 'server text 16 B', 'msg', 'wsframe auto', WSS),
      decodeRow('text → string, 125 B (msg/s)', 'server text 125 B', 'msg', 'wsframe auto', WSS),
      decodeRow('text → validated bytes, 125 B (msg/s)', 'server text 125 B', 'msg', 'wsframe auto (bytes)', WS),
      decodeRow('one 20 B text frame per push (msg/s)', 'text 20 B', 'msg', 'wsframe auto', WSS),
      decodeRow('one 125 B binary frame per push (msg/s)', 'binary 125 B', 'msg', 'wsframe auto', WS),
      decodeRow('binary 1 KiB', 'server binary 1 KiB', 'gb', 'wsframe auto', WS),
      decodeRow(
        'binary 16 KiB (`inPlace`)',
        'server binary 16 KiB',
        'gb',
        'wsframe auto',
        WS,
        'wsframe auto (in place)',
      ),
      decodeRow(
        'binary 16 KiB: bound for any decoder that returns fresh copies',
        'server binary 16 KiB',
        'gb',
        'bound: fresh copy per message',
        WS,
      ),
      decodeRow(
        'binary 64 KiB (`inPlace`)',
        'server binary 64 KiB',
        'gb',
        'wsframe auto',
        WS,
        'wsframe auto (in place)',
      ),
      decodeRow('binary 1 MiB (`inPlace`)', 'server binary 1 MiB', 'gb', 'wsframe auto', WS, 'wsframe auto (in place)'),
      decodeRow(
        'binary 16 MiB (`inPlace`)',
        'server binary 16 MiB',
        'gb',
        'wsframe auto',
        WS,
        'wsframe auto (in place)',
      ),
      decodeRow(
        'binary 1 MiB in one push (`inPlace`)',
        'binary 1 MiB',
        'gb',
        'wsframe auto',
        WS,
        'wsframe auto (in place)',
      ),
      decodeRow('text → string, 1 KiB', 'server text 1 KiB', 'gb', 'wsframe auto', WSS),
      decodeRow('text → string, 16 KiB', 'server text 16 KiB', 'gb', 'wsframe auto', WSS),
      decodeRow('text → string, 1 MiB', 'server text 1 MiB', 'gb', 'wsframe auto', WSS),
      decodeRow(
        'text → validated bytes, 1 KiB (`inPlace`)',
        'server text 1 KiB',
        'gb',
        'wsframe auto (bytes)',
        WS,
        'wsframe auto (bytes, in place)',
      ),
      decodeRow(
        'text → validated bytes, 16 KiB (`inPlace`)',
        'server text 16 KiB',
        'gb',
        'wsframe auto (bytes)',
        WS,
        'wsframe auto (bytes, in place)',
      ),
      decodeRow(
        'text → validated bytes, 1 MiB (`inPlace`)',
        'server text 1 MiB',
        'gb',
        'wsframe auto (bytes)',
        WS,
        'wsframe auto (bytes, in place)',
      ),
      decodeRow('client role (unmasked): binary 16 B frames (msg/s)', 'client binary 16 B', 'msg', 'wsframe auto', WS),
      decodeRow('client role: binary 64 KiB', 'client binary 64 KiB', 'gb', 'wsframe auto', WS),
      decodeRow('client role: text → validated bytes, 1 MiB', 'client text 1 MiB', 'gb', 'wsframe auto (bytes)', WS),
      decodeRow(
        'TS backend vs ws without bufferutil: binary 1 KiB',
        'server binary 1 KiB',
        'gb',
        'wsframe js',
        'ws (js)',
      ),
      decodeRow(
        'TS backend vs ws without bufferutil: binary 1 MiB',
        'server binary 1 MiB',
        'gb',
        'wsframe js',
        'ws (js)',
      ),
      decodeRow(
        'TS backend vs ws without bufferutil: text → string 1 KiB',
        'server text 1 KiB',
        'gb',
        'wsframe js',
        'ws (js) +toString',
      ),
    ],
  });

  const encodeRow = (label, c, unit) => row('encode', label, c, unit, 'wsframe auto', WS);
  table('encode (`FrameEncoder.encode` vs `Sender.frame`)', {
    rows: [
      encodeRow('client binary 64 B', 'client binary 64 B', 'msg'),
      encodeRow('client binary 16 KiB', 'client binary 16 KiB', 'gb'),
      encodeRow('client binary 64 KiB', 'client binary 64 KiB', 'gb'),
      encodeRow('client binary 1 MiB', 'client binary 1024 KiB', 'gb'),
      encodeRow('server binary 64 B', 'server binary 64 B', 'msg'),
      encodeRow('server binary 64 KiB (both: header + your buffer)', 'server binary 64 KiB', 'gb'),
      encodeRow('client text 19 B (`MessageEncoder.text`)', 'client text 19 B', 'msg'),
    ],
  });

  // Other runtimes: wasm ÷ js on the portable sweep.
  const cases = ['server binary 1 KiB', 'server binary 1024 KiB', 'server text 1 KiB', 'server text 1024 KiB'];
  const short = (c) => c.replace('server ', '').replace('1024 KiB', '1 MiB');
  lines.push(
    `| runtime | ${cases.map((c) => `${short(c)} wasm ÷ js`).join(' | ')} |`,
    `|---|${cases.map(() => '---|').join('')}`,
  );
  for (const rt of runtimes ?? []) {
    if (rt.error) {
      lines.push(
        `| ${rt.runtime} | not measured: ${rt.error} |${cases
          .slice(1)
          .map(() => ' |')
          .join('')}`,
      );
      continue;
    }
    const cell = (c) => {
      const get = (impl) => rt.rows.find((r) => r.case === c && r.impl === impl)?.gbps ?? NaN;
      const [w, j] = [get('wsframe wasm'), get('wsframe js')];
      return `${(w / j).toFixed(1)}× (${w.toFixed(2)} vs ${j.toFixed(2)} GB/s)`;
    };
    lines.push(`| ${rt.runtime} | ${cases.map(cell).join(' | ')} |`);
  }
  lines.push('');

  const mem = (c, impl) => rows.find((r) => r.suite === 'memory' && r.case === c && r.impl === impl)?.value;
  const idle = rows.find((r) => r.suite === 'memory' && /idle/.test(r.case) && r.impl === 'wsframe auto');
  const idleWs = idle && mem(idle.case, WS);
  const peak = rows.find((r) => r.suite === 'memory' && /peak/.test(r.case) && r.impl === 'wsframe auto');
  const peakWs = peak && mem(peak.case, WS);
  const kernel = (c, impl) => gbps(rows.find((r) => r.suite === 'kernels' && r.case === c && r.impl === impl));
  const idleBytes = idle ? Math.round(idle.value) : '—';
  const idleBytesWs = idleWs ? Math.round(idleWs) : '—';
  const peakTimes = peak ? peak.value.toFixed(2) : '—';
  const peakTimesWs = peakWs ? peakWs.toFixed(2) : '—';
  const wasmMixed = n2(kernel('validate UTF-8 mixed 64 KiB', 'wsframe wasm (SIMD)'));
  const wasmAscii = n2(kernel('validate UTF-8 ascii 64 KiB', 'wsframe wasm (SIMD)'));
  const simdutfMixed = n2(kernel('validate UTF-8 mixed 64 KiB', 'node isUtf8 (simdutf)'));
  const simdutfAscii = n2(kernel('validate UTF-8 ascii 64 KiB', 'node isUtf8 (simdutf)'));
  lines.push(
    `Memory: ${idleBytes} bytes per idle \`MessageDecoder\` (ws's Receiver: ${idleBytesWs}); ` +
      'peak while decoding a 16 MiB message in',
    `64 KiB chunks: ${peakTimes}× the message (ws: ${peakTimesWs}×). ` +
      `Kernels, 64 KiB: UTF-8 validation ${wasmMixed} GB/s on mixed text and`,
    `${wasmAscii} GB/s on ASCII (Node's \`isUtf8\`, simdutf with AVX2: ${simdutfMixed} and ${simdutfAscii} GB/s).`,
    '',
  );
  // bench/bundle-size.mjs: what one import costs an application bundle; `wsframe` (and `wsframe/js`).
  const kb = (entry, c) => {
    const r = bundle?.find((b) => b.entry === entry && b.case === c);
    return r ? (r.gzip / 1000).toFixed(2) : '—';
  };
  const both = (c) => `${kb('wsframe', c)} (${kb('wsframe/js', c)}) KB`;
  if (bundle?.length) {
    const only = ['acceptKey', 'MessageDecoder', 'MessageEncoder'].map((c) => `\`${c}\` only ${both(c)}`);
    const all = `everything ${both('everything')}`;
    const head = 'Bundled by esbuild, minified and gzipped (`wsframe/js` in brackets):';
    lines.push(`${head} ${all},`, `${only.join(', ')}.`, '');
  }
  const when = `${meta.date.slice(0, 16).replace('T', ' ')} UTC`;
  const versions = `Node ${meta.runtime.node}, ws ${meta.versions.ws}, bufferutil ${meta.versions.bufferutil}`;
  const took = `${meta.seconds} s for the measurements${meta.quick ? ' (**quick run**)' : ''}`;
  lines.push(`Run: ${when}, ${meta.machine.cpu} × ${meta.machine.cores}, ${versions}, ${took}.`);
  return lines.join('\n');
}

/** `readme` with the block between START and END replaced by `block`; unchanged if the markers are missing. */
export function replaceSummary(readme, block) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) return readme;
  return `${readme.slice(0, a + START.length)}\n\n${block}\n\n${readme.slice(b)}`;
}

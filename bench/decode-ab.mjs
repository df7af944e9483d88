// A/B decode throughput of two builds in one process, interleaved: for a change to the decoders, measured on a
// noisy machine. Build the old version into a directory (e.g. `git stash; npm run build; cp -r dist build/old`),
// then:
//
//   node bench/decode-ab.mjs build/old/dist [dist]      (a table on stderr, JSON rows on stdout)
//
// Cases: large binary frames (64 KiB, 1 MiB, 16 MiB; masked as a server reads them, unmasked as a client does),
// pushed in one chunk or in 64 KiB chunks as a socket delivers them, and 1 MiB messages in 16 KiB fragments.
// Each case alternates A and B in rounds of ~5 ms (order swapped every round) and reports each one's median round
// and the median of the per-round ratios B/A (paired, so the machine's drift between rounds cancels out).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { QUICK, chunked, concat, emit } from './lib/harness.mjs';

const [oldDir, newDir = 'dist'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!oldDir) throw new Error('usage: node bench/decode-ab.mjs OLD_DIST_DIR [NEW_DIST_DIR]');
const load = (dir) => import(pathToFileURL(path.resolve(dir, 'index.js')).href);
const builds = [
  ['A (old)', await load(oldDir)],
  ['B (new)', await load(newDir)],
];
for (const [, m] of builds) m.initSync();
const { MessageEncoder } = builds[1][1];

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Seconds per call of `a` and `b` in `rounds` rounds of ~5 ms each, and the median of the per-round ratios. */
function paired(a, b, rounds = QUICK ? 11 : 41) {
  let k = 1; // calls per round: enough for ~5 ms of `a`
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) a();
    if (performance.now() - t0 > 5 || k >= 1 << 20) break;
    k *= 2;
  }
  const time = (op) => {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) op();
    return (performance.now() - t0) / 1e3 / k;
  };
  const ta = [];
  const tb = [];
  for (let r = 0; r < rounds; r++) {
    // Swap the order every round: the first of a pair may pay for the other's garbage.
    const first = r % 2 ? b : a;
    const t = time(first);
    const u = time(first === a ? b : a);
    ta.push(first === a ? t : u);
    tb.push(first === a ? u : t);
  }
  return { a: median(ta), b: median(tb), speedup: median(ta.map((t, i) => t / tb[i])) };
}

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 64 * KiB;

function stream(role, size, fragment) {
  const encoder = new MessageEncoder({
    role: role === 'server' ? 'client' : 'server',
    backend: 'js',
    fragmentSize: fragment,
  });
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return concat(encoder.binary(data));
}

const CASES = [];
for (const size of QUICK ? [MiB] : [64 * KiB, MiB, 16 * MiB]) {
  for (const role of ['server', 'client']) {
    for (const split of ['one chunk', '64 KiB chunks']) CASES.push({ size, role, split, fragment: undefined });
  }
}
for (const role of ['server', 'client']) CASES.push({ size: MiB, role, split: '64 KiB chunks', fragment: 16 * KiB });

for (const { size, role, split, fragment } of CASES) {
  const bytes = stream(role, size, fragment);
  const pieces = split === 'one chunk' ? [bytes] : chunked(bytes, CHUNK);
  const scratch = pieces.map((p) => Buffer.allocUnsafe(p.length));
  const label = `${role} binary ${size >= MiB ? `${size / MiB} MiB` : `${size / KiB} KiB`}${
    fragment ? ` in ${fragment / KiB} KiB fragments` : ''
  }, ${split}`;
  for (const decoderName of ['MessageDecoder', 'FrameDecoder']) {
    if (fragment && decoderName === 'FrameDecoder') continue;
    const ops = builds.map(([, m]) => {
      const decoder = new m[decoderName]({ role, backend: 'auto', maxMessageSize: 1 << 30, maxFrameSize: 1 << 30 });
      const op = () => {
        let n = 0;
        for (let i = 0; i < pieces.length; i++) {
          scratch[i].set(pieces[i]);
          n += decoder.push(scratch[i]).length;
        }
        return n;
      };
      const expected = fragment && decoderName === 'FrameDecoder' ? Math.ceil(size / fragment) : 1;
      for (let i = 0; i < 5; i++) if (op() !== expected) throw new Error(`${label}: wrong count`);
      return op;
    });
    const { a, b, speedup } = paired(ops[0], ops[1]);
    const rows = builds.map(([impl], i) => ({
      suite: 'decode-ab',
      case: `${decoderName}: ${label}`,
      impl,
      bytes: size,
      messages: 1,
      hz: 1 / (i === 0 ? a : b),
      speedup: i === 0 ? 1 : speedup,
      interleaved: true,
    }));
    const gbps = rows.map((r) => ((r.hz * r.bytes) / 1e9).toFixed(3));
    process.stderr.write(
      `${rows[0].case.padEnd(70)} | A ${gbps[0]} GB/s | B ${gbps[1]} GB/s | B/A ${speedup.toFixed(2)} (median round)\n`,
    );
    emit(rows);
  }
}

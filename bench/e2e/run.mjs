// `npm run bench:e2e` — WebSocket echo servers end to end over loopback TCP: does a codec's speed reach the
// wire? Each server runs in its own process, started fresh for every measurement; the load generator
// (loadgen.mjs) runs in another and checks every byte that comes back; the compressed cases (permessage-deflate,
// compressed.mjs) inflate and check every echo. Writes bench/results/e2e.{json,md},
// e2e.svg and the README's end-to-end table. `-- --quick` (a few minutes) and filtered runs write
// bench/results/quick-e2e.* (git-ignored) and leave the README alone. Options: --servers=ws,bun
// --cases=text16-c1,idle,z1k-c16 --reps=N --no-pin, --report-only (re-render from the JSON).
//
// Server contract. Adding a server = a script in bench/e2e/servers/ + one line in SERVERS (servers.mjs).
// - The process gets PORT in its environment (0 = pick a free port), listens on 127.0.0.1 and, once it accepts
//   connections, prints one line `LISTENING <port>` on stdout.
// - Path `/` echoes every text and binary message unchanged, each as one unfragmented frame (the load generator
//   compares whole frames byte for byte), and answers pings with pongs (RFC 6455 §5.5.2, §5.5.3).
// - Path `/broadcast`: every message received on a connection is sent to every open `/broadcast` connection,
//   the sender included — with the server's own broadcast facility where it has one (Bun's publish), else by
//   looping over its connections. A server without it lists `skip: { broadcast: why }`.
// - No permessage-deflate (or any extension) in the 101 response — unless DEFLATE_THRESHOLD is in the
//   environment (the compressed cases, bench/e2e/compressed.mjs): then it accepts permessage-deflate as offered
//   by browsers (`permessage-deflate; client_max_window_bits`), inflates compressed messages and compresses its
//   echoes of those of at least DEFLATE_THRESHOLD bytes (0 here: all, as ws 8 does with context takeover
//   whatever its threshold). A server that cannot lists `skip: { compressed: why }`.
// - A `gc` line on stdin: collect garbage where the runtime allows and print `GC` (servers/hooks.mjs; the
//   idle-memory case reads RSS after it, or 3 s later without an answer).
// - Exits on SIGTERM.
// The harness checks every server against this (contract.mjs) before measuring it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.mjs';
import { checkCompressedContract, runCompressedIdle } from './compressed.mjs';
import { checkContract } from './contract.mjs';
import { runIdle } from './loadgen.mjs';
import { report } from './report.mjs';
import { ROOT, SERVERS, runtimeVersions, startServer, wrap } from './servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
// `--report-only` (with --quick for the quick files): re-render the results from their JSON, measuring nothing.
if (args.includes('--report-only')) {
  const results = join(ROOT, 'bench', 'results');
  const file = join(results, args.includes('--quick') ? 'quick-e2e.json' : 'e2e.json');
  const { meta, runs } = JSON.parse(readFileSync(file, 'utf8'));
  report({ meta, runs }, results, meta.partial ? null : join(ROOT, 'README.md'));
  process.exit(0);
}
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = (name, all) => {
  const wanted = option(name)?.split(',');
  if (!wanted) return all;
  const unknown = wanted.filter((id) => !all.some((x) => x.id === id));
  const known = all.map((x) => x.id).join(', ');
  if (unknown.length) throw new Error(`unknown --${name}: ${unknown.join(', ')} (known: ${known})`);
  return all.filter((x) => wanted.includes(x.id));
};
const quick = args.includes('--quick');
const servers = list('servers', SERVERS);
const cases = list('cases', CASES);
const partial = quick || servers.length < SERVERS.length || cases.length < CASES.length;
const settings = quick
  ? { reps: 1, warmup: 0.3, seconds: 0.7, idleConnections: 2000, compressedIdleConnections: 200, settleMs: 500 }
  : { reps: 3, warmup: 0.5, seconds: 1.5, idleConnections: 10_000, compressedIdleConnections: 1000, settleMs: 500 };
// The compressed cases' servers: every message compressed both ways (see the contract above).
const COMPRESSED_ENV = { DEFLATE_THRESHOLD: '0' };
/** Why `server` does not run case `spec`, or undefined. */
const skipped = (server, spec) => server.skip?.[spec.id] ?? (spec.compressed ? server.skip?.compressed : undefined);
settings.reps = Number(option('reps') ?? settings.reps);
// Server on CPU 0, load generator on CPU 1 (taskset; --no-pin lets the scheduler place them). Unpinned, this
// VM's scheduler sometimes shares one core between them and sometimes not, which moves text16-c1's ws cost
// between 6.4–7.3 and 10.8 µs of server CPU per message; pinned, each owns a core in every run. The price:
// every wakeup crosses cores, so pingpong mostly measures the VM's cross-core round trip (p50 ~110 µs vs ~30).
const pin = !args.includes('--no-pin') && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

// File descriptors: the idle case holds its connections in this process and in the server. Children get
// `ulimit -n` raised to the hard limit (capped at 65,536); this process re-executes itself under it.
const [soft, hard] = spawnSync('sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).stdout.trim().split('\n');
const files = hard === 'unlimited' ? 65_536 : Math.min(65_536, Number(hard));
if (soft !== 'unlimited' && Number(soft) < files && !process.env.E2E_FILES_RAISED) {
  const [command, ...rest] = wrap([process.execPath, fileURLToPath(import.meta.url), ...args], { files });
  const r = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, E2E_FILES_RAISED: '1' } });
  process.exit(r.status ?? 1);
}
// Margin for the warm connections, the harness's own files and the runtime's.
settings.idleConnections = Math.min(settings.idleConnections, files - 500);

const started = Date.now();
const loadBefore = os.loadavg();
const log = (line) => process.stderr.write(`${line}\n`);
const loadAverage = (l) => l.map((x) => x.toFixed(2)).join(' ');
log(`e2e: ${servers.length} servers × ${cases.length} cases × ${settings.reps} reps; pinned: ${pin}`);
log(`ulimit -n for the bench processes: ${files} (hard limit: ${hard})`);
log(`load average before: ${loadAverage(loadBefore)}`);

for (const server of servers) {
  const s = await startServer(server, { files });
  try {
    await checkContract(s.port, { raw: server.raw, broadcast: !server.skip?.broadcast });
  } catch (error) {
    throw new Error(`${server.id} breaks the server contract (bench/e2e/run.mjs): ${error.message}`);
  } finally {
    await s.stop();
  }
  if (!cases.some((spec) => spec.compressed) || server.skip?.compressed) continue;
  const z = await startServer(server, { files, env: COMPRESSED_ENV });
  try {
    const agreed = await checkCompressedContract(z.port);
    log(`contract: ${server.id} agrees to "${agreed.text}"`);
  } catch (error) {
    throw new Error(`${server.id} breaks the compressed contract (bench/e2e/run.mjs): ${error.message}`);
  } finally {
    await z.stop();
  }
}
log('contract: every server passes');

/** Run one case's load generator in its own process (pinned to CPU 1) and resolve with its JSON result. */
function generate(options) {
  const command = [process.execPath, join(here, 'loadgen.mjs'), JSON.stringify(options)];
  const argv = wrap(command, { files, cpu: pin ? 1 : undefined });
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (options.warmup + options.seconds + 60) * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)));
      } catch {
        resolve({ error: `load generator exited (${signal ?? code}): ${err.trim().slice(-300)}` });
      }
    });
  });
}

async function measure(server, spec) {
  const env = spec.compressed ? COMPRESSED_ENV : undefined;
  const s = await startServer(server, { files, cpu: pin ? 0 : undefined, env });
  try {
    if (spec.kind === 'zidle') {
      const connections = settings.compressedIdleConnections;
      const { settleMs } = settings;
      const { port, pid, collect } = s;
      return await runCompressedIdle({ port, serverPid: pid, connections, collect, settleMs });
    }
    if (spec.kind === 'idle') {
      const connections = settings.idleConnections;
      const { settleMs } = settings;
      const { port, pid, collect } = s;
      return await runIdle({ port, serverPid: pid, connections, raw: !!server.raw, collect, settleMs });
    }
    const { warmup, seconds } = settings;
    return await generate({ port: s.port, serverPid: s.pid, raw: !!server.raw, spec, warmup, seconds, ticksPerSecond });
  } catch (error) {
    return { error: error.message };
  } finally {
    await s.stop();
  }
}

// Repetitions outermost, so that each case's runs are minutes apart and drift hits every server alike; the
// server order rotates with each repetition.
const runs = [];
for (let rep = 0; rep < settings.reps; rep++) {
  for (const spec of cases) {
    const order = servers.map((_, i) => servers[(i + rep) % servers.length]);
    for (const server of order) {
      if (skipped(server, spec)) continue;
      const result = await measure(server, spec);
      runs.push({ case: spec.id, server: server.id, rep, ...result });
      const what = result.error
        ? `FAILED: ${result.error}`
        : spec.kind === 'idle' || spec.kind === 'zidle'
          ? `${Math.round(result.bytesPerConnection)} B/connection`
          : `${Math.round(result.rate)} msg/s`;
      log(`[${Math.round((Date.now() - started) / 1000)} s] rep ${rep + 1} ${spec.id} ${server.id}: ${what}`);
    }
  }
}

const pkg = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
const cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
const meta = {
  date: new Date().toISOString(),
  quick,
  partial,
  seconds: Math.round((Date.now() - started) / 1000),
  machine: {
    cpu: cpuModel,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
  },
  load: { before: loadBefore, after: os.loadavg() },
  versions: {
    ...runtimeVersions(),
    ws: pkg('ws'),
    bufferutil: pkg('bufferutil'),
    wsframe: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
  },
  settings: { ...settings, pinned: pin, files, ticksPerSecond },
  servers: servers.map(({ id, label, runtime, about, raw, skip }) => ({ id, label, runtime, about, raw: !!raw, skip })),
  cases: cases.map(({ id, short, label, kind, type, size, connections, window, compressed, data }) => {
    return { id, short, label, kind, type, size, connections, window, compressed, data };
  }),
};
report({ meta, runs }, join(ROOT, 'bench', 'results'), partial ? null : join(ROOT, 'README.md'));
log(`e2e: done in ${meta.seconds} s; load average after: ${loadAverage(meta.load.after)}`);

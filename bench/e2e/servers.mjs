// The servers the e2e bench measures, and how to start and stop one. Adding a server: a script in servers/
// that keeps the contract at the top of run.mjs, and one line in SERVERS.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
const script = (name) => join(here, 'servers', name);
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
// --expose-gc: the contract's `gc` hook (servers/hooks.mjs) can then run a full collection.
const node = (name) => [process.execPath, '--expose-gc', script(name)];
const DENO_FLAGS = ['--allow-net=127.0.0.1', '--allow-env=PORT,DEFLATE_THRESHOLD', '--v8-flags=--expose-gc'];
const deno = (name) => [bin('deno'), 'run', ...DENO_FLAGS, script(name)];

/**
 * id: used by --servers= and in results; label: for tables (short); command: argv (run with PORT in env);
 * runtime: whose version the results record; about: one line for bench/results/e2e.md; raw: the server
 * echoes bytes, not frames (the client gets its masked frames back); skip: { caseId: why } for cases a server
 * cannot run, `compressed: why` for all the compressed ones (permessage-deflate).
 */
export const SERVERS = [
  {
    id: 'tcp',
    label: 'raw TCP (Node)',
    command: node('tcp.mjs'),
    runtime: 'node',
    raw: true,
    about: 'node:net, a fixed 101 and then `socket.pipe(socket)`: no WebSocket at all',
    skip: { compressed: 'a byte echo: no WebSocket, no permessage-deflate' },
  },
  {
    id: 'ws',
    label: 'ws + bufferutil',
    command: node('ws.mjs'),
    runtime: 'node',
    about: '`ws` 8 with bufferutil; sends back the Buffer it got (text is validated, never decoded)',
  },
  {
    id: 'bun',
    label: 'Bun (uWS)',
    command: [bin('bun'), script('bun.mjs')],
    runtime: 'bun',
    about: '`Bun.serve` websocket handler; text arrives as a string and is encoded again; broadcast: `publish`',
  },
  {
    id: 'deno',
    label: 'Deno (fastwebsockets)',
    command: deno('deno.mjs'),
    runtime: 'deno',
    about: '`Deno.serve` + `Deno.upgradeWebSocket`; text arrives as a string and is encoded again',
    skip: {
      compressed:
        'Deno.upgradeWebSocket has no permessage-deflate: its 101 answers an offer without Sec-WebSocket-Extensions',
    },
  },
  {
    id: 'wsframe-node',
    label: 'wsframe/node',
    command: node('wsframe-node.mjs'),
    runtime: 'node',
    about:
      'the adapter with its defaults (`serve`); text echoed as the validated bytes it came as; ' +
      'broadcast: `server.broadcast`, encoded once',
  },
  {
    id: 'wsframe-deno',
    label: 'wsframe/deno',
    command: deno('wsframe-deno.mjs'),
    runtime: 'deno',
    about:
      'the adapter with its defaults (`serve` on `Deno.listen`); text echoed as the validated bytes it came as; ' +
      'broadcast: `server.broadcast`, encoded once',
  },
  {
    id: 'wsframe-bun',
    label: 'wsframe/bun',
    command: [bin('bun'), script('wsframe-bun.mjs')],
    runtime: 'bun',
    about:
      'the adapter with its defaults (`serve` on `Bun.listen`); text echoed as the validated bytes it came as; ' +
      'broadcast: `server.broadcast`, encoded once',
  },
  {
    id: 'wsframe-example',
    label: 'wsframe example',
    command: node('wsframe-example.mjs'),
    runtime: 'node',
    about: '`examples/echo-server.mjs`: wsframe/node `attach`ed to node:http; text echoed as validated bytes',
    skip: { broadcast: 'examples/echo-server.mjs has no /broadcast' },
  },
];

/** The versions of the runtimes that run servers, e.g. { node: 'v20.20.2', bun: '1.4.5', deno: '2.9.5' }. */
export function runtimeVersions() {
  const out = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    node: process.version,
    bun: existsSync(bin('bun')) ? out(bin('bun'), ['--version']) : 'missing',
    deno: existsSync(bin('deno')) ? out(bin('deno'), ['--version']).split(' ')[1] : 'missing',
  };
}

/** `argv` behind `ulimit -n files` (when given) and `taskset -c cpu` (when given); exec keeps the pid. */
export function wrap(argv, { files, cpu } = {}) {
  const shell = files ? ['sh', '-c', `ulimit -n ${files} && exec "$0" "$@"`] : [];
  const pin = cpu !== undefined ? ['taskset', '-c', String(cpu)] : [];
  return [...pin, ...shell, ...argv];
}

/**
 * Start `server` with PORT=0 (and `env`) and resolve, once it prints `LISTENING <port>`, to
 * { port, pid, collect(), stop() }: collect() sends the `gc` hook and waits up to 3 s for `GC`; stop() sends
 * SIGTERM (SIGKILL after 3 s) and resolves when the process has exited.
 */
export function startServer(server, { files, cpu, env, timeoutMs = 15_000 } = {}) {
  const [command, ...args] = wrap(server.command, { files, cpu });
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
    for (const w of [...waiters]) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  child.stdin.on('error', () => {});
  const tail = () => stderr.trim().slice(-500);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  /** Resolve when stdout (from `from` on) matches `pattern`, or reject after `ms`/when the process exits. */
  const waitFor = (pattern, from, ms) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(stdout.slice(from));
        if (!m) return;
        done();
        resolve(m);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${server.id}: no ${pattern} on stdout within ${ms} ms; stderr: ${tail()}`));
      }, ms);
      const done = () => {
        clearTimeout(timer);
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
      };
      waiters.push(check);
      exited.then(({ code, signal }) => {
        if (!waiters.includes(check)) return;
        done();
        reject(new Error(`${server.id} exited (${signal ?? code}) before ${pattern}; stderr: ${tail()}`));
      });
      check();
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };
  return waitFor(/^LISTENING (\d+)$/m, 0, timeoutMs).then(
    (m) => ({
      port: Number(m[1]),
      pid: child.pid,
      async collect() {
        const from = stdout.length;
        child.stdin.write('gc\n');
        await waitFor(/^GC$/m, from, 3000).catch(() => {});
      },
      stop,
      exited,
    }),
    async (error) => {
      await stop();
      throw error;
    },
  );
}

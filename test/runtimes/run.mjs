// The runtime matrix: pack the package, lint the tarball (publint, attw), check the bundles, install the
// tarball into a temporary app directory (as node_modules/wsframe) and run the portable cases (cases.mjs) from
// it on Node 20 (this node), Node 24 (`npx -p node@24`), Deno and Bun (the npm packages' binaries) and Chromium
// (playwright-core + the browser find-chromium.mjs finds: main thread, dedicated worker, service worker, the
// service-worker example). A missing runtime is a failure, except a missing browser: its row is skipped with one
// line saying so, unless WSFRAME_REQUIRE_ALL_RUNTIMES=1 (CI), which makes it a failure too.
//
//   npm run build && node test/runtimes/run.mjs        (or: npm run test:runtimes)
//
// test/runtimes/matrix.test.ts runs the same steps inside `npm test`.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findChromium, missingChromiumLine, requireAllRuntimes, requiredChromiumMessage } from './find-chromium.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
/** A fresh directory per run (other runs in the same tree may be going on): the tarball and the app. */
let work = '';
let appDir = '';
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** The base64 of every WASM module starts with the magic bytes `\0asm` + version 1. */
const WASM_BASE64_PREFIX = 'AGFzbQEAAAA';

// ---------------------------------------------------------------------------------------------------------------
// Packing and package checks
// ---------------------------------------------------------------------------------------------------------------

/**
 * `npm pack` into a temporary directory, extract the tarball as <tmp>/app/node_modules/wsframe and copy the
 * launchers next to it. Returns facts for the report.
 */
export async function pack() {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'wsframe-runtimes-'));
  appDir = join(work, 'app');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const tarball = join(work, info.filename);
  const pkgDir = join(appDir, 'node_modules', 'wsframe');
  mkdirSync(pkgDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  writeFileSync(
    join(appDir, 'package.json'),
    `${JSON.stringify({ name: 'wsframe-runtime-matrix', private: true, type: 'module' }, null, 2)}\n`,
  );
  const runtimes = join(appDir, 'runtimes');
  mkdirSync(runtimes, { recursive: true });
  for (const file of ['cases.mjs', 'catalogue.mjs', 'launcher.mjs', 'require.cjs'])
    cpSync(join(here, file), join(runtimes, file));
  cpSync(join(here, 'browser'), join(runtimes, 'browser'), { recursive: true });
  cpSync(join(root, 'examples', 'service-worker'), join(appDir, 'examples', 'service-worker'), { recursive: true });
  const vectors = readFileSync(join(root, 'test', 'fixtures', 'utf8-cases.json'), 'utf8');
  writeFileSync(
    join(runtimes, 'utf8-vectors.mjs'),
    `// Generated from test/fixtures/utf8-cases.json.\nexport default ${vectors.trim()};\n`,
  );
  const index = readFileSync(join(pkgDir, 'dist', 'index.js'), 'utf8');
  const base64 = index.match(/["'`](AGFzbQ[A-Za-z0-9+/=]+)["'`]/)?.[1] ?? '';
  const wasmSize = Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  return {
    work,
    appDir,
    tarball,
    tarballSize: statSync(tarball).size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f) => f.path).sort(),
    wasmSize,
    pkgDir,
  };
}

/** Remove the temporary directory of `pack()` (set WSFRAME_KEEP_MATRIX=1 to keep it for debugging). */
export function cleanUp() {
  if (work && !process.env.WSFRAME_KEEP_MATRIX) rmSync(work, { recursive: true, force: true });
}

const read = (packed, file) => readFileSync(join(packed.pkgDir, 'dist', file), 'utf8');
/** The tarball's files under dist/ (relative to it) whose path starts with one of `prefixes`. */
const distFiles = (packed, prefixes) =>
  packed.files
    .filter((f) => f.startsWith('dist/'))
    .map((f) => f.slice(5))
    .filter((f) => prefixes.some((p) => f.startsWith(p)));

/** Every check on the packed package (name → check); a check resolves null when fine, else the problem. */
export const PACKAGE_CHECKS = {
  'publint (tarball)': async (packed) => {
    const out = await run(bin('publint'), ['run', packed.tarball, '--strict'], { cwd: work }).catch((e) => e);
    return out.code ? `publint failed:\n${out.stdout}${out.stderr}` : null;
  },
  // On the tarball the runtimes import (what `attw --pack .` would pack), with attw's default (strict) profile:
  // every entry under node10, node16 (CJS and ESM) and bundler resolution. node10 ignores `exports`, so
  // `wsframe/js` finds its types there through package.json's `typesVersions`.
  'attw (types for import and require; node10, node16 and bundler resolution)': async (packed) => {
    const args = [packed.tarball, '--profile', 'strict', '--format', 'ascii', '--no-color'];
    const out = await run(bin('attw'), args, { cwd: work, maxBuffer: 1 << 24 }).catch((e) => e);
    return out.code ? `attw failed:\n${out.stdout}${out.stderr}` : null;
  },
  // wsframe/js: the bundled dist/js.{js,cjs} and the tree of modules for bundlers, dist/esm-js/.
  'wsframe/js bundles carry no WASM bytes or glue': async (packed) => {
    const found = distFiles(packed, ['js.', 'esm-js/']).filter(
      (f) => /WebAssembly\./.test(read(packed, f)) || read(packed, f).includes(WASM_BASE64_PREFIX),
    );
    return found.length ? `WASM base64 or WebAssembly calls found in ${found.join(', ')}` : null;
  },
  'wsframe bundles embed the WASM': async (packed) => {
    const missing = ['index.js', 'index.cjs', 'esm/generated/wasm.js'].filter(
      (f) => !read(packed, f).includes(WASM_BASE64_PREFIX),
    );
    return missing.length ? `no WASM base64 in ${missing.join(', ')}` : null;
  },
  'the tarball holds only dist/, README.md and package.json': async (packed) => {
    const extra = packed.files.filter(
      (f) => !f.startsWith('dist/') && f !== 'README.md' && f !== 'package.json' && !/^LICEN[CS]E/i.test(f),
    );
    const expected = [
      'index.js',
      'index.cjs',
      'index.d.ts',
      'index.d.cts',
      'js.js',
      'js.cjs',
      'js.d.ts',
      'js.d.cts',
      'esm/index.js',
      'esm-js/js.js',
    ];
    const missing = expected.filter((f) => !packed.files.includes(`dist/${f}`));
    if (extra.length || missing.length)
      return `unexpected: ${extra.join(', ') || '-'}; missing: ${missing.join(', ') || '-'}`;
    return null;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Runtimes
// ---------------------------------------------------------------------------------------------------------------

let node24 = null;
/** The Node 24 binary from the npm `node@24` package (downloaded once into the npx cache). */
async function node24Path() {
  node24 ??= run('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], { cwd: work }).then(({ stdout }) =>
    stdout.trim(),
  );
  return node24;
}

/**
 * Each entry: a name, the variants it runs and how to start it. Every variant prints `WSFRAME-RESULT {json}`
 * lines (Chromium: one per browser context). `browser`: needs a Chromium (skipped when there is none).
 */
export const RUNTIMES = [
  {
    name: 'node 20',
    expectVersion: /^20\./,
    command: async (variant) => [process.execPath, launcherArgs(variant)],
    variants: ['main', 'js', 'require', 'env', 'adapter'],
  },
  {
    name: 'node 24',
    expectVersion: /^24\./,
    command: async (variant) => [await node24Path(), launcherArgs(variant)],
    variants: ['main'],
  },
  {
    name: 'deno 2.9',
    expectVersion: /^2\.9\./,
    command: async (variant) => [
      bin('deno'),
      ['run', ...(variant === 'adapter' ? ['--allow-net=127.0.0.1'] : []), ...launcherArgs(variant)],
    ],
    variants: ['main', 'js', 'nowasm', 'adapter'],
  },
  {
    name: 'bun 1.4',
    expectVersion: /^1\.4\./,
    command: async (variant) => [bin('bun'), launcherArgs(variant)],
    variants: ['main', 'js', 'adapter'],
  },
  {
    name: 'chromium',
    expectVersion: /^\d+\./,
    command: async () => [process.execPath, [join(here, 'chromium.mjs'), appDir]],
    variants: ['all'],
    browser: true,
  },
];

function launcherArgs(variant) {
  return variant === 'require'
    ? [join(appDir, 'runtimes', 'require.cjs')]
    : [join(appDir, 'runtimes', 'launcher.mjs'), variant];
}

/** Start one variant; resolve with its reports (parsed WSFRAME-RESULT lines), exit code and output. */
export async function runVariant(runtime, variant, { timeout = 240_000 } = {}) {
  let command;
  let args;
  try {
    [command, args] = await runtime.command(variant);
  } catch (error) {
    return {
      runtime: runtime.name,
      variant,
      code: -1,
      output: `cannot start ${runtime.name}: ${error.message}`,
      reports: [],
    };
  }
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.WSFRAME_NO_WASM;
  if (variant === 'env') env.WSFRAME_NO_WASM = '1';
  return new Promise((done) => {
    let output = '';
    const child = spawn(command, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      output += `\n[timed out after ${timeout / 1000} s]`;
      child.kill('SIGKILL');
    }, timeout);
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ runtime: runtime.name, variant, code: -1, output: `${output}\n${error.message}`, reports: [] });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const reports = output
        .split('\n')
        .filter((l) => l.startsWith('WSFRAME-RESULT '))
        .map((l) => JSON.parse(l.slice(15)));
      done({ runtime: runtime.name, variant, code, output, reports });
    });
  });
}

/** Problems with one variant's run: no report, a failed check, a wrong runtime version, a non-zero exit. */
export function problemsOf(runtime, result) {
  const problems = [];
  if (result.reports.length === 0) problems.push(`no result (exit ${result.code}):\n${result.output.slice(-3000)}`);
  for (const r of result.reports) {
    const version = String(r.runtime ?? '')
      .split(' ')
      .pop();
    if (!runtime.expectVersion.test(version)) problems.push(`ran on ${r.runtime}, expected ${runtime.name}`);
    if (r.failed > 0 || r.passed === 0)
      problems.push(`${r.context ?? r.variant}: ${r.failed} failed, ${r.passed} passed\n  ${r.failures.join('\n  ')}`);
  }
  if (result.code !== 0 && result.reports.length > 0)
    problems.push(`exit code ${result.code}:\n${result.output.slice(-2000)}`);
  return problems;
}

export function describeReport(r) {
  const where = [r.runtime, r.context, r.variant !== 'main' ? `(${r.variant})` : ''].filter(Boolean).join(' ');
  return `${where} — backend ${r.backend}, cases on ${r.backends.join('+')} — ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`;
}

/** Run `tasks` (functions returning promises) at most `limit` at a time, in order of start. */
export async function pool(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const packed = await pack();
  console.log(
    `packed ${packed.tarball.split('/').pop()}: ${packed.tarballSize} bytes (${packed.unpackedSize} unpacked, ${packed.files.length} files); embedded WASM ${packed.wasmSize} bytes`,
  );
  let failures = 0;
  for (const [name, check] of Object.entries(PACKAGE_CHECKS)) {
    const problem = await check(packed);
    console.log(`${problem ? 'FAIL' : 'ok  '} ${name}${problem ? `\n${problem}` : ''}`);
    if (problem) failures++;
  }
  const chromium = findChromium();
  let skipped = 0;
  const runnable = RUNTIMES.filter((rt) => {
    if (!rt.browser || chromium.path) return true;
    const what = `runtime matrix — ${rt.name}`;
    if (requireAllRuntimes()) {
      failures++;
      console.log(`FAIL ${requiredChromiumMessage(what, chromium.tried)}`);
    } else {
      console.log(missingChromiumLine(what, chromium.tried));
      skipped++;
    }
    return false;
  });
  const variantTask = (rt, variant) => async () => ({ rt, result: await runVariant(rt, variant) });
  const tasks = runnable.flatMap((rt) => rt.variants.map((variant) => variantTask(rt, variant)));
  const parallel = Number(process.env.WSFRAME_MATRIX_JOBS ?? 2);
  for (const { rt, result } of await pool(tasks, parallel)) {
    for (const r of result.reports) console.log(`${r.failed === 0 ? 'ok  ' : 'FAIL'} ${describeReport(r)}`);
    const problems = problemsOf(rt, result);
    if (problems.length) {
      failures++;
      console.log(`FAIL ${rt.name} ${result.variant}:\n${problems.join('\n')}`);
    }
  }
  cleanUp();
  const verdict = (failures === 0 ? 'all passed' : `${failures} failure(s)`) + (skipped ? `, ${skipped} skipped` : '');
  console.log(`runtime matrix: ${verdict} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(failures === 0 ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

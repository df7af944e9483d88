// What an application pays for what it imports: each case bundles one `import { X } from 'wsframe'` (and the same
// from 'wsframe/js') with esbuild (ESM, minified, browser platform, tree shaking as a bundler does it, with the
// package's `exports` and `"sideEffects": false`), then gzips the output (gzip -9). Measures the built dist/ (run
// `npm run build` first). `node bench/bundle-size.mjs` prints a table; `--json` prints the rows.
// bench/run.mjs puts them in bench/results/latest.md; test/api/bundle-size.test.ts bounds them.
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The imports measured, each from both entries. */
export const CASES = [
  { name: 'everything', code: (from) => `export * from '${from}';` },
  { name: 'acceptKey', code: (from) => `export { acceptKey } from '${from}';` },
  { name: 'MessageDecoder', code: (from) => `export { MessageDecoder } from '${from}';` },
  { name: 'MessageEncoder', code: (from) => `export { MessageEncoder } from '${from}';` },
  { name: 'Connection', code: (from) => `export { Connection } from '${from}';` },
  { name: 'DecoderStream', code: (from) => `export { DecoderStream } from '${from}';` },
];
export const ENTRIES = ['wsframe', 'wsframe/js'];

// `wsframe` resolves as in an application: from node_modules/wsframe through package.json `exports`, with
// esbuild's default conditions for the browser (`module`, `import`, `browser`). The application directory
// holding that link to this package is one per checkout, in the temporary directory, reused by every run.
function appDir() {
  const app = join(tmpdir(), `wsframe-bundle-size-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  try {
    symlinkSync(root, join(app, 'node_modules', 'wsframe'), 'dir');
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  return app;
}

/**
 * Bundle `import { name } from entry` and measure it: minified and gzipped bytes, and the package files
 * (relative to the package root) that contributed bytes to the output.
 */
export async function measure(entry, c) {
  const result = await build({
    stdin: { contents: c.code(entry), resolveDir: appDir(), loader: 'js', sourcefile: 'app.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const output = Object.values(result.metafile.outputs)[0];
  const files = Object.entries(output.inputs)
    .filter(([path, info]) => info.bytesInOutput > 0 && path !== 'app.mjs')
    .map(([path]) => relative(root, join(root, path)))
    .sort();
  return { entry, case: c.name, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, files };
}

/** Every case for both entries, in the order of CASES. */
export async function measureAll() {
  const rows = [];
  for (const entry of ENTRIES) for (const c of CASES) rows.push(await measure(entry, c));
  return rows;
}

const kb = (n) => (n / 1000).toFixed(2);

/** Markdown for bench/results/latest.md: one row per import, both entries side by side. */
export function bundleTable(rows) {
  const lines = [
    '## bundle size: what an import costs',
    '',
    "bench/bundle-size.mjs: `export { X } from 'wsframe'` bundled by esbuild (ESM, minified, browser platform),",
    'then gzip -9. KB = 1000 bytes.',
    '',
    `| import | ${ENTRIES.map((e) => `${e} min | ${e} gzip`).join(' | ')} |`,
    `|---|${ENTRIES.map(() => '---|---|').join('')}`,
  ];
  for (const c of CASES) {
    const cells = ENTRIES.map((e) => rows.find((r) => r.entry === e && r.case === c.name)).map((r) =>
      r ? `${kb(r.bytes)} KB | ${kb(r.gzip)} KB` : '— | —',
    );
    lines.push(`| ${c.name === 'everything' ? 'everything (`*`)' : `\`${c.name}\` only`} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measureAll();
  if (process.argv.includes('--json')) for (const r of rows) console.log(JSON.stringify(r));
  else {
    console.log(bundleTable(rows));
    for (const r of rows) console.log(`${r.entry} ${r.case}: ${r.files.join(' ')}`);
  }
}

// The kernels bench measures internal functions (unmask, UTF-8 validation) that the package does not export,
// so it bundles them from src/ with esbuild (already installed as tsup's bundler) into bench/.cache.
import { buildSync } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(root, 'bench', '.cache');
mkdirSync(cache, { recursive: true });
const entry = join(cache, 'internals-entry.ts');
writeFileSync(
  entry,
  [
    `export { wasmBackendForTests } from '../../src/backend/index.ts';`,
    `export { validateUtf8 } from '../../src/backend/utf8.ts';`,
    `export { unmaskAt } from '../../src/backend/mask.ts';`,
    `export { decodeText } from '../../src/text.ts';`,
  ].join('\n'),
);
const outfile = join(cache, 'internals.mjs');
buildSync({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', outfile, logLevel: 'error' });
export const internals = await import(outfile);

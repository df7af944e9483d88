/**
 * Pay only for what you import: an application bundle (esbuild, minified, gzip) holds only the modules its
 * imports reach. Measures the built dist/ through package.json `exports` (bench/bundle-size.mjs), where
 * bundlers (the `module` condition) get the trees of modules in dist/esm/ and dist/esm-js/; so it needs
 * `npm run build` first (`npm test` builds). The runtime matrix runs the bundled files; the trees run here.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES, ENTRIES, measure, type BundleRow } from '../../bench/bundle-size.mjs';

const rows: BundleRow[] = [];
const row = (entry: string, name: string): BundleRow => rows.find((r) => r.entry === entry && r.case === name)!;

beforeAll(async () => {
  const built = existsSync(new URL('../../dist/esm/index.js', import.meta.url));
  if (!built) throw new Error('dist/ is missing: run `npm run build`');
  for (const entry of ENTRIES) for (const c of CASES) rows.push(await measure(entry, c));
}, 60_000);

describe.each(ENTRIES)('bundling imports of %s', (entry) => {
  // bench/bundle-size.mjs "acceptKey only": 0.84 KB gzipped (1.31 KB minified) on 2026-11-29.
  it('acceptKey alone stays under 2 KB gzipped and holds nothing but the handshake module', () => {
    const r = row(entry, 'acceptKey');
    expect(r.gzip).toBeLessThan(2000);
    expect(r.files.map((f) => f.replace(/^dist\/esm(-js)?\//, ''))).toEqual(['handshake.js']);
  });

  it('MessageDecoder alone holds no handshake, HTTP, connection, stream or encoder code', () => {
    const names = row(entry, 'MessageDecoder').files.map((f) => f.replace(/^dist\/esm(-js)?\//, ''));
    expect(names).toContain('decoder.js');
    for (const other of ['handshake.js', 'http.js', 'connection.js', 'streams.js', 'encoder.js', 'mask-keys.js']) {
      expect(names).not.toContain(other);
    }
  });

  it('MessageEncoder alone holds no decoder, handshake or connection code', () => {
    const names = row(entry, 'MessageEncoder').files.map((f) => f.replace(/^dist\/esm(-js)?\//, ''));
    expect(names).toContain('encoder.js');
    for (const other of ['decoder.js', 'handshake.js', 'http.js', 'connection.js', 'streams.js']) {
      expect(names).not.toContain(other);
    }
  });

  it('each single import is smaller than importing everything', () => {
    const all = row(entry, 'everything').gzip;
    for (const c of CASES.filter((x) => x.name !== 'everything')) expect(row(entry, c.name).gzip).toBeLessThan(all);
  });
});

it('wsframe/js bundles no WASM, wsframe bundles it with the codec', () => {
  for (const c of CASES) {
    expect(row('wsframe/js', c.name).files.filter((f) => /generated|backend\/wasm\.js/.test(f))).toEqual([]);
  }
  expect(row('wsframe', 'MessageDecoder').files).toContain('dist/esm/generated/wasm.js');
  expect(row('wsframe', 'acceptKey').files).not.toContain('dist/esm/generated/wasm.js');
});

// What a bundler gets must be the API that Node gets: the same exports, and it must work.
describe.each([
  ['wsframe', '../../dist/esm/index.js', '../../dist/index.js', 'wasm'],
  ['wsframe/js', '../../dist/esm-js/js.js', '../../dist/js.js', 'js'],
])('the module tree of %s', (_entry, tree, bundle, backend) => {
  it(`exports what the bundled file exports and decodes what it encodes (backend ${backend})`, async () => {
    const mod = await import(/* @vite-ignore */ tree);
    const whole = await import(/* @vite-ignore */ bundle);
    expect(Object.keys(mod).sort()).toEqual(Object.keys(whole).sort());
    expect(mod.initSync()).toBe(backend);
    const frames = new mod.MessageEncoder({ role: 'client' }).text('héllo, tree'.repeat(20));
    const decoder = new mod.MessageDecoder({ role: 'server' });
    const messages = frames.flatMap((f: Uint8Array) => decoder.push(f));
    expect(messages).toEqual([{ type: 'text', data: 'héllo, tree'.repeat(20) }]);
    expect(mod.acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

/**
 * The runtime matrix inside `npm test`: the packed tarball (not src/) is linted and installed, then the portable
 * cases (test/runtimes/cases.mjs) run on Node 20, Node 24, Deno 2.9, Bun 1.4 and Chromium (main thread, dedicated
 * worker, service worker, the service-worker example). A runtime that is missing or cannot start fails its test.
 * Standalone: `npm run test:runtimes`. Needs a build (`npm test` builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_CHECKS, RUNTIMES, cleanUp, describeReport, pack, problemsOf, runVariant, type Packed } from './run.mjs';

let packed: Packed;

beforeAll(async () => {
  packed = await pack();
  console.log(
    `packed ${packed.tarball.split('/').pop()}: ${packed.tarballSize} bytes (${packed.unpackedSize} unpacked, ` +
    `${packed.files.length} files: ${packed.files.join(' ')}); embedded WASM ${packed.wasmSize} bytes`,
  );
}, 120_000);

afterAll(cleanUp);

describe('the packed package', () => {
  it.each(Object.keys(PACKAGE_CHECKS))('%s', async (name) => {
    expect(await PACKAGE_CHECKS[name]!(packed)).toBeNull();
  }, 120_000);
});

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('runtime matrix — %s', (_name, runtime) => {
  it.each(runtime.variants)('passes every portable case from the tarball (%s)', async (variant) => {
    const result = await runVariant(runtime, variant);
    for (const report of result.reports) console.log(describeReport(report));
    expect(problemsOf(runtime, result)).toEqual([]);
  }, 300_000);
});

/**
 * The runtime matrix inside `npm test`: the packed tarball (not src/) is linted and installed, then the portable
 * cases (test/runtimes/cases.mjs) run on Node 20, Node 24, Deno 2.9, Bun 1.4 and Chromium (main thread, dedicated
 * worker, service worker, the service-worker example). A runtime that is missing or cannot start fails its test,
 * except a missing Chromium (see find-chromium.mjs): its row is skipped with a line saying so, or fails with
 * WSFRAME_REQUIRE_ALL_RUNTIMES=1 (as in CI). Standalone: `npm run test:runtimes`. Needs a build (`npm test` builds
 * first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip } from './find-chromium.mjs';
import {
  PACKAGE_CHECKS,
  RUNTIMES,
  cleanUp,
  describeReport,
  pack,
  problemsOf,
  runVariant,
  type Packed,
} from './run.mjs';

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
  it.each(Object.keys(PACKAGE_CHECKS))(
    '%s',
    async (name) => {
      expect(await PACKAGE_CHECKS[name]!(packed)).toBeNull();
    },
    120_000,
  );
});

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('runtime matrix — %s', (_name, runtime) => {
  const options = { timeout: 300_000 };
  it.for(runtime.variants)('passes every portable case from the tarball (%s)', options, async (variant, ctx) => {
    if (runtime.browser) chromiumOrSkip(`runtime matrix — ${runtime.name}`, (note) => ctx.skip(note));
    const result = await runVariant(runtime, variant);
    for (const report of result.reports) console.log(describeReport(report));
    expect(problemsOf(runtime, result)).toEqual([]);
  });
});

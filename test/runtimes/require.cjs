// CJS consumers (Node): require('wsframe') and require('wsframe/js') from the packed tarball return the same API
// as the ESM entries, and the portable cases pass through the required module.
// Prints one line `WSFRAME-RESULT {json}`.
const cjs = require('wsframe');
const cjsJs = require('wsframe/js');

(async () => {
  const esm = await import('wsframe');
  const { checkBackend, merge, runCases } = await import('./cases.mjs');
  const { default: utf8Vectors } = await import('./utf8-vectors.mjs');
  const started = Date.now();
  const names = (m) =>
    Object.keys(m)
      .filter((k) => k !== 'default' && k !== '__esModule')
      .sort()
      .join(',');
  const api = { passed: 0, failed: 0, failures: [] };
  for (const [what, got] of [
    ['wsframe', names(cjs)],
    ['wsframe/js', names(cjsJs)],
  ]) {
    if (got === names(esm)) api.passed++;
    else {
      api.failed++;
      api.failures.push(`require('${what}') exports ${got}, import('wsframe') exports ${names(esm)}`);
    }
  }
  let result = merge(api, await checkBackend(cjs, { expect: 'wasm' }));
  result = merge(result, await checkBackend(cjsJs, { expect: 'js' }));
  result = merge(result, await runCases(cjs, { backends: ['wasm', 'js'], utf8Vectors }));
  const report = {
    runtime: `node ${process.versions.node}`,
    variant: 'require',
    backend: cjs.activeBackend(),
    backends: ['wasm', 'js'],
    ...result,
    ms: Date.now() - started,
  };
  console.log(`WSFRAME-RESULT ${JSON.stringify(report)}`);
  process.exit(result.failed === 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

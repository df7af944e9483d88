// Dedicated module worker: initSync() compiles WASM (allowed off the main thread); cases on both backends.
import * as wsframe from '/node_modules/wsframe/dist/index.js';
import { checkBackend, merge, runCases } from '../cases.mjs';
import utf8Vectors from '../utf8-vectors.mjs';

const started = Date.now();
try {
  let result = await checkBackend(wsframe, { expect: 'wasm' });
  result = merge(result, await runCases(wsframe, { backends: ['wasm', 'js'], utf8Vectors }));
  postMessage({
    context: 'dedicated worker',
    variant: 'main',
    backend: wsframe.activeBackend(),
    backends: ['wasm', 'js'],
    ...result,
    ms: Date.now() - started,
  });
} catch (error) {
  postMessage({
    context: 'dedicated worker',
    passed: 0,
    failed: 1,
    failures: [String(error?.stack || error)],
  });
}

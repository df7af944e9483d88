// Module service worker (static imports only: import() is not allowed in service workers). On a 'run'
// message: initSync() compiles WASM; cases on both backends; the report goes back on the given port.
import * as wsframe from '/node_modules/wsframe/dist/index.js';
import { checkBackend, merge, runCases } from '../cases.mjs';
import utf8Vectors from '../utf8-vectors.mjs';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const [port] = event.ports;
  event.waitUntil(
    (async () => {
      const started = Date.now();
      try {
        let result = await checkBackend(wsframe, { expect: 'wasm' });
        result = merge(result, await runCases(wsframe, { backends: ['wasm', 'js'], utf8Vectors }));
        port.postMessage({
          context: 'service worker',
          variant: 'main',
          backend: wsframe.activeBackend(),
          backends: ['wasm', 'js'],
          ...result,
          ms: Date.now() - started,
        });
      } catch (error) {
        port.postMessage({
          context: 'service worker',
          passed: 0,
          failed: 1,
          failures: [String(error?.stack || error)],
        });
      }
    })(),
  );
});

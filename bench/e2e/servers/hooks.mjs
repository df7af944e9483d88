// What the Node and Bun server scripts share: the two lines of the server contract (bench/e2e/run.mjs).

/** Tell the harness the server is ready: one `LISTENING <port>` line on stdout. */
export function listening(port) {
  process.stdout.write(`LISTENING ${port}\n`);
}

/**
 * The memory case's hook: a `gc` line on stdin collects garbage with `collect` (Node's `gc` needs --expose-gc)
 * and answers `GC`, so RSS is read after a full collection rather than whenever the heap last shrank.
 */
export function collectOnRequest(collect = globalThis.gc) {
  process.stdin.on('data', (chunk) => {
    if (!String(chunk).includes('gc')) return;
    collect?.();
    process.stdout.write('GC\n');
  });
  process.stdin.on('error', () => {});
}

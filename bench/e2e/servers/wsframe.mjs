// wsframe's runtime adapters (wsframe/node, wsframe/deno, wsframe/bun) as e2e servers (contract:
// bench/e2e/run.mjs): wsframe-node.mjs, wsframe-deno.mjs and wsframe-bun.mjs import their adapter and
// wsframe/deflate (statically: Deno then needs no read permission) and call `start(serve, deflate)`. Text is
// echoed as the validated bytes it arrived as (`textAs: 'bytes'`, like ws hands out Buffers); /broadcast uses
// server.broadcast (encoded once). The runtime's adapter answers pings itself. With DEFLATE_THRESHOLD (compressed
// cases): `perMessageDeflate: deflate({ threshold })`, otherwise `deflate()`'s defaults (takeover both ways,
// windows 15, zlib's default level), as ws's. Needs `npm run build`.
const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const MiB = 1 << 20;

export async function start(serve, deflate) {
  const threshold = env('DEFLATE_THRESHOLD');
  const server = await serve({
    perMessageDeflate: threshold === undefined ? undefined : deflate({ threshold: Number(threshold) }),
    port: Number(env('PORT') ?? 0),
    textAs: 'bytes',
    maxMessageSize: 64 * MiB,
    // The 1 MiB case keeps up to 2 MiB in flight per connection: stay above it, as the other servers do.
    maxBufferedAmount: 64 * MiB,
    message(ws, data, isBinary) {
      if (ws.url === '/broadcast') server.broadcast(data, isBinary);
      else ws.send(data, isBinary);
    },
  });
  console.log(`LISTENING ${server.port}`);

  // The memory case's hook (bench/e2e/servers/hooks.mjs): `gc` on stdin collects garbage and answers `GC`.
  const collect = runtime === 'bun' ? () => Bun.gc(true) : () => globalThis.gc?.();
  if (runtime === 'deno') {
    const lines = new TextDecoder();
    for await (const chunk of Deno.stdin.readable) {
      if (!lines.decode(chunk).includes('gc')) continue;
      collect();
      console.log('GC');
    }
  } else {
    process.stdin.on('data', (chunk) => {
      if (!String(chunk).includes('gc')) return;
      collect();
      process.stdout.write('GC\n');
    });
    process.stdin.on('error', () => {});
  }
}

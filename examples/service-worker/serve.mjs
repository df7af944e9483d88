// A tiny static file server for the service-worker example (and the Chromium runs of test/runtimes).
//
//   npm run build && node examples/service-worker/serve.mjs [port]     (or PORT=…; default 8080)
//
// then open http://127.0.0.1:8080/ (service workers need a secure context; localhost and 127.0.0.1 qualify).
// It serves this folder at / and the built package (dist/) at /vendor/wsframe/, which is where sw.js and app.mjs
// import wsframe from. With a bundler you would `import { EncoderStream } from 'wsframe'` instead.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Serve `mounts` ({ '/url/prefix/': '/dir' }, longest prefix wins) on 127.0.0.1:`port` (0 = any free port).
 * `headersFor(pathname)` may add response headers (e.g. a Content-Security-Policy). Resolves with
 * `{ server, origin }`.
 */
export function startServer(mounts, { port = 0, headersFor = () => ({}) } = {}) {
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let pathname = decodeURIComponent(url.pathname);
    if (pathname.endsWith('/')) pathname += 'index.html';
    const mount = table.find(([prefix]) => pathname.startsWith(prefix));
    const file = mount && normalize(join(mount[1], pathname.slice(mount[0].length)));
    if (!file || (file !== mount[1] && !file.startsWith(mount[1] + sep))) return notFound(response);
    try {
      if (!(await stat(file)).isFile()) return notFound(response);
    } catch {
      return notFound(response);
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      ...headersFor(url.pathname),
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => done({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

function notFound(response) {
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('not found');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const { origin } = await startServer({ '/': here, '/vendor/wsframe/': dist }, { port });
  console.log(`wsframe service-worker example: ${origin}/`);
}

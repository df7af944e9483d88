// A service worker that speaks WebSocket framing over fetch: it answers
//   GET  ws-demo/stream  with a stream of server frames (EncoderStream), written as they are produced;
//   POST ws-demo/echo    by decoding the client frames of the request body (DecoderStream) and answering
//                        each text/binary message with the same message, framed by the server (EncoderStream).
// Everything runs inside the worker: wsframe compiles its WASM synchronously here (no document in a worker).
import { DecoderStream, EncoderStream, activeBackend } from './vendor/wsframe/index.js';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.pathname.endsWith('/ws-demo/stream')) event.respondWith(stream(Number(url.searchParams.get('n') ?? 5)));
  else if (url.pathname.endsWith('/ws-demo/echo') && event.request.method === 'POST')
    event.respondWith(echo(event.request));
});

/** Response headers; x-wsframe-backend tells the page which backend framed the bytes here. */
const headers = () => ({ 'content-type': 'application/octet-stream', 'x-wsframe-backend': activeBackend() });

/** `n` text messages, a binary one, a ping and a close, produced one by one as the page reads. */
function stream(n) {
  let i = 0;
  const messages = new ReadableStream({
    pull(controller) {
      if (i < n) controller.enqueue({ type: 'text', data: `message ${++i} of ${n} from the service worker` });
      else if (i === n) {
        controller.enqueue({ type: 'binary', data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) });
        controller.enqueue({ type: 'ping', data: 'still there?' });
        controller.enqueue({ type: 'close', code: 1000, reason: 'done' });
        controller.close();
        i++;
      }
    },
  });
  const body = messages.pipeThrough(new EncoderStream({ role: 'server' }));
  return new Response(body, { headers: headers() });
}

/** Decode the page's (masked) client frames; echo text and binary, answer a ping with a pong, end on close. */
function echo(request) {
  const replies = request.body.pipeThrough(new DecoderStream({ role: 'server' })).pipeThrough(
    new TransformStream({
      transform(message, controller) {
        if (message.type === 'text' || message.type === 'binary') controller.enqueue(message);
        else if (message.type === 'ping') controller.enqueue({ type: 'pong', data: message.data });
        else if (message.type === 'close')
          controller.enqueue({ type: 'close', code: message.code ?? 1000, reason: 'bye' });
      },
    }),
  );
  const body = replies.pipeThrough(new EncoderStream({ role: 'server' }));
  return new Response(body, { headers: headers() });
}

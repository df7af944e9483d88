// End-to-end without a network: a client encodes a few messages, a server decodes them on each backend.
// Run with `npm run demo` (builds first). Imports the built package, as a user would.
import { MessageDecoder, MessageEncoder, activeBackend } from '../dist/index.js';

const client = new MessageEncoder({ role: 'client', fragmentSize: 8 });
const wire = [
  ...client.text('hello, wsframe'),
  ...client.binary(new Uint8Array([0xde, 0xad, 0xbe, 0xef])),
  ...client.ping('are you there?'),
  ...client.text('Grüße, κόσμε — 𝄞'),
  ...client.close(1000, 'done'),
];
const bytes = new Uint8Array(wire.reduce((n, b) => n + b.length, 0));
let offset = 0;
for (const b of wire) {
  bytes.set(b, offset);
  offset += b.length;
}

console.log(`active backend: ${activeBackend()}`);
console.log(`client sent ${wire.length} masked frames, ${bytes.length} bytes on the wire\n`);

const show = (m) => {
  if (m.type === 'close') return `close ${m.code} ${JSON.stringify(m.reason)}`;
  const data = typeof m.data === 'string' ? JSON.stringify(m.data) : `<${Buffer.from(m.data).toString('hex')}>`;
  return `${m.type.padEnd(6)} ${data}`;
};

for (const backend of ['wasm', 'js']) {
  const server = new MessageDecoder({ role: 'server', backend });
  // Feed it as a socket might: in uneven pieces, splitting headers and characters.
  const messages = [];
  for (let i = 0, step = 1; i < bytes.length; i += step, step = (step % 13) + 1) {
    messages.push(...server.push(bytes.subarray(i, i + step)));
  }
  server.end();
  console.log(`server decoded on the ${backend} backend:`);
  for (const m of messages) console.log(`  ${show(m)}`);
}

// Checks a server against the contract at the top of run.mjs before it is measured, one round trip at a
// time (a pong may overtake an earlier echo in some servers, so nothing here is pipelined): UTF-8 text,
// binary with 16- and 64-bit lengths, ping → pong, and /broadcast reaching two connections.
import { randomBytes } from 'node:crypto';
import { OPCODE, frame, open } from './loadgen.mjs';

const WAIT_MS = 3000;

/** Reads exact byte counts from an opened connection. */
function reader({ socket, listen }) {
  let buffered = Buffer.alloc(0);
  let closed = null;
  let wake = () => {};
  listen((chunk, length) => {
    buffered = Buffer.concat([buffered, chunk.subarray(0, length)]);
    wake();
  });
  socket.on('error', (error) => {
    closed = error.message;
    wake();
  });
  socket.on('close', () => {
    closed ??= 'closed by the server';
    wake();
  });
  /** The next `n` bytes; rejects after WAIT_MS or when the connection closes first. */
  return (n, what) =>
    new Promise((resolve, reject) => {
      const settle = (error) => {
        clearTimeout(timer);
        wake = () => {};
        if (error) return reject(error);
        const out = buffered.subarray(0, n);
        buffered = buffered.subarray(n);
        resolve(out);
      };
      const late = () => settle(new Error(`${what}: got ${buffered.length} of ${n} bytes in ${WAIT_MS} ms`));
      const timer = setTimeout(late, WAIT_MS);
      wake = () => {
        if (buffered.length >= n) settle();
        else if (closed) settle(new Error(`${what}: ${closed} after ${buffered.length} of ${n} bytes`));
      };
      wake();
    });
}

/** One client frame, and the reply expected for it (`raw`: the same bytes back, as a TCP echo sends). */
function exchange(opcode, payload, raw) {
  const sent = frame(opcode, payload, randomBytes(4));
  const reply = opcode === OPCODE.ping ? OPCODE.pong : opcode; // RFC 6455 §5.5.3: a pong echoes the ping's data
  return { sent, expected: raw ? sent : frame(reply, payload, null) };
}

async function expectReply(read, expected, what) {
  const got = await read(expected.length, what);
  if (!got.equals(expected)) throw new Error(`${what}: wrong bytes back (${got.subarray(0, 16).toString('hex')}…)`);
}

/**
 * Resolves when the server on `port` keeps the contract; rejects with the first broken rule.
 * `raw`: a byte echo (frames come back masked, pings are echoed); `broadcast`: check /broadcast too.
 */
export async function checkContract(port, { raw = false, broadcast = true } = {}) {
  const steps = [
    ['text echo', OPCODE.text, Buffer.from('héllo, wörld ✓')],
    ['binary echo, 300 B (16-bit length)', OPCODE.binary, randomBytes(300)],
    ['ping → pong', OPCODE.ping, Buffer.from('bench')],
    ['binary echo, 70,000 B (64-bit length)', OPCODE.binary, randomBytes(70_000)],
  ];
  const echo = await open(port, '/');
  try {
    const read = reader(echo);
    for (const [what, opcode, payload] of steps) {
      const { sent, expected } = exchange(opcode, payload, raw);
      echo.socket.write(sent);
      await expectReply(read, expected, what);
    }
  } finally {
    echo.socket.destroy();
  }
  if (!broadcast) return;
  const room = [await open(port, '/broadcast'), await open(port, '/broadcast')];
  try {
    const reads = room.map(reader);
    await new Promise((resolve) => setTimeout(resolve, 100)); // joining the room may trail the 101
    const messages = [
      [0, OPCODE.text, Buffer.from('to all')],
      [1, OPCODE.binary, randomBytes(200)],
    ];
    for (const [from, opcode, payload] of messages) {
      const { sent, expected } = exchange(opcode, payload, raw);
      room[from].socket.write(sent);
      for (const [i, read] of reads.entries()) await expectReply(read, expected, `broadcast from ${from} to ${i}`);
    }
  } finally {
    for (const { socket } of room) socket.destroy();
  }
}

/**
 * Fuzz target: `Connection` in both roles, with and without its `handshake` option, fed mutated handshakes and
 * frame streams in random chunks, with our own sends, pings, closes and heartbeat ticks in between. A finding is
 * any exception from `receive` / `receiveEof` / `bytesToSend` / `tick` (or from a send with valid arguments
 * while not CONNECTING), an error event that is not a WebSocketError or HandshakeError, a state going backwards,
 * events after CLOSED, or bytes on the wire that the peer could not read: after the HTTP head (when there is
 * one), the output must decode as a clean frame stream for the other role, with nothing after our close frame.
 */
import {
  Connection,
  HandshakeError,
  MessageDecoder,
  WebSocketError,
  parseHttpHead,
  type ConnectionEvent,
} from '../../src/index.js';
import type { ConnectionOptions } from '../../src/connection.js';
import { KEY, type Corpus } from './corpus.js';
import { describeError } from './decoders.js';
import { Finding, hexOf, type Outcomes } from './finding.js';
import { type Rand, chunksOf, mutate, randomFrames, splitPoints } from './mutate.js';

type Role = 'server' | 'client';
/** Between two chunks: nothing, or one of our own calls. */
type Action = null | 'text' | 'binary' | 'ping' | 'pong' | 'close' | 'close-empty' | 'tick' | 'eof';

export interface ConnectionCase {
  kind: 'connection';
  role: Role;
  handshake: boolean;
  backend: 'wasm' | 'js' | 'auto';
  fragmentSize: number;
  autoPong: boolean;
  maxMessageSize: number | undefined;
  bytes: Uint8Array;
  cuts: number[];
  actions: Action[];
}

const ACTIONS: Action[] = [
  null,
  null,
  null,
  null,
  'text',
  'binary',
  'ping',
  'pong',
  'close',
  'close-empty',
  'tick',
  'eof',
];
const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

export function connectionCase(r: Rand, corpus: Corpus, stream: (role: Role, r: Rand) => Uint8Array): ConnectionCase {
  const role: Role = r.chance(0.5) ? 'server' : 'client';
  const handshake = r.chance(0.4);
  let frames = r.chance(0.3) ? randomFrames(r, role === 'server') : stream(role, r);
  if (r.chance(0.6)) frames = mutate(r, frames, stream(role, r));
  let head: Uint8Array = new Uint8Array(0);
  if (handshake) {
    head = r.pick(role === 'server' ? corpus.requests.slice(0, 3) : corpus.responses.slice(0, 3));
    if (r.chance(0.3)) head = mutate(r, head, frames);
  }
  const bytes = new Uint8Array(head.length + frames.length);
  bytes.set(head);
  bytes.set(frames, head.length);
  const cuts = splitPoints(r, bytes.length);
  return {
    kind: 'connection',
    role,
    handshake,
    backend: r.pick(['wasm', 'js', 'auto'] as const),
    fragmentSize: r.chance(0.2) ? 1 + r.int(20) : 0,
    autoPong: r.chance(0.9),
    maxMessageSize: r.chance(0.1) ? r.int(200) : undefined,
    bytes,
    cuts,
    actions: Array.from({ length: cuts.length + 1 }, () => (r.chance(0.3) ? r.pick(ACTIONS) : null)),
  };
}

function act(connection: Connection, action: Action, now: number): void {
  switch (action) {
    case 'text':
      connection.send('héllo 𝄞');
      break;
    case 'binary':
      connection.send(new Uint8Array(300).fill(7));
      break;
    case 'ping':
      connection.ping('p');
      break;
    case 'pong':
      connection.pong(new Uint8Array(125));
      break;
    case 'close':
      connection.close(4000, 'bye');
      break;
    case 'close-empty':
      connection.close(null);
      break;
    case 'tick':
      connection.tick(now);
      break;
    default:
      break;
  }
}

function checkEvents(events: ConnectionEvent[], what: string): void {
  for (const e of events) {
    if (e.type === 'error' && !(e.error instanceof WebSocketError || e.error instanceof HandshakeError)) {
      throw new Finding('contract', `${what}: error event with ${describeError(e.error)}`);
    }
  }
}

/** What the peer reads from our output: the HTTP head (if any), then frames that must decode cleanly. */
function checkOutput(c: ConnectionCase, out: Uint8Array, outcomes: Outcomes): void {
  let frames = out;
  if (c.handshake) {
    let head: ReturnType<typeof parseHttpHead>;
    try {
      head = parseHttpHead(out, 1 << 20);
    } catch (error) {
      throw new Finding('wire', `${c.role} wrote an unreadable HTTP head: ${describeError(error)}`);
    }
    if (head === null) {
      if (out.length === 0) return; // a client that gave up before its request was taken, or a server still reading
      throw new Finding('wire', `${c.role} wrote an incomplete HTTP head`);
    }
    frames = out.subarray(head.length);
    if (head.status !== undefined && head.status !== 101) {
      // A refusal: its text body (Content-Length bytes), then nothing.
      const length = Number(head.headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1]);
      if (frames.length !== length) {
        throw new Finding('wire', `server refused (${head.status}) with ${frames.length} bytes after the head`);
      }
      outcomes.add(`Connection server refused ${head.status}`);
      return;
    }
  }
  const peer = new MessageDecoder({ role: c.role === 'server' ? 'client' : 'server', backend: 'js' });
  try {
    peer.push(frames);
    peer.end(); // whole frames, no message left open
  } catch (error) {
    const output = hexOf(frames, 256);
    throw new Finding('wire', `${c.role} wrote frames its peer refuses: ${describeError(error)}; output ${output}`);
  }
  // The decoder ignores whatever follows a close frame (§5.5.1), so look for it by walking the headers.
  const closeEnd = closeFrameEnd(frames);
  if (closeEnd >= 0 && closeEnd !== frames.length) throw new Finding('wire', `${c.role} wrote after its close frame`);
  if (closeEnd >= 0) outcomes.add(`Connection ${c.role} sent close`);
}

/** Where the first close frame of a well-formed stream ends (-1: none); headers as in RFC 6455 §5.2. */
function closeFrameEnd(bytes: Uint8Array): number {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      header = 4;
    } else if (length === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0));
      header = 10;
    }
    if (bytes[at + 1]! & 0x80) header += 4;
    at += header + length;
    if (opcode === 8) return at;
  }
  return -1;
}

export function runConnectionCase(c: ConnectionCase, outcomes: Outcomes): void {
  const options: ConnectionOptions = {
    role: c.role,
    backend: c.backend,
    fragmentSize: c.fragmentSize,
    autoPong: c.autoPong,
    maxMessageSize: c.maxMessageSize,
    heartbeat: { interval: 10, timeout: 10 },
  };
  if (c.handshake) {
    const client = { host: 'example.com', key: KEY, protocols: ['chat'] };
    options.handshake = c.role === 'server' ? { protocols: ['chat'] } : client;
  }
  const connection = new Connection(options);
  const what = `Connection ${c.role}${c.handshake ? ' with handshake' : ''}`;
  const written: Uint8Array[] = [];
  const take = (): void => {
    for (const b of never(`${what} bytesToSend`, () => connection.bytesToSend())) written.push(b.slice());
  };
  let state = STATES.indexOf(connection.state);
  const chunks = chunksOf(c.bytes, c.cuts);
  for (let i = 0; i < chunks.length; i++) {
    const before = connection.state;
    const events = never(`${what} receive`, () => connection.receive(chunks[i]!, i * 4));
    checkEvents(events, what);
    if (before === 'CLOSED' && events.length > 0) throw new Finding('contract', `${what}: events after CLOSED`);
    for (const e of events) outcomes.add(`Connection ${e.type === 'error' ? `error ${e.error.code}` : e.type}`);
    const action = c.actions[i];
    if (action === 'eof')
      checkEvents(
        never(`${what} receiveEof`, () => connection.receiveEof()),
        what,
      );
    else if (action && connection.state !== 'CONNECTING') {
      never(`${what} ${action}`, () => act(connection, action, i * 4 + 2));
    }
    if (i % 2 === 0) take();
    const now = STATES.indexOf(connection.state);
    if (now < state) throw new Finding('contract', `${what}: state went from ${STATES[state]} to ${STATES[now]}`);
    state = now;
  }
  take();
  outcomes.add(`Connection ${connection.state}`);
  let length = 0;
  for (const b of written) length += b.length;
  const out = new Uint8Array(length);
  let o = 0;
  for (const b of written) {
    out.set(b, o);
    o += b.length;
  }
  checkOutput(c, out, outcomes);
}

function never<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new Finding('exception', `${what} threw ${describeError(error)}`);
  }
}

export function printConnectionCase(c: ConnectionCase): string {
  const { bytes, cuts, actions, ...rest } = c;
  return (
    `${JSON.stringify(rest)}\n  actions ${JSON.stringify(actions)}\n` +
    `  receives at ${JSON.stringify(cuts)} of ${bytes.length} bytes: ${hexOf(bytes)}`
  );
}

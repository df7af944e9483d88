// The e2e bench's load generator: real loopback TCP sockets (node:net), its own client handshake, masked
// frames built once per case, and a byte-for-byte check of everything the server sends back.
//
// Checking: every message of a case has the same length, so a connection's expected input is periodic — the
// echo frames of the in-flight window, in order, over and over. Each chunk read from the socket is compared
// with that expected stream (Buffer#compare, i.e. memcmp) at the connection's byte offset: the header bytes
// (FIN, RSV, opcode, mask bit, minimal length — RFC 6455 §5.2) and every payload byte. A server that fragments
// an echo or interleaves a control frame fails the check; none of the measured servers does either. The
// number of verified messages is the number of whole frames received.
//
// `node bench/e2e/loadgen.mjs '<json options>'` runs one case (see runCase) and prints its result as JSON.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { pathToFileURL } from 'node:url';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3
// One key for every connection (RFC 6455 §4.1 wants a fresh nonce per handshake; no server checks, and a
// bench has no cache to defeat).
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = createHash('sha1')
  .update(KEY + GUID)
  .digest('base64');
export const OPCODE = { text: 0x1, binary: 0x2, ping: 0x9, pong: 0xa };
/** Socket reads go into this one buffer (net.connect's `onread`: no stream, no Buffer per read) and are
 *  checked before the next read; the expected stream covers one such read past a period. */
const CHUNK = 64 * 1024;
const READ_BUFFER = Buffer.allocUnsafe(CHUNK);

/** One frame (FIN set), masked with `maskKey` when given (client → server, RFC 6455 §5.3). */
export function frame(opcode, payload, maskKey) {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8; // minimal length encoding, RFC 6455 §5.2
  const head = 2 + ext + (maskKey ? 4 : 0);
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x80 | opcode;
  out[1] = (maskKey ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(n, 2);
  else if (ext === 8) out.writeBigUInt64BE(BigInt(n), 2);
  if (!maskKey) {
    out.set(payload, head);
    return out;
  }
  out.set(maskKey, head - 4);
  for (let i = 0; i < n; i++) out[head + i] = payload[i] ^ maskKey[i & 3];
  return out;
}

/** `n` bytes of printable ASCII (valid UTF-8, so servers that validate text pass it). */
function asciiBytes(n) {
  const bytes = randomBytes(n);
  for (let i = 0; i < n; i++) bytes[i] = 0x21 + (bytes[i] % 94);
  return bytes;
}

/**
 * A case's traffic, shared by all its connections: `window` distinct messages of `size` bytes as one block of
 * masked frames (`send`), and the stream expected back (`expected`: the echo frames, unmasked — or the masked
 * frames themselves from a raw TCP echo — repeated to cover one period plus a socket chunk).
 */
export function workload({ type, size, window }, { raw = false } = {}) {
  const opcode = OPCODE[type];
  const payloads = Array.from({ length: window }, () => (type === 'text' ? asciiBytes(size) : randomBytes(size)));
  const sent = payloads.map((p) => frame(opcode, p, randomBytes(4)));
  const send = Buffer.concat(sent);
  const echoBlock = raw ? send : Buffer.concat(payloads.map((p) => frame(opcode, p, null)));
  const period = echoBlock.length;
  const expected = Buffer.concat(Array(Math.max(2, Math.ceil((period + CHUNK) / period))).fill(echoBlock));
  return { send, frameLength: send.length / window, expected, period, echoLength: period / window, window };
}

/** Where and how the bytes at `at` of `chunk` first differ from the expected ones (stream byte `offset`). */
function mismatch(chunk, at, expected, pos, echoLength, offset) {
  let i = 0;
  while (chunk[at + i] === expected[pos + i]) i++;
  const byte = offset + i;
  const inFrame = byte % echoLength;
  const [want, got] = [expected[pos + i], chunk[at + i]];
  let detail = `expected 0x${want.toString(16).padStart(2, '0')}, got 0x${got.toString(16).padStart(2, '0')}`;
  // The first two header bytes, decoded (RFC 6455 §5.2).
  if (inFrame === 0) detail += ` (FIN ${got >> 7}, RSV ${(got >> 4) & 7}, opcode ${got & 0xf})`;
  if (inFrame === 1) detail += ` (mask bit ${got >> 7}, length code ${got & 0x7f})`;
  const message = Math.floor(byte / echoLength);
  return new Error(`echo differs at byte ${byte} of the stream, byte ${inFrame} of message ${message}: ${detail}`);
}

/**
 * One open WebSocket connection of a case: sends the case's frames from its window (`sendFrames`) and checks
 * what comes back (`receive`); calls `onMessages(peer, n)` with each chunk's count of newly verified messages.
 */
class Peer {
  constructor(socket, work, onMessages, fail) {
    this.socket = socket;
    this.work = work;
    this.cursor = 0; // the next frame of the window to send
    this.received = 0; // bytes received and verified
    this.messages = 0;
    this.onMessages = onMessages;
    this.fail = fail;
  }

  sendFrames(count) {
    const { send, frameLength, window } = this.work;
    const end = this.cursor + count;
    if (end <= window) {
      this.socket.write(send.subarray(this.cursor * frameLength, end * frameLength));
    } else {
      this.socket.cork();
      this.socket.write(send.subarray(this.cursor * frameLength));
      this.socket.write(send.subarray(0, (end - window) * frameLength));
      this.socket.uncork();
    }
    this.cursor = end % window;
  }

  /** Check bytes 0 to `length` of `chunk` (a view that the next read overwrites). */
  receive(chunk, length) {
    const { expected, period, echoLength } = this.work;
    let pos = this.received % period;
    for (let at = 0; at < length; ) {
      const n = Math.min(length - at, expected.length - pos);
      if (chunk.compare(expected, pos, pos + n, at, at + n) !== 0) {
        return this.fail(mismatch(chunk, at, expected, pos, echoLength, this.received + at));
      }
      at += n;
      pos = (pos + n) % period;
    }
    this.received += length;
    const messages = Math.floor(this.received / echoLength);
    const fresh = messages - this.messages;
    this.messages = messages;
    if (fresh > 0) this.onMessages(this, fresh);
  }
}

/**
 * Connect and do the client side of the opening handshake (RFC 6455 §4.1): 101, the right
 * Sec-WebSocket-Accept, no extension — or, with `offer` (a Sec-WebSocket-Extensions value), an extension in the
 * response. Resolves with { socket, listen(onBytes), extensions }: `onBytes(chunk, length)` gets every byte after
 * the response (those that came with it first), in views that the next read overwrites; `extensions` is the
 * response's Sec-WebSocket-Extensions value.
 */
export function open(port, path = '/', offer = null) {
  return new Promise((resolve, reject) => {
    let onBytes = (chunk, length) => onHead(chunk.subarray(0, length));
    const onread = { buffer: READ_BUFFER, callback: (length, chunk) => void onBytes(chunk, length) };
    const socket = connect({ port, host: '127.0.0.1', noDelay: true, onread });
    let head = Buffer.alloc(0);
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error(`connection to ${path} closed during the handshake`)));
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n` +
          (offer ? `Sec-WebSocket-Extensions: ${offer}\r\n\r\n` : '\r\n'),
      );
    });
    const onHead = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return head.length > 16384 ? fail(new Error('handshake response over 16 KiB')) : undefined;
      // Bytes that arrive before the caller listens are kept (copied: the read buffer is reused).
      let early = head.subarray(end + 4);
      onBytes = (bytes, length) => void (early = Buffer.concat([early, bytes.subarray(0, length)]));
      const listen = (fn) => {
        onBytes = fn;
        if (early.length > 0) fn(early, early.length);
      };
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      const response = head.subarray(0, end).toString('latin1');
      const accept = /^sec-websocket-accept:[ \t]*(\S+)/im.exec(response)?.[1];
      if (!/^HTTP\/1\.1 101 /.test(response)) return fail(new Error(`handshake: ${response.split('\r\n')[0]}`));
      if (accept !== ACCEPT) return fail(new Error(`handshake: Sec-WebSocket-Accept ${accept}, expected ${ACCEPT}`));
      const extensions = /^sec-websocket-extensions:[ \t]*(.*?)[ \t]*$/im.exec(response)?.[1];
      if (extensions !== undefined && !offer) return fail(new Error('handshake: extension negotiated'));
      if (extensions === undefined && offer) return fail(new Error(`handshake: no extension agreed to "${offer}"`));
      resolve({ socket, listen, extensions });
    };
  });
}

/**
 * Open `count` connections to `path`, `concurrency` handshakes at a time (the listen backlog is finite), each
 * offering `offer` when given (see open).
 */
export async function openMany(port, path, count, concurrency = 128, offer = null) {
  const out = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await open(port, path, offer);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } catch (error) {
    for (const c of out) c?.socket.destroy();
    throw error;
  }
  return out;
}

/** Attach Peers to opened connections; a socket error or close while the case runs fails it. */
function attach(opened, work, onMessages, fail) {
  return opened.map(({ socket, listen }) => {
    const peer = new Peer(socket, work, onMessages, fail);
    socket.on('error', (error) => fail(new Error(`socket error: ${error.message}`)));
    socket.on('close', () => fail(new Error('the server closed a connection')));
    listen((chunk, length) => peer.receive(chunk, length));
    return peer;
  });
}

/** utime + stime of process `pid` in µs (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
export function processCpuMicros(pid, ticksPerSecond = 100) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on; comm may hold spaces
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerSecond;
}

/** Resident set size of process `pid` in bytes (VmRSS of /proc/<pid>/status). */
export function processRss(pid) {
  const kB = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
  return Number(kB) * 1024;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run one throughput case against a server on `port` and measure it over `seconds` after `warmup` seconds.
 * `spec`: { kind: 'echo' | 'broadcast', type: 'text' | 'binary', size, connections, window }.
 * 'echo': every connection keeps `window` messages in flight on `/` and sends one more per verified echo.
 * 'broadcast': all connections join `/broadcast`; connection 0 sends, keeping `window` messages in flight
 * until every connection (itself included) has verified them; a message counts once per delivery.
 * Resolves to { messages, seconds, rate, generatorCpuMicros, serverCpuMicros, latency? }; latency (µs, p50/p99)
 * is measured when one message is in flight on one connection. Rejects on the first wrong byte, a closed
 * socket, or 2 s without progress.
 */
export async function runCase({ port, spec, raw = false, warmup = 1, seconds = 2, serverPid, ticksPerSecond = 100 }) {
  const work = workload(spec, { raw });
  const broadcast = spec.kind === 'broadcast';
  const opened = await openMany(port, broadcast ? '/broadcast' : '/', spec.connections);
  const timeLatency = !broadcast && spec.connections === 1 && spec.window === 1;
  const latencies = timeLatency ? new Float64Array(1 << 21) : null;
  let samples = 0;
  let recording = false;
  let sentAt = 0;
  let total = 0;
  let failed = null;
  let reject;
  const failure = new Promise((_, r) => (reject = r));
  failure.catch(() => {});
  const fail = (error) => {
    if (failed) return;
    failed = error;
    reject(error);
  };

  let peers = [];
  let onMessages;
  if (!broadcast) {
    onMessages = (peer, n) => {
      total += n;
      if (timeLatency) {
        const now = performance.now();
        if (recording && samples < latencies.length) latencies[samples++] = (now - sentAt) * 1000;
        sentAt = now;
      }
      peer.sendFrames(n);
    };
  } else {
    // done[m % window]: how many connections verified message m; the oldest message in flight is `oldest`.
    const done = new Int32Array(spec.window);
    let oldest = 0;
    onMessages = (peer, n) => {
      total += n;
      for (let m = peer.messages - n; m < peer.messages; m++) done[m % spec.window]++;
      let more = 0;
      while (done[oldest % spec.window] === spec.connections) {
        done[oldest++ % spec.window] = 0;
        more++;
      }
      if (more > 0) peers[0].sendFrames(more);
    };
  }
  peers = attach(opened, work, onMessages, fail);
  if (broadcast) await sleep(200); // let the server put the last connections in its room
  sentAt = performance.now();
  for (const peer of broadcast ? [peers[0]] : peers) peer.sendFrames(spec.window);

  let last = -1;
  let still = 0;
  const watchdog = setInterval(() => {
    still = total === last ? still + 1 : 0;
    last = total;
    if (still >= 8) fail(new Error(`stalled: no message verified for 2 s (${total} so far)`));
  }, 250);
  const snapshot = () => ({
    at: performance.now(),
    total,
    cpu: process.cpuUsage(),
    server: serverPid ? processCpuMicros(serverPid, ticksPerSecond) : NaN,
  });
  try {
    await Promise.race([sleep(warmup * 1000), failure]);
    const a = snapshot();
    recording = true;
    await Promise.race([sleep(seconds * 1000), failure]);
    const b = snapshot();
    recording = false;
    if (failed) throw failed;
    const elapsed = (b.at - a.at) / 1000;
    const messages = b.total - a.total;
    const result = {
      messages,
      seconds: elapsed,
      rate: messages / elapsed,
      generatorCpuMicros: b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system,
      serverCpuMicros: b.server - a.server,
    };
    if (timeLatency) {
      const sorted = latencies.slice(0, samples).sort();
      result.latency = { p50: sorted[Math.floor(samples * 0.5)], p99: sorted[Math.floor(samples * 0.99)], samples };
    }
    return result;
  } finally {
    clearInterval(watchdog);
    failed ??= new Error('finished');
    for (const peer of peers) peer.socket.destroy();
  }
}

/**
 * The idle-connection memory case: open `connections` connections, each verifying one 16 B text echo, and
 * return the server's RSS growth per connection. `collect()` asks the server for a full GC (contract); it and
 * `settleMs` run before each RSS reading. 16 connections are opened first so that one-time costs (code,
 * lazily built tables) land in the "before" reading.
 */
export async function runIdle(options) {
  const { port, serverPid, connections, raw = false, collect = async () => {}, settleMs = 1000 } = options;
  const work = workload({ type: 'text', size: 16, window: 1 }, { raw });
  const openEchoed = async (count) => {
    const opened = await openMany(port, '/', count);
    let left = count;
    let fail;
    const failed = new Promise((_, reject) => (fail = reject));
    let done;
    const echoed = new Promise((resolve) => (done = resolve));
    const peers = attach(
      opened,
      work,
      () => --left === 0 && done(),
      (e) => fail(e),
    );
    for (const peer of peers) peer.sendFrames(1);
    await Promise.race([echoed, failed]);
    for (const peer of peers) peer.socket.removeAllListeners('close'); // closing them later is no failure
    return peers;
  };
  const settle = async () => {
    await collect();
    await sleep(settleMs);
    return processRss(serverPid);
  };
  const warm = await openEchoed(16);
  let peers = [];
  try {
    const before = await settle();
    const started = performance.now();
    peers = await openEchoed(connections);
    const setupSeconds = (performance.now() - started) / 1000;
    const after = await settle();
    const bytesPerConnection = (after - before) / connections;
    return { connections, before, after, bytesPerConnection, setupRate: connections / setupSeconds };
  } finally {
    for (const peer of [...warm, ...peers]) peer.socket.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Not a top-level await: compressed.mjs imports this module, which must finish evaluating first.
  main();
}

async function main() {
  try {
    const options = JSON.parse(process.argv[2]);
    // Compressed cases (kind 'zecho'): bench/e2e/compressed.mjs, loaded only for them.
    const run = options.spec.kind === 'zecho' ? (await import('./compressed.mjs')).runCompressed : runCase;
    const result = await run(options);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
    process.exit(1);
  }
}

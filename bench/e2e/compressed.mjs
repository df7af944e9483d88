// The e2e bench's compressed cases (permessage-deflate, RFC 7692): kinds 'zecho' (msg/s and bytes on the wire) and
// 'zidle' (server memory per connection holding a deflate context), and the compressed half of the contract.
//
// Handshake: the load generator offers what browsers offer, `permessage-deflate; client_max_window_bits`
// (context takeover both ways, 15-bit windows), and follows whatever the server answers (its takeover and
// window for each direction).
//
// Client → server: frames pre-built, with context takeover when the server keeps it for our direction. A case's
// messages (bench/lib/deflate-data.mjs) are compressed once, in order, by one node:zlib raw deflate stream
// with a sync flush per message (RFC 7692 §7.2.1, the 00 00 ff ff tail removed), and every connection sends
// that sequence over and over. Replaying it is valid DEFLATE for an inflater that keeps its window: the first
// message was compressed from an empty window, so it refers to nothing before itself, and every later message
// refers only to messages of the sequence that precede it — which the inflater has just seen again, at the same
// distances. So the generator compresses nothing while it measures (an on-the-fly compressor would cost it
// about what the server's costs, and the generator would be what limits the rate), and still sends what a
// browser with context takeover sends. (With `client_no_context_takeover` in the answer, each message is
// compressed on its own.) Every message is compressed: RSV1 on every frame, whatever its size.
//
// Server → client: every echo is checked. A compressed one (RSV1) is inflated by the connection's own inflater
// (node:zlib's native inflate, driven synchronously through the stream's handle — private API, used by this
// harness only, so that checking costs the generator a native inflate; it keeps the window when the server
// keeps context takeover), and the output must equal the message sent; an uncompressed one must equal it as
// is. Header checks: FIN, RSV2/RSV3 clear, the case's opcode, no mask (RFC 6455 §5.2). Bytes on the wire are
// counted in both directions (frame headers included; the handshake not).
import zlib from 'node:zlib';
import { deflateData } from '../lib/deflate-data.mjs';
import { OPCODE, openMany, processCpuMicros, processRss } from './loadgen.mjs';

/** What browsers (and `ws` as a client) offer: context takeover both ways, windows of 15 bits. */
export const OFFER = 'permessage-deflate; client_max_window_bits';
const { Z_SYNC_FLUSH } = zlib.constants;
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]); // RFC 7692 §7.2.1
const OUT = Buffer.allocUnsafe(64 * 1024); // every inflater's output, compared before the next write
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let datasets = null;
/** The messages of data set `id` (bench/lib/deflate-data.mjs: trade, depth, json16k, json64k, data1.json, …). */
export function dataset(id) {
  datasets ??= deflateData();
  const found = datasets.find((d) => d.id === id);
  if (!found) throw new Error(`no data set ${id}`);
  return found;
}

/**
 * The server's answer (RFC 7692 §7.1), as what it means for us: { serverTakeover, clientTakeover, serverBits,
 * clientBits }. Anything but permessage-deflate with known parameters fails.
 */
export function agreement(extensions) {
  const [name, ...params] = extensions.split(';').map((p) => p.trim());
  if (name !== 'permessage-deflate' || extensions.includes(',')) {
    throw new Error(`handshake: expected one permessage-deflate, got "${extensions}"`);
  }
  const out = { serverTakeover: true, clientTakeover: true, serverBits: 15, clientBits: 15, text: extensions };
  for (const param of params) {
    const [key, value] = param.split('=').map((p) => p.trim().replace(/^"|"$/g, ''));
    if (key === 'server_no_context_takeover') out.serverTakeover = false;
    else if (key === 'client_no_context_takeover') out.clientTakeover = false;
    else if (key === 'server_max_window_bits') out.serverBits = Number(value);
    else if (key === 'client_max_window_bits') out.clientBits = Number(value ?? 15);
    else throw new Error(`handshake: unknown permessage-deflate parameter "${param}"`);
  }
  return out;
}

/** `messages` compressed in order by one stream (takeover) or each on its own, the tail removed. */
async function compressAll(messages, { takeover, bits }) {
  const strip = (c) => {
    if (!c.subarray(c.length - 4).equals(TAIL)) throw new Error('a sync flush that does not end in 00 00 ff ff');
    return c.subarray(0, c.length - 4);
  };
  if (!takeover) {
    return messages.map((m) => strip(zlib.deflateRawSync(m, { windowBits: bits, finishFlush: Z_SYNC_FLUSH })));
  }
  const stream = zlib.createDeflateRaw({ windowBits: bits });
  const chunks = [];
  stream.on('data', (c) => chunks.push(c));
  const out = [];
  for (const m of messages) {
    stream.write(m);
    await new Promise((resolve) => stream.flush(Z_SYNC_FLUSH, resolve));
    out.push(strip(Buffer.concat(chunks.splice(0))));
  }
  stream.close();
  return out;
}

/** Masked frame: FIN, RSV1 (compressed, RFC 7692 §6), `opcode`; a random mask key (RFC 6455 §5.3). */
function compressedFrame(opcode, payload) {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8; // minimal length encoding, RFC 6455 §5.2
  const head = 2 + ext + 4;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x80 | 0x40 | opcode;
  out[1] = 0x80 | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(n, 2);
  else if (ext === 8) out.writeBigUInt64BE(BigInt(n), 2);
  const mask = out.subarray(head - 4, head);
  for (let i = 0; i < 4; i++) mask[i] = (Math.random() * 256) | 0;
  for (let i = 0; i < n; i++) out[head + i] = payload[i] ^ mask[i & 3];
  return out;
}

/**
 * A data set's traffic under an agreement: the masked compressed frames as one block, `offsets` (frame i is
 * block[offsets[i], offsets[i + 1])), the messages they carry and the opcode.
 */
export async function clientTraffic(data, agreed) {
  const opcode = OPCODE[data.type];
  const payloads = await compressAll(data.messages, { takeover: agreed.clientTakeover, bits: agreed.clientBits });
  const frames = payloads.map((p) => compressedFrame(opcode, p));
  const offsets = [0];
  for (const f of frames) offsets.push(offsets.at(-1) + f.length);
  return { block: Buffer.concat(frames), offsets, messages: data.messages, opcode };
}

/** One connection's inflater for what the server sends: native zlib, synchronous, window kept or reset. */
class Inflater {
  constructor(bits, takeover) {
    this.stream = zlib.createInflateRaw({ windowBits: bits });
    this.handle = this.stream._handle;
    this.state = this.stream._writeState; // [availOut, availIn] after each writeSync
    this.takeover = takeover;
    this.error = null;
    this.handle.onerror = (message) => {
      this.error = message;
    };
  }

  /** null when `payload` + the tail inflates to exactly `expected`, else what went wrong. */
  check(payload, expected) {
    let pos = 0;
    for (const input of [payload, TAIL]) {
      let offset = 0;
      let left = input.length;
      for (;;) {
        this.handle.writeSync(Z_SYNC_FLUSH, input, offset, left, OUT, 0, OUT.length);
        if (this.error) return `invalid DEFLATE data (${this.error})`;
        const [availOut, availIn] = this.state;
        const produced = OUT.length - availOut;
        if (pos + produced > expected.length) return `inflates to more than the ${expected.length} bytes sent`;
        if (OUT.compare(expected, pos, pos + produced, 0, produced) !== 0) {
          return `inflated bytes ${pos}–${pos + produced} differ from the message sent`;
        }
        pos += produced;
        offset += left - availIn;
        left = availIn;
        if (availOut !== 0) break;
      }
    }
    if (pos !== expected.length) return `inflates to ${pos} bytes, ${expected.length} were sent`;
    if (!this.takeover) this.handle.reset();
    return null;
  }

  close() {
    this.stream.close();
  }
}

/**
 * One compressed connection: sends the traffic's frames in order from its window, and parses and checks every
 * frame that comes back (see the top of this file). `counts` (shared by a case's connections) adds up
 * messages, bytes in and out, inflated bytes and compressed echoes; `onMessages(peer, n)` gets each chunk's
 * count of newly verified echoes.
 */
class CompressedPeer {
  constructor(socket, traffic, agreed, counts, onMessages, fail) {
    this.socket = socket;
    this.traffic = traffic;
    this.inflater = new Inflater(agreed.serverBits, agreed.serverTakeover);
    this.counts = counts;
    this.onMessages = onMessages;
    this.fail = fail;
    this.cursor = 0; // the next message of the sequence to send
    this.messages = 0; // echoes verified
    this.pending = null; // the start of a frame that a later read completes (copied)
  }

  sendFrames(count) {
    const { block, offsets } = this.traffic;
    const total = offsets.length - 1;
    const corked = this.cursor + count > total;
    if (corked) this.socket.cork();
    while (count > 0) {
      const n = Math.min(count, total - this.cursor);
      const bytes = block.subarray(offsets[this.cursor], offsets[this.cursor + n]);
      this.socket.write(bytes);
      this.counts.bytesOut += bytes.length;
      this.cursor = (this.cursor + n) % total;
      count -= n;
    }
    if (corked) this.socket.uncork();
  }

  /** Parse and check bytes 0 to `length` of `chunk` (a view that the next read overwrites). */
  receive(chunk, length) {
    this.counts.bytesIn += length;
    let buf = chunk.subarray(0, length);
    if (this.pending) {
      buf = Buffer.concat([this.pending, buf]);
      this.pending = null;
    }
    let at = 0;
    let fresh = 0;
    while (buf.length - at >= 2) {
      let len = buf[at + 1] & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(buf.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (buf.length - at < head + len) break;
      const why = this.verify(buf[at], buf[at + 1], buf.subarray(at + head, at + head + len));
      if (why) return this.fail(new Error(`echo ${this.messages} of a connection: ${why}`));
      this.messages++;
      fresh++;
      at += head + len;
    }
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
    if (fresh > 0) {
      this.counts.messages += fresh;
      this.onMessages(this, fresh);
    }
  }

  verify(b0, b1, payload) {
    const { messages, opcode } = this.traffic;
    const expected = messages[this.messages % messages.length];
    if ((b0 & 0xb0) !== 0x80 || (b0 & 0x0f) !== opcode || b1 & 0x80) {
      const bytes = `0x${b0.toString(16)} 0x${b1.toString(16)}`;
      return `frame header ${bytes}: expected FIN, no RSV2/RSV3, opcode ${opcode}, no mask`;
    }
    this.counts.raw += expected.length;
    if (b0 & 0x40) {
      this.counts.compressed++;
      return this.inflater.check(payload, expected);
    }
    return payload.equals(expected) ? null : 'an uncompressed echo that differs from the message sent';
  }
}

/** Open `count` connections offering permessage-deflate, with their agreement (the same for all, checked). */
async function openCompressed(port, count) {
  const opened = await openMany(port, '/', count, 128, OFFER);
  const agreed = agreement(opened[0].extensions);
  const other = opened.find((c) => c.extensions !== opened[0].extensions);
  if (other) throw new Error(`handshake: agreements differ ("${opened[0].extensions}", "${other.extensions}")`);
  return { opened, agreed };
}

function attach(opened, traffic, agreed, counts, onMessages, fail) {
  return opened.map(({ socket, listen }) => {
    const peer = new CompressedPeer(socket, traffic, agreed, counts, onMessages, fail);
    socket.on('error', (error) => fail(new Error(`socket error: ${error.message}`)));
    socket.on('close', () => fail(new Error('the server closed a connection')));
    listen((chunk, length) => peer.receive(chunk, length));
    return peer;
  });
}

const newCounts = () => ({ messages: 0, bytesIn: 0, bytesOut: 0, raw: 0, compressed: 0 });

/**
 * Bytes on the wire for one pass over a data set's whole sequence on a fresh connection, `window` messages in
 * flight: the same messages from the same (empty) contexts for every server. The timed window would not do:
 * it covers whatever part of the sequence each connection reached, and with context takeover the first
 * messages of a sequence compress worse than later ones, so a slower server would be charged more bytes.
 * Resolves to the counts (messages, bytesIn, bytesOut, raw, compressed); rejects on a wrong echo or 2 s stalled.
 */
async function onePass(port, data, window) {
  const { opened, agreed } = await openCompressed(port, 1);
  const traffic = await clientTraffic(data, agreed);
  const total = data.messages.length;
  const counts = newCounts();
  let peer;
  try {
    await new Promise((resolve, reject) => {
      let sent = Math.min(window, total);
      let last = -1;
      const watchdog = setInterval(() => {
        if (counts.messages === last) settle(new Error(`one pass: stalled at ${counts.messages} of ${total}`));
        last = counts.messages;
      }, 2000);
      const settle = (error) => {
        clearInterval(watchdog);
        if (error) reject(error);
        else resolve();
      };
      const more = (p, n) => {
        if (p.messages === total) return settle();
        const k = Math.min(n, total - sent);
        sent += k;
        if (k > 0) p.sendFrames(k);
      };
      [peer] = attach(opened, traffic, agreed, counts, more, settle);
      peer.sendFrames(sent);
    });
  } finally {
    peer?.socket.destroy();
    peer?.inflater.close();
  }
  const { messages, bytesIn, bytesOut, raw, compressed } = counts;
  return { messages, bytesIn, bytesOut, raw, compressed };
}

/**
 * A 'zecho' case: first one pass over the data set on its own connection (onePass: `pass`, the bytes on the
 * wire), then `spec.connections` connections on `/`, each keeping `spec.window` compressed messages of data set
 * `spec.data` in flight and sending one more per verified echo. Resolves like runCase (loadgen.mjs) plus
 * `pass`, `compressed` (echoes of the measured window that came with RSV1) and the agreement. Rejects on the
 * first wrong echo, a closed socket, or 2 s without progress.
 */
export async function runCompressed({ port, spec, warmup = 1, seconds = 2, serverPid, ticksPerSecond = 100 }) {
  const pass = await onePass(port, dataset(spec.data), spec.window);
  const { opened, agreed } = await openCompressed(port, spec.connections);
  const traffic = await clientTraffic(dataset(spec.data), agreed);
  const counts = newCounts();
  let failed = null;
  let reject;
  const failure = new Promise((_, r) => (reject = r));
  failure.catch(() => {});
  const fail = (error) => {
    if (failed) return;
    failed = error;
    reject(error);
  };
  const peers = attach(opened, traffic, agreed, counts, (peer, n) => peer.sendFrames(n), fail);
  for (const peer of peers) peer.sendFrames(spec.window);

  let last = -1;
  let still = 0;
  const watchdog = setInterval(() => {
    still = counts.messages === last ? still + 1 : 0;
    last = counts.messages;
    if (still >= 8) fail(new Error(`stalled: no message verified for 2 s (${counts.messages} so far)`));
  }, 250);
  const snapshot = () => ({
    at: performance.now(),
    ...counts,
    cpu: process.cpuUsage(),
    server: serverPid ? processCpuMicros(serverPid, ticksPerSecond) : NaN,
  });
  try {
    await Promise.race([sleep(warmup * 1000), failure]);
    const a = snapshot();
    await Promise.race([sleep(seconds * 1000), failure]);
    const b = snapshot();
    if (failed) throw failed;
    const elapsed = (b.at - a.at) / 1000;
    const messages = b.messages - a.messages;
    return {
      messages,
      seconds: elapsed,
      rate: messages / elapsed,
      generatorCpuMicros: b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system,
      serverCpuMicros: b.server - a.server,
      compressed: b.compressed - a.compressed,
      pass,
      agreement: agreed.text,
    };
  } finally {
    clearInterval(watchdog);
    failed ??= new Error('finished');
    for (const peer of peers) {
      peer.socket.destroy();
      peer.inflater.close();
    }
  }
}

/** Messages each connection of the 'zidle' case echoes: ~620 B JSON depth updates, 40 of them (~24 KiB). */
export const IDLE_TRAFFIC = 40;

/**
 * The 'zidle' case: open `connections` compressed connections, each echoing IDLE_TRAFFIC messages of the depth
 * data set (every one verified), then leave them idle and return the server's RSS growth per connection, as
 * runIdle (loadgen.mjs) does: a deflate context on each side of every connection, after real traffic.
 */
export async function runCompressedIdle(options) {
  const { port, serverPid, connections, collect = async () => {}, settleMs = 1000 } = options;
  const data = dataset('depth');
  const sample = { ...data, messages: data.messages.slice(0, IDLE_TRAFFIC) };
  const openEchoed = async (count) => {
    const { opened, agreed } = await openCompressed(port, count);
    const traffic = await clientTraffic(sample, agreed);
    let left = count;
    let fail;
    const failed = new Promise((_, reject) => (fail = reject));
    failed.catch(() => {}); // a socket error after the echoes is no failure of this case
    let done;
    const echoed = new Promise((resolve) => (done = resolve));
    const onMessages = (peer) => peer.messages === IDLE_TRAFFIC && --left === 0 && done();
    const peers = attach(opened, traffic, agreed, newCounts(), onMessages, (e) => fail(e));
    for (const peer of peers) peer.sendFrames(IDLE_TRAFFIC);
    await Promise.race([echoed, failed]);
    for (const peer of peers) peer.socket.removeAllListeners('close'); // closing them later is no failure
    return { peers, agreed };
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
    const opened = await openEchoed(connections);
    peers = opened.peers;
    const setupSeconds = (performance.now() - started) / 1000;
    const after = await settle();
    const bytesPerConnection = (after - before) / connections;
    const setupRate = connections / setupSeconds;
    return { connections, before, after, bytesPerConnection, setupRate, agreement: opened.agreed.text };
  } finally {
    for (const peer of [...warm.peers, ...peers]) {
      peer.socket.destroy();
      peer.inflater.close();
    }
  }
}

/**
 * The compressed half of the contract (run.mjs): with DEFLATE_THRESHOLD set, the server agrees to
 * permessage-deflate when offered it, echoes compressed messages (a ~100 B and a ~620 B JSON text, a 64 KiB
 * one) so that they inflate back to what was sent, and compresses at least one of its echoes. Rejects with
 * the first broken rule.
 */
export async function checkCompressedContract(port) {
  const { opened, agreed } = await openCompressed(port, 1);
  const [trade, depth, big] = ['trade', 'depth', 'json64k'].map((id) => dataset(id).messages[0]);
  const traffic = await clientTraffic({ type: 'text', messages: [trade, depth, big] }, agreed);
  const counts = newCounts();
  let peer;
  try {
    await new Promise((resolve, reject) => {
      const late = () => reject(new Error(`${counts.messages} of 3 compressed echoes in 3 s`));
      const timer = setTimeout(late, 3000);
      const settle = (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      [peer] = attach(opened, traffic, agreed, counts, (p) => p.messages === 3 && settle(), settle);
      peer.sendFrames(3);
    });
    if (counts.compressed === 0) throw new Error('no echo was compressed (RSV1 clear on all three)');
  } finally {
    peer?.socket.destroy();
    peer?.inflater.close();
  }
  return agreed;
}

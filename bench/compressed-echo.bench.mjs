// Compressed echo at codec level (permessage-deflate, RFC 7692): what a server connection does per message when
// a browser sends compressed messages — unmask and inflate the client's frame, compress and frame the reply —
// without sockets. Context takeover both ways, 15-bit windows (what browsers offer and ws and wsframe agree to),
// every message compressed (threshold 0; ws 8 ignores its threshold while it keeps context takeover anyway).
// - wsframe: MessageDecoder + MessageEncoder with the `compression` codec that `deflate({ threshold: 0 })` makes
//   for the agreement (pako, synchronous).
// - ws 8 (with bufferutil): its Receiver and Sender sharing one PerMessageDeflate, as a ws connection has them;
//   zlib on the thread pool, so each message is awaited — from writing the frame into the Receiver to the
//   Sender's write of the compressed reply — as one connection's messages are.
// The client's frames are compressed once before timing (bench/e2e/compressed.mjs clientTraffic: one node:zlib
// stream, takeover) and replayed in order; every decoder gets a fresh copy of each frame (ws unmasks in place).
// Data: bench/lib/deflate-data.mjs. Rows: msg/s (interleaved rounds, medians), and the reply's bytes on the wire
// per message against ws's for the same messages. Every reply of a first pass is inflated (node:zlib) and
// checked against the message.
//
//   npm run build && node bench/compressed-echo.bench.mjs [--quick]
import zlib from 'node:zlib';
import { deflate } from '../dist/deflate.js';
import { MessageDecoder, MessageEncoder } from '../dist/index.js';
import { clientTraffic } from './e2e/compressed.mjs';
import { deflateData } from './lib/deflate-data.mjs';
import { QUICK, alternateAsync, emit, require } from './lib/harness.mjs';

const { Receiver, Sender } = require('ws');
// Not in ws's exports map: loaded by file path, next to its main module.
const PerMessageDeflate = require(require.resolve('ws').replace(/index\.js$/, 'lib/permessage-deflate.js'));
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]); // RFC 7692 §7.2.1
/** The agreement on `permessage-deflate; client_max_window_bits` with ws's and wsframe's defaults. */
const AGREED = { serverTakeover: true, clientTakeover: true, serverBits: 15, clientBits: 15 };
const rows = [];

/** A server connection's codec: feed it a client frame, get the reply's frames; `bytes`: what it wrote. */
function wsframeServer() {
  const params = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  const codec = deflate({ threshold: 0 }).codec('server', params);
  const decoder = new MessageDecoder({ role: 'server', compression: codec, textAs: 'bytes' });
  const encoder = new MessageEncoder({ role: 'server', compression: codec });
  const out = { bytes: 0, sent: [] };
  out.echo = (frame) => {
    for (const m of decoder.push(frame)) {
      const parts = m.type === 'text' ? encoder.text(m.data) : encoder.binary(m.data);
      for (const p of parts) {
        out.bytes += p.length;
        if (out.keep) out.sent.push(Buffer.from(p));
      }
    }
  };
  return out;
}

/** ws's connection internals on a socket that only counts: `echo(frame)` resolves when the reply is written. */
function wsServer() {
  const pmd = new PerMessageDeflate({ isServer: true, threshold: 0 });
  pmd.params = {
    server_no_context_takeover: false,
    client_no_context_takeover: false,
    server_max_window_bits: 15,
    client_max_window_bits: 15,
  };
  const extensions = { [PerMessageDeflate.extensionName]: pmd };
  const out = { bytes: 0, sent: [] };
  const socket = {
    cork() {},
    uncork() {},
    write(chunk, cb) {
      out.bytes += chunk.length;
      if (out.keep) out.sent.push(Buffer.from(chunk));
      if (cb) cb();
      return true;
    },
  };
  const sender = new Sender(socket, extensions);
  const receiver = new Receiver({ isServer: true, extensions, maxPayload: 0, skipUTF8Validation: false });
  let done = null;
  receiver.on('message', (data, isBinary) => {
    sender.send(data, { binary: isBinary, compress: true, fin: true, mask: false }, () => done());
  });
  receiver.on('error', (e) => {
    throw e;
  });
  out.echo = (frame) =>
    new Promise((resolve) => {
      done = resolve;
      receiver.write(frame);
    });
  return out;
}

/** The payloads of unmasked frames (server → client), RSV1 set on each: else null. */
function payloads(bytes) {
  const out = [];
  for (let at = 0; at < bytes.length; ) {
    if ((bytes[at] & 0x40) === 0) return null;
    let len = bytes[at + 1] & 0x7f;
    let head = 2;
    if (len === 126) [len, head] = [bytes.readUInt16BE(at + 2), 4];
    else if (len === 127) [len, head] = [Number(bytes.readBigUInt64BE(at + 2)), 10];
    out.push(bytes.subarray(at + head, at + head + len));
    at += head + len;
  }
  return out;
}

/** Throws unless `sent` (frames in order) are the messages, each compressed, with takeover (one stream). */
function checkReplies(sent, messages, who) {
  const frames = payloads(Buffer.concat(sent));
  if (!frames || frames.length !== messages.length) throw new Error(`${who}: not one compressed reply per message`);
  const stream = Buffer.concat(frames.flatMap((f) => [f, TAIL]));
  const back = zlib.inflateRawSync(stream, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  if (!back.equals(Buffer.concat(messages))) throw new Error(`${who}: the replies do not inflate to the messages`);
}

for (const data of deflateData({ quick: QUICK })) {
  const { messages } = data;
  const traffic = await clientTraffic(data, AGREED);
  const frames = messages.map((_, i) => traffic.block.subarray(traffic.offsets[i], traffic.offsets[i + 1]));
  const servers = { wsframe: wsframeServer(), ws: wsServer() };
  // One checked pass each (the first messages of a fresh connection), with the bytes it wrote.
  const wire = {};
  for (const [name, server] of Object.entries(servers)) {
    server.keep = true;
    for (const f of frames) await server.echo(Buffer.from(f));
    server.keep = false;
    checkReplies(server.sent, messages, name);
    wire[name] = server.bytes / messages.length;
    server.sent = [];
  }
  // Timing: the sequence replayed (valid with takeover, see clientTraffic), a fresh copy of each frame.
  const cycle = (server, async) => {
    let i = 0;
    return async
      ? () => server.echo(Buffer.from(frames[i++ % frames.length]))
      : () => server.echo(Buffer.from(frames[i++ % frames.length]));
  };
  const ops = [
    { label: 'wsframe auto', fn: cycle(servers.wsframe, false), wire: wire.wsframe },
    { label: 'ws (native)', fn: cycle(servers.ws, true), async: true, wire: wire.ws },
  ];
  const speed = await alternateAsync(ops);
  ops.forEach((op, i) => {
    const row = {
      suite: 'compressed-echo',
      group: 'echo',
      case: `${data.name}, takeover`,
      impl: op.label,
      hz: speed[i].hz,
      rme: speed[i].rme,
      messages: 1,
      bytes: data.avg,
      size: data.avg,
      wire: op.wire,
      wireVsWs: op.wire / wire.ws,
    };
    rows.push(row);
    process.stderr.write(
      `compressed echo | ${row.case.padEnd(38)} | ${op.label.padEnd(12)} | ${Math.round(row.hz)} msg/s ` +
        `±${row.rme.toFixed(0)}% | ${op.wire.toFixed(1)} B/msg on the wire (${row.wireVsWs.toFixed(3)}× ws)\n`,
    );
  });
}

emit(rows);

/**
 * The adapters hand the decoder buffers it owns: Node's and Bun's socket reads (a new buffer each) and copies of
 * Deno's (its read buffer is read into again), so the decoder unmasks in place and delivers views of them. Here a server (test/adapters/keep.mjs) keeps every message it receives without a
 * copy while later reads arrive, then sends them all back at once to a client that is not reading — so
 * Deno's and Bun's writes go out in parts (Bun's `write` takes what the kernel has room for, the rest waits for
 * `drain`), merged up to WRITE_MERGE_MAX — and every byte must come back as it was sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ChildScript, RUNTIMES, RawSocket, binaryPayload, clientFrame, killChildren } from './helpers.js';

afterAll(killChildren);

const KiB = 1024;
/** Around the read buffers' sizes (2 KiB up to 256 KiB on Deno) and WRITE_MERGE_MAX (64 KiB), ~21 MiB in all: more than the loopback socket buffers hold. */
const SIZES = [17, 1000, 1024, 3000, 64 * KiB - 4, 64 * KiB, 64 * KiB + 1, 70_000, 130_000, 200_000, 300_000];
const ROUNDS = 24;

describe.each(RUNTIMES.map((r) => [r.name, r] as const))('wsframe/%s', (_, runtime) => {
  it('keeps every delivered message intact while later reads arrive, and sends all back to a slow reader', async () => {
    const server = ChildScript.start(runtime, 'keep.mjs');
    const { main: port } = await server.ports();
    const socket = await RawSocket.connect(port!);
    await socket.handshake();
    const payloads: Buffer[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const size of SIZES) payloads.push(binaryPayload(size, payloads.length + 1));
    }
    // One write of every frame: the server reads it in chunks as large as its runtime reads.
    socket.write(Buffer.concat(payloads.map((p) => clientFrame(0x2, p))));
    socket.socket.pause();
    socket.write(clientFrame(0x1, 'send back'));
    // Let the server's writes fill the socket buffers while nothing is read.
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.socket.resume();
    const frames = await socket.frameCount(payloads.length + 1);
    expect(frames.length).toBe(payloads.length + 1);
    payloads.forEach((payload, i) => {
      const frame = frames[i]!;
      expect({ i, opcode: frame.opcode, fin: frame.fin, length: frame.payload.length }).toEqual({
        i,
        opcode: 0x2,
        fin: true,
        length: payload.length,
      });
      expect(frame.payload.equals(payload), `message ${i} (${payload.length} B) came back changed`).toBe(true);
    });
    expect(frames.at(-1)!.payload.toString()).toBe('done');
    socket.destroy();
    await server.kill();
  });
});

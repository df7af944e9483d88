/**
 * permessage-deflate end to end, without frames: the client's offer, the server's negotiation, the client's check
 * of the response, then a DeflateCodec on each side carrying messages both ways — every window 9–15, with and
 * without context takeover, at several thresholds and fragment sizes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DeflateCodec,
  deflateOffer,
  negotiateDeflate,
  verifyDeflateResponse,
  type PerMessageDeflateOptions,
} from '../../src/deflate/index.js';
import { parseExtensions } from '../../src/http.js';

const JSON_CORPUS = new Uint8Array(readFileSync(new URL('../fixtures/autobahn/data1.json', import.meta.url)));

/** Both ends of one connection, after a handshake with these options on each side. */
function connect(clientOptions: PerMessageDeflateOptions, serverOptions: PerMessageDeflateOptions) {
  const offer = deflateOffer(clientOptions);
  const negotiation = negotiateDeflate(parseExtensions(offer, { duplicates: 'mark' }), serverOptions);
  if (!negotiation.ok) throw new Error(negotiation.reason);
  const check = verifyDeflateResponse(parseExtensions(negotiation.response), clientOptions);
  if (!check.ok || !check.params) throw new Error(`client refused ${negotiation.response}`);
  expect(check.params).toEqual(negotiation.params);
  return {
    server: new DeflateCodec('server', negotiation.params, serverOptions),
    client: new DeflateCodec('client', check.params, clientOptions),
  };
}

/** Send one message: compressed (maybe) and cut into fragments of `fragment` bytes, then received. */
function send(from: DeflateCodec, to: DeflateCodec, message: Uint8Array, fragment: number): Uint8Array {
  const payload = from.compress(message);
  if (payload === null) return message; // below the threshold: RSV1 clear, never inflated
  const fragments: Uint8Array[] = [];
  for (let i = 0; i < payload.length; i += fragment) fragments.push(payload.subarray(i, i + fragment));
  return to.decompress(fragments, message.length);
}

describe('offer → negotiation → codecs, messages both ways', () => {
  it.each([9, 10, 11, 12, 13, 14, 15])('window %i, with and without takeover on each side', (bits) => {
    for (const serverNoContextTakeover of [false, true]) {
      for (const clientNoContextTakeover of [false, true]) {
        const options = {
          serverMaxWindowBits: bits,
          clientMaxWindowBits: bits,
          serverNoContextTakeover,
          clientNoContextTakeover,
          threshold: 0,
        };
        const { server, client } = connect(options, options);
        expect(server.deflater.windowBits).toBe(bits);
        expect(client.inflater.windowBits).toBe(bits);
        expect(server.deflater.noContextTakeover).toBe(serverNoContextTakeover);
        expect(server.inflater.noContextTakeover).toBe(clientNoContextTakeover);
        for (let i = 0; i < 12; i++) {
          const message = JSON_CORPUS.subarray(i * 1000, i * 1000 + 50 + i * 200);
          expect(send(server, client, message, 1 + i * 37)).toEqual(message);
          expect(send(client, server, message, 125)).toEqual(message);
        }
      }
    }
  });

  it('sends messages below the threshold uncompressed, and compresses from the threshold on', () => {
    for (const threshold of [0, 1, 125, 1024, 4096]) {
      const { server } = connect({}, { threshold });
      for (const length of [0, 1, 124, 125, 126, 1023, 1024, 1025, 4095, 4096]) {
        const payload = server.compress(JSON_CORPUS.subarray(0, length));
        expect(payload === null).toBe(length < threshold);
      }
    }
    const { server } = connect({}, {});
    expect(server.threshold).toBe(1024);
  });

  it('browser-style client (default offer) against a server that asks for less memory', () => {
    const { server, client } = connect(
      {},
      { clientNoContextTakeover: true, clientMaxWindowBits: 10, serverMaxWindowBits: 11 },
    );
    expect([server.deflater.windowBits, server.inflater.windowBits, client.deflater.windowBits]).toEqual([11, 10, 10]);
    expect([client.deflater.noContextTakeover, server.inflater.noContextTakeover]).toEqual([true, true]);
    const message = JSON_CORPUS.subarray(0, 50_000);
    expect(send(client, server, message, 4096)).toEqual(message);
    expect(send(server, client, message, 65536)).toEqual(message);
  });

  it('checks its arguments', () => {
    const params = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    };
    expect(() => new DeflateCodec('peer' as never, params)).toThrow(TypeError);
    expect(() => new DeflateCodec('server', { ...params, serverMaxWindowBits: 8 })).toThrow(RangeError);
    expect(new DeflateCodec('server', { ...params, clientMaxWindowBits: 8 }).inflater.windowBits).toBe(8);
    expect(() => new DeflateCodec('server', params, { threshold: -1 })).toThrow(RangeError);
    expect(() => new DeflateCodec('server', params).compress('x' as never)).toThrow(TypeError);
  });
});

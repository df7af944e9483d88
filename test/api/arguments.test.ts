/**
 * What a caller without types can pass to every public entry point (src/arguments.ts): a wrong type is a
 * TypeError, a value out of range a RangeError, thrown before anything changes — never wrong bytes. Bytes are
 * accepted as a Uint8Array, an ArrayBuffer or any ArrayBufferView where a payload is meant, and only as a
 * Uint8Array or ArrayBuffer of UTF-8 where text is meant (text(), close reasons). Both backends throughout.
 */
import { describe, expect, it } from 'vitest';
import {
  Connection,
  ConnectionState,
  DecoderStream,
  EncoderStream,
  FrameDecoder,
  FrameEncoder,
  Heartbeat,
  MessageDecoder,
  MessageEncoder,
  WebSocketError,
  decodeMessages,
  headerLength,
  type Frame,
  type Message,
} from '../../src/index.js';
import { BACKENDS, concat, hex, stream, utf8 } from '../helpers.js';

/** Pass a value of the wrong type where the signature wants another (what a JavaScript caller can do). */
const bad = (value: unknown): never => value as never;
const bytesOf = (frames: Uint8Array[]): string => Buffer.from(concat(frames)).toString('hex');

/** Values that are no bytes at all, for any bytes argument. */
const NOT_BYTES: unknown[] = [42, null, true, {}, [0x81, 0x00], { length: 2, 0: 0x81, 1: 0 }, () => 0];
/** The same 8 bytes in every form the payload arguments accept. */
function byteForms(): [string, unknown][] {
  const raw = hex('00 01 02 03 fc fd fe ff');
  const offset = new Uint8Array(12);
  offset.set(raw, 2);
  const shared = new SharedArrayBuffer(8);
  new Uint8Array(shared).set(raw);
  return [
    ['Uint8Array', raw],
    ['Buffer', Buffer.from(raw)],
    ['ArrayBuffer', raw.slice().buffer],
    ['SharedArrayBuffer', shared],
    ['DataView at an offset', new DataView(offset.buffer, 2, 8)],
    ['Uint16Array (its bytes in memory)', new Uint16Array(raw.slice().buffer)],
    ['Float32Array (its bytes in memory)', new Float32Array(raw.slice().buffer)],
    ['Uint8Array view at an offset', offset.subarray(2, 10)],
  ];
}

describe.each(BACKENDS)('FrameEncoder arguments on the %s backend', (backend) => {
  const server = () => new FrameEncoder({ role: 'server', backend });

  it('refuses a string payload instead of writing 81 01 00 for "€"', () => {
    expect(() => server().encode({ opcode: 1, payload: bad('€') })).toThrow(TypeError);
    expect(() => server().encode({ opcode: 1, payload: bad('€') })).toThrow(/text\(\)/);
    const client = new FrameEncoder({ role: 'client', backend });
    expect(() => client.encode({ opcode: 2, payload: bad('ab') })).toThrow(TypeError);
  });

  it.each(NOT_BYTES.map((v) => [v]))('refuses the payload %j', (payload) => {
    expect(() => server().encode({ opcode: 2, payload: bad(payload) })).toThrow(TypeError);
  });

  it.each(byteForms())('encodes a payload given as a %s by its bytes, in both roles', (_, payload) => {
    expect(bytesOf(server().encode({ opcode: 2, payload: bad(payload) }))).toBe('820800010203fcfdfeff');
    const client = new FrameEncoder({ role: 'client', backend });
    // Key 0x04030201 is written as 01 02 03 04 (little-endian) and XORs the payload byte by byte.
    const masked = client.encode({ opcode: 2, payload: bad(payload), maskKey: 0x04030201 });
    expect(bytesOf(masked)).toBe('82880102030401030107fdfffdfb');
  });

  it('hands back an ArrayBuffer payload of 1 KiB or more as a view of it, not a copy (server role)', () => {
    const buffer = new ArrayBuffer(2048);
    const [header, payload] = server().encode({ opcode: 2, payload: bad(buffer) });
    expect(Array.from(header!)).toEqual([0x82, 126, 0x08, 0x00]);
    expect(payload!.buffer).toBe(buffer);
  });

  it.each([[null], ['frame'], [undefined], [7]])('refuses the frame %j', (frame) => {
    expect(() => server().encode(bad(frame))).toThrow(TypeError);
  });

  it('tells a wrong opcode type (TypeError) from a reserved or impossible opcode (RangeError, RFC 6455 §5.2)', () => {
    for (const opcode of ['1', null, undefined, true]) {
      expect(() => server().encode({ opcode: bad(opcode), payload: new Uint8Array(0) })).toThrow(TypeError);
    }
    for (const opcode of [NaN, 1.5, -1, 3, 7, 11, 16, Infinity]) {
      expect(() => server().encode({ opcode, payload: new Uint8Array(0) })).toThrow(RangeError);
    }
  });

  it('takes only booleans for fin and the RSV bits ("false" would set FIN, 0 would clear it)', () => {
    for (const bit of ['fin', 'rsv1', 'rsv2', 'rsv3']) {
      for (const value of ['false', 0, 1, null]) {
        expect(() => server().encode({ opcode: 2, payload: new Uint8Array(0), [bit]: value })).toThrow(TypeError);
      }
    }
    expect(bytesOf(server().encode({ opcode: 1, fin: false, rsv1: true, payload: new Uint8Array(0) }))).toBe('4100');
  });

  it('takes a mask key in 0..2^32 − 1 only (client role)', () => {
    const client = new FrameEncoder({ role: 'client', backend });
    const encode = (maskKey: unknown) => client.encode({ opcode: 2, payload: hex('00 00'), maskKey: bad(maskKey) });
    expect(() => encode('1')).toThrow(TypeError);
    expect(() => encode(null)).toThrow(TypeError);
    for (const key of [-1, 2 ** 32, 1.5, NaN, Infinity]) expect(() => encode(key)).toThrow(RangeError);
    expect(bytesOf(encode(0xffffffff))).toBe('8282ffffffffffff');
  });

  it('encodeHeader checks its target, offset and header, and never writes past the target', () => {
    const enc = server();
    const target = new Uint8Array(5);
    expect(() => enc.encodeHeader(bad(new ArrayBuffer(14)), 0, { opcode: 2, payloadLength: 0 })).toThrow(TypeError);
    expect(() => enc.encodeHeader(bad([0, 0]), 0, { opcode: 2, payloadLength: 0 })).toThrow(TypeError);
    expect(() => enc.encodeHeader(target, bad('0'), { opcode: 2, payloadLength: 0 })).toThrow(TypeError);
    for (const offset of [-1, 0.5, NaN]) {
      expect(() => enc.encodeHeader(target, offset, { opcode: 2, payloadLength: 0 })).toThrow(RangeError);
    }
    expect(() => enc.encodeHeader(target, 0, bad(null))).toThrow(TypeError);
    expect(() => enc.encodeHeader(target, 0, { opcode: 2, payloadLength: bad('5') })).toThrow(TypeError);
    for (const length of [-1, 1.5, 2 ** 53, NaN]) {
      expect(() => enc.encodeHeader(target, 0, { opcode: 2, payloadLength: length })).toThrow(RangeError);
    }
    // A 4-byte header (126..65535) at offset 2 of 5 bytes does not fit: nothing is written.
    expect(() => enc.encodeHeader(target, 2, { opcode: 2, payloadLength: 200 })).toThrow(RangeError);
    expect(Array.from(target)).toEqual([0, 0, 0, 0, 0]);
    expect(enc.encodeHeader(target, 1, { opcode: 2, payloadLength: 200 })).toBe(4);
    expect(Array.from(target)).toEqual([0, 0x82, 126, 0, 200]);
  });

  it('headerLength checks its arguments', () => {
    expect(headerLength(126, true)).toBe(8);
    expect(() => headerLength(bad('126'), true)).toThrow(TypeError);
    expect(() => headerLength(-1, false)).toThrow(RangeError);
    expect(() => headerLength(1, bad(1))).toThrow(TypeError);
  });
});

describe('encoder options', () => {
  it.each([[undefined], [null], ['server'], [[]]])('refuse %j as the options', (options) => {
    expect(() => new FrameEncoder(bad(options))).toThrow(TypeError);
    expect(() => new MessageEncoder(bad(options))).toThrow(TypeError);
  });

  it('refuse an unknown role or backend', () => {
    for (const role of ['Server', 'peer', undefined, null, 1]) {
      expect(() => new FrameEncoder({ role: bad(role) })).toThrow(TypeError);
      expect(() => new MessageEncoder({ role: bad(role) })).toThrow(TypeError);
    }
    for (const backend of ['WASM', 'native', null, 1]) {
      expect(() => new FrameEncoder({ role: 'client', backend: bad(backend) })).toThrow(TypeError);
      expect(() => new MessageEncoder({ role: 'client', backend: bad(backend) })).toThrow(TypeError);
    }
  });

  it('take fragmentSize as a non-negative integer only', () => {
    expect(() => new MessageEncoder({ role: 'server', fragmentSize: bad('10') })).toThrow(TypeError);
    expect(() => new MessageEncoder({ role: 'server', fragmentSize: bad(null) })).toThrow(TypeError);
    for (const size of [-1, 1.5, NaN, Infinity]) {
      expect(() => new MessageEncoder({ role: 'server', fragmentSize: size })).toThrow(RangeError);
    }
  });
});

describe.each(BACKENDS)('MessageEncoder arguments on the %s backend', (backend) => {
  const server = () => new MessageEncoder({ role: 'server', backend });

  it('text() takes a string, or UTF-8 in a Uint8Array, Buffer or ArrayBuffer', () => {
    const hi = '8102' + '6869';
    expect(bytesOf(server().text('hi'))).toBe(hi);
    expect(bytesOf(server().text(utf8('hi')))).toBe(hi);
    expect(bytesOf(server().text(Buffer.from('hi')))).toBe(hi);
    expect(bytesOf(server().text(utf8('hi').buffer))).toBe(hi);
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set(utf8('hi'));
    expect(bytesOf(server().text(shared))).toBe(hi);
  });

  it.each([...NOT_BYTES, undefined, new Uint16Array([104, 105]), new DataView(new ArrayBuffer(2))].map((v) => [v]))(
    'text() refuses %o',
    (data) => {
      expect(() => server().text(bad(data))).toThrow(TypeError);
    },
  );

  it('binary() refuses a string (text goes through text()) and anything that is not bytes', () => {
    expect(() => server().binary(bad('hi'))).toThrow(TypeError);
    expect(() => server().binary(bad('hi'))).toThrow(/text\(\)/);
    for (const data of [...NOT_BYTES, undefined]) expect(() => server().binary(bad(data))).toThrow(TypeError);
  });

  it.each(byteForms())('binary(), ping() and pong() take a %s by its bytes', (_, data) => {
    expect(bytesOf(server().binary(bad(data)))).toBe('820800010203fcfdfeff');
    expect(bytesOf(server().ping(bad(data)))).toBe('890800010203fcfdfeff');
    expect(bytesOf(server().pong(bad(data)))).toBe('8a0800010203fcfdfeff');
  });

  it('ping() and pong() take nothing, a string or bytes, and refuse anything else', () => {
    expect(bytesOf(server().ping())).toBe('8900');
    expect(bytesOf(server().pong('€'))).toBe('8a03e282ac');
    for (const data of NOT_BYTES) {
      expect(() => server().ping(bad(data))).toThrow(TypeError);
      expect(() => server().pong(bad(data))).toThrow(TypeError);
    }
  });

  it('close() sends a Uint8Array reason as its UTF-8, not as the text "104,105"', () => {
    expect(bytesOf(server().close(1000, utf8('hi')))).toBe('880403e86869');
    expect(bytesOf(server().close(1000, utf8('hi').buffer))).toBe('880403e86869');
    expect(bytesOf(server().close(1000, Buffer.from('hi')))).toBe('880403e86869');
  });

  it('close() refuses a reason that is neither a string nor UTF-8 bytes, and UTF-8 bytes that are invalid', () => {
    const enc = server();
    const views = [new Float32Array(20), new Uint16Array([104, 105]), new DataView(new ArrayBuffer(2))];
    for (const reason of [...views, 42, null, {}, ['hi']]) {
      expect(() => enc.close(1000, bad(reason))).toThrow(TypeError);
    }
    // A truncated sequence, a surrogate, an invalid byte, a code point above U+10FFFF (RFC 3629).
    for (const invalid of ['c3', 'ed a0 80', 'ff', 'f4 90 80 80']) {
      expect(() => enc.close(1000, hex(invalid))).toThrow(TypeError);
    }
    expect(() => enc.close(1000, new Uint8Array(124).fill(0x61))).toThrow(RangeError);
    expect(() => enc.close(undefined, utf8('why'))).toThrow(TypeError);
    // Nothing was sent: the encoder still takes messages and its one close frame.
    expect(bytesOf(enc.text('ok'))).toBe('81026f6b');
    expect(bytesOf(enc.close(undefined, new Uint8Array(0)))).toBe('8800');
  });

  it('close() tells a code of the wrong type (TypeError) from an invalid one (RangeError, RFC 6455 §7.4)', () => {
    const enc = server();
    for (const code of ['1000', null, true, {}]) expect(() => enc.close(bad(code))).toThrow(TypeError);
    for (const code of [NaN, 1000.5, Infinity, -1000, 1005, 70000]) expect(() => enc.close(code)).toThrow(RangeError);
    expect(bytesOf(enc.close(4000))).toBe('88020fa0');
  });
});

describe('decoder options', () => {
  const decoders = [
    ['MessageDecoder', (o: unknown) => new MessageDecoder(bad(o))],
    ['FrameDecoder', (o: unknown) => new FrameDecoder(bad(o))],
  ] as const;

  it.each(decoders)('%s refuses options that are not an object, an unknown role, backend or inPlace', (_, make) => {
    for (const options of [undefined, null, 'server', []]) expect(() => make(options)).toThrow(TypeError);
    for (const role of ['Server', undefined, null, 1]) expect(() => make({ role })).toThrow(TypeError);
    for (const backend of ['WASM', 'native', null, 0]) {
      expect(() => make({ role: 'server', backend })).toThrow(TypeError);
    }
    for (const inPlace of ['true', 1, null]) expect(() => make({ role: 'server', inPlace })).toThrow(TypeError);
  });

  it.each(decoders)('%s takes maxFrameSize as an integer ≥ 0 or Infinity', (_, make) => {
    for (const size of ['1000', null, true]) {
      expect(() => make({ role: 'server', maxFrameSize: size })).toThrow(TypeError);
    }
    for (const size of [-1, 1.5, NaN, -Infinity]) {
      expect(() => make({ role: 'server', maxFrameSize: size })).toThrow(RangeError);
    }
    expect(make({ role: 'client', maxFrameSize: Infinity }).push(hex('82 01 ff'))).toHaveLength(1);
  });

  it('MessageDecoder takes maxMessageSize (≥ 0) and maxFragments (≥ 1) as integers or Infinity', () => {
    for (const name of ['maxMessageSize', 'maxFragments']) {
      const make = (value: unknown) => () => new MessageDecoder(bad({ role: 'server', [name]: value }));
      for (const value of ['1000', null, false]) expect(make(value)).toThrow(TypeError);
      for (const value of [-1, 2.5, NaN]) expect(make(value)).toThrow(RangeError);
    }
    // No data message could pass maxFragments 0.
    expect(() => new MessageDecoder({ role: 'server', maxFragments: 0 })).toThrow(RangeError);
    const unlimited = new MessageDecoder({ role: 'client', maxMessageSize: Infinity, maxFragments: Infinity });
    expect(unlimited.push(hex('01 01 61 80 01 62'))).toEqual([{ type: 'text', data: 'ab' }]);
  });

  it('MessageDecoder takes textAs "string" or "bytes" and validateUtf8 as a boolean', () => {
    for (const textAs of ['byte', 'String', 'buffer', null]) {
      expect(() => new MessageDecoder({ role: 'server', textAs: bad(textAs) })).toThrow(TypeError);
    }
    // 'false' is truthy and 0 falsy: neither may switch validation on or off by accident.
    for (const validateUtf8 of ['false', 0, 1, null]) {
      expect(() => new MessageDecoder({ role: 'server', validateUtf8: bad(validateUtf8) })).toThrow(TypeError);
    }
  });
});

describe.each(BACKENDS)('decoder push() on the %s backend', (backend) => {
  const textFrame = hex('81 02 68 69'); // unmasked "hi": a client decodes it

  const notChunks = [...NOT_BYTES, undefined, 'hi', '\x81\x02hi'].map((v) => [v]);
  it.each(notChunks)('push() refuses %j and changes nothing', (chunk) => {
    const messages = new MessageDecoder({ role: 'client', backend });
    const frames = new FrameDecoder({ role: 'client', backend });
    messages.push(textFrame.subarray(0, 3));
    frames.push(textFrame.subarray(0, 3));
    expect(() => messages.push(bad(chunk))).toThrow(TypeError);
    expect(() => frames.push(bad(chunk))).toThrow(TypeError);
    // The decoders are neither failed nor advanced: the rest of the frame completes it.
    expect(messages.push(textFrame.subarray(3))).toEqual([{ type: 'text', data: 'hi' }]);
    expect(frames.push(textFrame.subarray(3)).map((f) => Array.from(f.payload))).toEqual([[0x68, 0x69]]);
  });

  it.each(byteForms())('push() reads a %s by its bytes', (_, form) => {
    // The 8 bytes of byteForms as the payload of a binary frame split across two pushes: header, then payload.
    const decoder = new MessageDecoder({ role: 'client', backend });
    expect(decoder.push(hex('82 08'))).toEqual([]);
    expect(decoder.push(bad(form))).toEqual([{ type: 'binary', data: hex('00 01 02 03 fc fd fe ff') }]);
    const frames = new FrameDecoder({ role: 'client', backend });
    expect(frames.push(hex('82 08'))).toEqual([]);
    expect(frames.push(bad(form)).map((f) => f.payload)).toEqual([hex('00 01 02 03 fc fd fe ff')]);
  });

  it('push() with inPlace unmasks into a DataView chunk and hands out views of its memory', () => {
    const payload = new Uint8Array(2000).map((_, i) => i * 7);
    const wire = stream([{ opcode: 2, payload }], true);
    const chunk = new DataView(wire.slice().buffer);
    const [message] = new MessageDecoder({ role: 'server', backend, inPlace: true }).push(chunk);
    expect(message).toEqual({ type: 'binary', data: payload });
    expect((message as { data: Uint8Array }).data.buffer).toBe(chunk.buffer);
  });
});

describe.each(BACKENDS)('WebSocketError typing on the %s backend', (backend) => {
  it('decoder.isError() narrows messages to what the decoder delivers: Message[] or Frame[]', () => {
    const decoder = new MessageDecoder({ role: 'client', backend });
    const other = new MessageDecoder({ role: 'client', backend });
    let messages: Message[] = [];
    let caught: unknown;
    try {
      decoder.push(hex('81 01 61 83 00')); // "a", then reserved opcode 3
    } catch (e) {
      caught = e;
      if (decoder.isError(e)) messages = e.messages; // typed Message[]: no cast
    }
    expect(caught).toBeInstanceOf(WebSocketError);
    expect(messages).toEqual([{ type: 'text', data: 'a' }]);
    expect(other.isError(caught)).toBe(false);
    expect(decoder.isError(new TypeError('x'))).toBe(false);
    expect(decoder.isError(null)).toBe(false);
    expect(new MessageDecoder({ role: 'client', backend }).isError(null)).toBe(false);

    const frames = new FrameDecoder({ role: 'client', backend });
    let payloads: Frame[] = [];
    try {
      frames.push(hex('82 01 00 c2 00')); // a frame, then RSV1
    } catch (e) {
      if (frames.isError(e)) payloads = e.messages; // typed Frame[]
    }
    expect(payloads.map((f) => f.opcode)).toEqual([2]);
  });

  it('decoder.isError() recognises the error of end() and its rethrow from a failed decoder', () => {
    const decoder = new MessageDecoder({ role: 'client', backend });
    decoder.push(hex('81 05 61'));
    const errors: unknown[] = [];
    for (const step of [() => decoder.end(), () => decoder.push(hex('00'))]) {
      try {
        step();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(errors[1]);
    expect(decoder.isError(errors[0])).toBe(true);
    expect((errors[0] as WebSocketError).closeCode).toBe(1006);
  });
});

describe.each(BACKENDS)('Connection arguments on the %s backend', (backend) => {
  const open = (extra: object = {}) => new Connection({ role: 'client', backend, ...extra });

  it('refuses options of the wrong type or out of range', () => {
    for (const options of [undefined, null, 'client']) expect(() => new Connection(bad(options))).toThrow(TypeError);
    const typeErrors: object[] = [
      { role: 'peer' },
      { backend: 'WASM' },
      { autoPong: 'no' },
      { autoPong: 0 },
      { heartbeat: true },
      { heartbeat: null },
      { heartbeat: { interval: '5', timeout: 1 } },
      { heartbeat: { interval: 5 } },
      { now: '0' },
      { handshake: 'yes' },
      { handshake: null },
      { maxMessageSize: '1' },
      { textAs: 'byte' },
      { validateUtf8: 'false' },
      { fragmentSize: '2' },
    ];
    for (const extra of typeErrors) expect(() => open(extra), JSON.stringify(extra)).toThrow(TypeError);
    const rangeErrors: object[] = [
      { heartbeat: { interval: 0, timeout: 1 } },
      { heartbeat: { interval: 1, timeout: -1 } },
      { heartbeat: { interval: Infinity, timeout: 1 } },
      { heartbeat: { interval: NaN, timeout: 1 } },
      { now: NaN },
      { now: Infinity },
      { maxMessageSize: -1 },
      { maxFragments: 0 },
      { fragmentSize: 1.5 },
    ];
    for (const extra of rangeErrors) expect(() => open(extra), JSON.stringify(extra)).toThrow(RangeError);
  });

  it('send(), ping() and pong() refuse what is not a string or bytes, even once closed', () => {
    const c = open();
    for (const data of NOT_BYTES) {
      expect(() => c.send(bad(data))).toThrow(TypeError);
      expect(() => c.ping(bad(data))).toThrow(TypeError);
      expect(() => c.pong(bad(data))).toThrow(TypeError);
    }
    expect(() => c.send(bad(undefined))).toThrow(TypeError);
    expect(c.bytesToSend()).toEqual([]);
    c.close();
    expect(() => c.send(bad(42))).toThrow(TypeError);
    expect(c.send('late')).toBe(false);
  });

  it.each(byteForms())('send() sends a %s as a binary message of its bytes', (_, data) => {
    const c = new Connection({ role: 'server', backend });
    expect(c.send(bad(data))).toBe(true);
    expect(c.ping(bad(data))).toBe(true);
    expect(bytesOf(c.bytesToSend())).toBe('820800010203fcfdfeff' + '890800010203fcfdfeff');
  });

  it('close() checks code and reason in every state, before anything changes', () => {
    const c = new Connection({ role: 'server', backend });
    expect(() => c.close(1000, bad(new Float32Array(20)))).toThrow(TypeError);
    expect(() => c.close(1000, hex('c3 28'))).toThrow(TypeError);
    expect(() => c.close(bad('1000'))).toThrow(TypeError);
    expect(() => c.close(1000.5)).toThrow(RangeError);
    expect(() => c.close(null, 'reason without a code')).toThrow(TypeError);
    expect(c.state).toBe(ConnectionState.OPEN);
    expect(c.bytesToSend()).toEqual([]);
    c.close(1000, utf8('hi'));
    expect(bytesOf(c.bytesToSend())).toBe('880403e86869');
    expect(() => c.close(1000, bad(42))).toThrow(TypeError); // already closing: still checked

    const connecting = new Connection({ role: 'server', backend, handshake: {} });
    expect(() => connecting.close(1000, bad(42))).toThrow(TypeError);
    expect(connecting.state).toBe(ConnectionState.CONNECTING);
  });

  it('receive() refuses what is not bytes and a `now` that is not a finite number, before decoding', () => {
    const c = new Connection({ role: 'client', backend, heartbeat: { interval: 10, timeout: 5 } });
    const frame = hex('81 02 68 69');
    for (const data of [...NOT_BYTES, 'hi']) expect(() => c.receive(bad(data))).toThrow(TypeError);
    expect(() => c.receive(frame, bad('5'))).toThrow(TypeError);
    expect(() => c.receive(frame, NaN)).toThrow(RangeError);
    expect(() => new Connection({ role: 'client', backend }).receive(frame, bad('5'))).toThrow(TypeError);
    expect(c.receive(frame.buffer, 1)).toEqual([{ type: 'text', data: 'hi' }]); // delivered once, from an ArrayBuffer
  });

  it('tick() takes a finite number', () => {
    const c = open({ heartbeat: { interval: 10, timeout: 5 } });
    expect(() => c.tick(bad('20'))).toThrow(TypeError);
    for (const now of [NaN, Infinity]) expect(() => c.tick(now)).toThrow(RangeError);
    expect(c.tick(20)).toBe('ping');
  });
});

describe('Heartbeat arguments', () => {
  it('takes finite positive durations and finite times', () => {
    expect(() => new Heartbeat(bad(null), 0)).toThrow(TypeError);
    expect(() => new Heartbeat({ interval: bad('1'), timeout: 1 }, 0)).toThrow(TypeError);
    expect(() => new Heartbeat({ interval: 1, timeout: Infinity }, 0)).toThrow(RangeError);
    expect(() => new Heartbeat({ interval: 1, timeout: 1 }, bad('0'))).toThrow(TypeError);
    const heartbeat = new Heartbeat({ interval: 10, timeout: 5 }, 0);
    expect(() => heartbeat.seen(bad(undefined))).toThrow(TypeError);
    expect(() => heartbeat.poll(NaN)).toThrow(RangeError);
    expect(heartbeat.poll(10)).toBe('ping');
  });
});

describe.each(BACKENDS)('stream arguments on the %s backend', (backend) => {
  it('DecoderStream and EncoderStream check their options and strategies', () => {
    const decoder = (...a: unknown[]) => new DecoderStream(...(a as [never]));
    const encoder = (...a: unknown[]) => new EncoderStream(...(a as [never]));
    for (const make of [decoder, encoder]) {
      expect(() => make(null)).toThrow(TypeError);
      expect(() => make({ role: 'peer', backend })).toThrow(TypeError);
      expect(() => make({ role: 'server', backend }, null)).toThrow(TypeError);
      expect(() => make({ role: 'server', backend }, undefined, { highWaterMark: '16' })).toThrow(TypeError);
      expect(() => make({ role: 'server', backend }, { highWaterMark: -1 })).toThrow(RangeError);
      expect(() => make({ role: 'server', backend }, undefined, { highWaterMark: NaN })).toThrow(RangeError);
      expect(() => make({ role: 'server', backend }, undefined, { size: 5 })).toThrow(TypeError);
    }
    expect(() => new DecoderStream({ role: 'server', backend, maxMessageSize: bad('1') })).toThrow(TypeError);
    expect(() => new EncoderStream({ role: 'server', backend, fragmentSize: -1 })).toThrow(RangeError);
  });

  it('DecoderStream reads ArrayBuffer and DataView chunks, and errors with a TypeError on a string', async () => {
    const decoder = new DecoderStream({ role: 'client', backend });
    const writer = decoder.writable.getWriter();
    const reader = decoder.readable.getReader();
    void writer.write(bad(hex('81 02 68 69').buffer));
    void writer.write(bad(new DataView(hex('82 01 ff').buffer)));
    expect((await reader.read()).value).toEqual({ type: 'text', data: 'hi' });
    expect((await reader.read()).value).toEqual({ type: 'binary', data: hex('ff') });
    await expect(writer.write(bad('\x81\x00'))).rejects.toThrow(TypeError);
    await expect(reader.read()).rejects.toThrow(TypeError);
  });

  it('EncoderStream errors with a TypeError on a binary string or a Float32Array close reason', async () => {
    const floatReason = { type: 'close', code: 1000, reason: new Float32Array(2) };
    const messages = [{ type: 'binary', data: 'hi' }, floatReason, null, 'hi'];
    for (const message of messages) {
      const encoder = new EncoderStream({ role: 'server', backend });
      const writer = encoder.writable.getWriter();
      await expect(writer.write(bad(message))).rejects.toThrow(TypeError);
      await expect(encoder.readable.getReader().read()).rejects.toThrow(TypeError);
    }
  });

  it('decodeMessages checks its source and options when called, and its chunks as it reads them', async () => {
    for (const source of [42, null, 'hi', hex('81 00'), new ArrayBuffer(2), {}]) {
      expect(() => decodeMessages(bad(source), { role: 'client', backend })).toThrow(TypeError);
    }
    expect(() => decodeMessages([], bad({ role: 'peer' }))).toThrow(TypeError);
    expect(() => decodeMessages([], { role: 'client', maxFragments: 0 })).toThrow(RangeError);
    const read = async (chunks: unknown[]) => {
      const out: Message[] = [];
      for await (const m of decodeMessages(bad(chunks), { role: 'client', backend })) out.push(m);
      return out;
    };
    const split = [hex('81 02 68').buffer, new DataView(hex('69').buffer)];
    expect(await read(split)).toEqual([{ type: 'text', data: 'hi' }]);
    await expect(read([hex('81 00'), 'hi'])).rejects.toThrow(TypeError);
  });
});

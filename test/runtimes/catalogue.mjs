// The byte vectors of the runtime matrix: a frame builder, split strategies and the Autobahn catalogue subset
// (same ids as test/conformance/) with the exact messages and errors a strict decoder shows. Plain ESM,
// no runtime-specific API (runs in Node, Deno, Bun and browsers); used by cases.mjs, and by test/helpers.ts and
// test/conformance/ for their frame builder and splits (types: catalogue.d.mts).

const CONT = 0x0;
export const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

const encoder = new TextEncoder();
const utf8 = (s) => encoder.encode(s);
const bytesOf = (d) => (typeof d === 'string' ? utf8(d) : (d ?? new Uint8Array(0)));

export function hex(s) {
  const clean = s.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** mulberry32, so random splits are the same on every runtime. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const fill = (n, byte) => new Uint8Array(n).fill(byte);
const star = (n) => '*'.repeat(n);
export const repeatText = (pattern, n) => pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n);
export const repeatBytes = (pattern, n) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = pattern[i % pattern.length];
  return out;
};

// ---- frames on the wire ----------------------------------------------------------------------------------------

let keyCounter = 0;
/** A deterministic but varying mask key, never all-zero. */
export function nextKey() {
  keyCounter = (keyCounter + 1) >>> 0;
  const k = Math.imul(keyCounter, 0x9e3779b1) | 0x01010101;
  return new Uint8Array([k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, (k >>> 24) & 0xff]);
}

/** One frame: { opcode, fin = true, rsv = 0 (Autobahn numbering: 1 RSV3, 2 RSV2, 4 RSV1), payload, mask, lengthForm, announce }. */
export function frame(spec, masked) {
  const payload = bytesOf(spec.payload);
  const fin = spec.fin ?? true;
  const key = spec.mask === undefined ? (masked ? nextKey() : null) : spec.mask;
  const length = spec.announce ?? BigInt(payload.length);
  const form = spec.lengthForm ?? (length < 126n ? 7 : length < 65536n ? 16 : 64);
  const head = [(fin ? 0x80 : 0) | (((spec.rsv ?? 0) & 7) << 4) | (spec.opcode & 0x0f)];
  const maskBit = key ? 0x80 : 0;
  if (form === 7) head.push(maskBit | Number(length));
  else if (form === 16) head.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff);
  else {
    head.push(maskBit | 127);
    for (let i = 7; i >= 0; i--) head.push(Number((length >> BigInt(i * 8)) & 0xffn));
  }
  if (key) head.push(...key);
  const body = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i] ^ (key ? key[i & 3] : 0);
  return { bytes: concat([new Uint8Array(head), body]), headerLength: head.length };
}

/** The stream of a case, with each frame's start, payload start and end offsets. */
export function build(specs, masked) {
  const parts = [];
  const start = [];
  const payloadStart = [];
  const end = [];
  let o = 0;
  for (const spec of specs) {
    const f = frame(spec, masked);
    start.push(o);
    payloadStart.push(o + f.headerLength);
    o += f.bytes.length;
    end.push(o);
    parts.push(f.bytes);
  }
  return { bytes: concat(parts), start, payloadStart, end };
}

export function chop(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export function randomSplit(bytes, seed) {
  const next = rng(seed);
  const out = [];
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(next() * Math.min(64, bytes.length - i + 1));
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

export const FEEDS = {
  whole: (b) => [b],
  bytewise: (b) => chop(b, 1),
  chop997: (b) => chop(b, 997),
  'random (seed 1)': (b) => randomSplit(b, 1),
  'random (seed 2)': (b) => randomSplit(b, 0xc0ffee),
};

// ---- expected messages -----------------------------------------------------------------------------------------

export const text = (data) => ({ type: 'text', data });
export const binary = (data) => ({ type: 'binary', data });
export const ping = (data) => ({ type: 'ping', data: bytesOf(data) });
export const pong = (data) => ({ type: 'pong', data: bytesOf(data) });
export const closed = (code, reason = '') =>
  code === undefined ? { type: 'close', reason } : { type: 'close', code, reason };
const closeBody = (code, reason = '') => concat([new Uint8Array([code >> 8, code & 0xff]), bytesOf(reason)]);

const ERR = {
  rsv23: ['WS_ERR_UNEXPECTED_RSV_2_3', 1002],
  rsv1: ['WS_ERR_UNEXPECTED_RSV_1', 1002],
  opcode: ['WS_ERR_INVALID_OPCODE', 1002],
  fin: ['WS_ERR_EXPECTED_FIN', 1002],
  controlLength: ['WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 1002],
  unexpectedContinuation: ['WS_ERR_UNEXPECTED_CONTINUATION', 1002],
  expectedContinuation: ['WS_ERR_EXPECTED_CONTINUATION', 1002],
  utf8: ['WS_ERR_INVALID_UTF8', 1007],
  closeCode: ['WS_ERR_INVALID_CLOSE_CODE', 1002],
  nonMinimal: ['WS_ERR_NON_MINIMAL_LENGTH', 1002],
  msb: ['WS_ERR_INVALID_PAYLOAD_LENGTH', 1002],
  tooLong: ['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009],
  expectedMask: ['WS_ERR_EXPECTED_MASK', 1002],
  unexpectedMask: ['WS_ERR_UNEXPECTED_MASK', 1002],
};
/** The error, and where it must be thrown: while frame `frame`'s header is read, at payload byte `at`, or by its end. */
const fail = (kind, frame, at = 'header') => ({ code: ERR[kind][0], closeCode: ERR[kind][1], frame, at });

// ---- the catalogue (subset of test/conformance/, same ids) ----------------------------------------------

const HELLO = 'Hello, world!';
const NON_UTF8 = hex('00 ff fe fd fc fb 00 ff');
const KOSME_BYTES = hex('ce ba e1 bd b9 cf 83 ce bc ce b5');
export const KOSME = '\u03ba\u1f79\u03c3\u03bc\u03b5';
const UTF8_29 = hex('48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121');
const UTF8_29_TEXT = 'Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!';
const SURROGATE_20 = concat([KOSME_BYTES, hex('ed a0 80'), utf8('edited')]);
const BEYOND_21 = concat([KOSME_BYTES, hex('f4 90 80 80'), utf8('edited')]);
const F = (n) => `fragment${n}`;
const perByte = (bytes) =>
  Array.from(bytes, (_, i) => ({
    opcode: i === 0 ? TEXT : CONT,
    fin: i === bytes.length - 1,
    payload: bytes.subarray(i, i + 1),
  }));
function fragments(opcode, payload, size) {
  const bytes = bytesOf(payload);
  const specs = [];
  for (let i = 0; i < bytes.length; i += size)
    specs.push({
      opcode: i === 0 ? opcode : CONT,
      fin: i + size >= bytes.length,
      payload: bytes.subarray(i, i + size),
    });
  return specs;
}

const TEN_PINGS = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
const pingBetween = [
  { opcode: TEXT, fin: false, payload: F(1) },
  { opcode: PING, payload: 'ping payload' },
  { opcode: CONT, payload: F(2) },
];
/**
 * Autobahn 5.19/5.20: a fragmented text message with two pings between its fragments (also used by
 * test/conformance/).
 */
export const PONGME = [
  { opcode: TEXT, fin: false, payload: F(1) },
  { opcode: CONT, fin: false, payload: F(2) },
  { opcode: PING, payload: 'pongme 1!' },
  { opcode: CONT, fin: false, payload: F(3) },
  { opcode: CONT, fin: false, payload: F(4) },
  { opcode: PING, payload: 'pongme 2!' },
  { opcode: CONT, payload: F(5) },
];
export const X1000 = { opcode: CLOSE, payload: closeBody(1000) };
const rsvThenPing = (rsv) => [
  { opcode: TEXT, payload: HELLO },
  { opcode: TEXT, payload: HELLO, rsv },
  { opcode: PING },
];
const reservedAfterText = (opcode, payload) => [
  { opcode: TEXT, payload: HELLO },
  { opcode, payload },
  { opcode: PING },
];

export function catalogue() {
  const c = (id, frames, messages, error, roles) => ({ id, frames, messages, error, roles });
  const cases = [];
  // Group 1: framing, every length form (RFC 6455 §5.2).
  [0, 125, 126, 127, 128, 65535, 65536].forEach((n, i) => {
    cases.push(c(`1.1.${i + 1}`, [{ opcode: TEXT, payload: star(n) }], [text(star(n))]));
    cases.push(c(`1.2.${i + 1}`, [{ opcode: BINARY, payload: fill(n, 0xfe) }], [binary(fill(n, 0xfe))]));
  });
  // Group 2: pings and pongs (§5.5.2, §5.5.3).
  cases.push(
    c('2.1', [{ opcode: PING }], [ping()]),
    c('2.2', [{ opcode: PING, payload: HELLO }], [ping(HELLO)]),
    c('2.3', [{ opcode: PING, payload: NON_UTF8 }], [ping(NON_UTF8)]),
    c('2.4', [{ opcode: PING, payload: fill(125, 0xfe) }], [ping(fill(125, 0xfe))]),
    c('2.5', [{ opcode: PING, payload: fill(126, 0xfe) }], [], fail('controlLength', 0)),
    c('2.7', [{ opcode: PONG }, X1000], [pong(), closed(1000)]),
    c(
      '2.8',
      [{ opcode: PONG, payload: 'unsolicited pong payload' }, X1000],
      [pong('unsolicited pong payload'), closed(1000)],
    ),
    c(
      '2.9',
      [
        { opcode: PONG, payload: 'unsolicited pong payload' },
        { opcode: PING, payload: 'ping payload' },
      ],
      [pong('unsolicited pong payload'), ping('ping payload')],
    ),
    c(
      '2.10',
      TEN_PINGS.map((p) => ({ opcode: PING, payload: p })),
      TEN_PINGS.map((p) => ping(p)),
    ),
  );
  // Group 3: reserved bits (§5.2).
  cases.push(
    c('3.1', [{ opcode: TEXT, payload: HELLO, rsv: 1 }], [], fail('rsv23', 0)),
    c('3.2', rsvThenPing(2), [text(HELLO)], fail('rsv23', 1)),
    c('3.3', rsvThenPing(3), [text(HELLO)], fail('rsv23', 1)),
    c('3.4', rsvThenPing(4), [text(HELLO)], fail('rsv1', 1)),
    c('3.5', [{ opcode: BINARY, payload: NON_UTF8, rsv: 5 }], [], fail('rsv23', 0)),
    c('3.6', [{ opcode: BINARY, payload: HELLO, rsv: 6 }], [], fail('rsv23', 0)),
    c('3.7', [{ opcode: CLOSE, rsv: 7 }], [], fail('rsv23', 0)),
  );
  // Group 4: reserved opcodes (§5.2).
  for (const [i, op] of [3, 4, 5, 6, 7].entries()) {
    cases.push(
      i < 2
        ? c(`4.1.${i + 1}`, [{ opcode: op, payload: i ? 'reserved opcode payload' : undefined }], [], fail('opcode', 0))
        : c(`4.1.${i + 1}`, reservedAfterText(op, i > 2 ? HELLO : undefined), [text(HELLO)], fail('opcode', 1)),
    );
  }
  for (const [i, op] of [11, 12, 13, 14, 15].entries()) {
    cases.push(
      i < 2
        ? c(`4.2.${i + 1}`, [{ opcode: op, payload: i ? 'reserved opcode payload' : undefined }], [], fail('opcode', 0))
        : c(`4.2.${i + 1}`, reservedAfterText(op, i > 2 ? HELLO : undefined), [text(HELLO)], fail('opcode', 1)),
    );
  }
  // Group 5: fragmentation (§5.4) and control frames between fragments.
  const contFirst = (fin) => [
    { opcode: CONT, fin, payload: 'non-continuation payload' },
    { opcode: TEXT, payload: HELLO },
  ];
  cases.push(
    c(
      '5.1',
      [
        { opcode: PING, fin: false, payload: F(1) },
        { opcode: CONT, payload: F(2) },
      ],
      [],
      fail('fin', 0),
    ),
    c(
      '5.2',
      [
        { opcode: PONG, fin: false, payload: F(1) },
        { opcode: CONT, payload: F(2) },
      ],
      [],
      fail('fin', 0),
    ),
    c(
      '5.3',
      [
        { opcode: TEXT, fin: false, payload: F(1) },
        { opcode: CONT, payload: F(2) },
      ],
      [text(F(1) + F(2))],
    ),
    c('5.6', pingBetween, [ping('ping payload'), text(F(1) + F(2))]),
    c('5.9', contFirst(true), [], fail('unexpectedContinuation', 0)),
    c('5.12', contFirst(false), [], fail('unexpectedContinuation', 0)),
    c(
      '5.15',
      [
        { opcode: TEXT, fin: false, payload: F(1) },
        { opcode: CONT, payload: F(2) },
        { opcode: CONT, fin: false, payload: F(3) },
        { opcode: TEXT, payload: F(4) },
      ],
      [text(F(1) + F(2))],
      fail('unexpectedContinuation', 2),
    ),
    c(
      '5.18',
      [
        { opcode: TEXT, fin: false, payload: F(1) },
        { opcode: TEXT, payload: F(2) },
      ],
      [],
      fail('expectedContinuation', 1),
    ),
    c('5.19', PONGME, [ping('pongme 1!'), ping('pongme 2!'), text(F(1) + F(2) + F(3) + F(4) + F(5))]),
  );
  // Group 6: UTF-8 handling (§5.6, §8.1) — 6.1–6.4 here, 6.5–6.23 from the vectors below.
  cases.push(
    c('6.1.1', [{ opcode: TEXT }], [text('')]),
    c('6.1.2', [{ opcode: TEXT, fin: false }, { opcode: CONT, fin: false }, { opcode: CONT }], [text('')]),
    c(
      '6.1.3',
      [{ opcode: TEXT, fin: false }, { opcode: CONT, fin: false, payload: 'middle frame payload' }, { opcode: CONT }],
      [text('middle frame payload')],
    ),
    c('6.2.1', [{ opcode: TEXT, payload: UTF8_29 }], [text(UTF8_29_TEXT)]),
    c(
      '6.2.2',
      [
        { opcode: TEXT, fin: false, payload: UTF8_29.subarray(0, 15) },
        { opcode: CONT, payload: UTF8_29.subarray(15) },
      ],
      [text(UTF8_29_TEXT)],
    ),
    c('6.2.3', perByte(UTF8_29), [text(UTF8_29_TEXT)]),
    c('6.2.4', perByte(KOSME_BYTES), [text(KOSME)]),
    c('6.3.1', [{ opcode: TEXT, payload: SURROGATE_20 }], [], fail('utf8', 0, 12)),
    c('6.3.2', perByte(SURROGATE_20), [], fail('utf8', 12, 0)),
    c(
      '6.4.1',
      [
        { opcode: TEXT, fin: false, payload: KOSME_BYTES },
        { opcode: CONT, fin: false, payload: hex('f4 90 80 80') },
        { opcode: CONT, payload: 'edited' },
      ],
      [],
      fail('utf8', 1, 1),
    ),
    c(
      '6.4.2',
      [
        { opcode: TEXT, fin: false, payload: BEYOND_21.subarray(0, 12) },
        { opcode: CONT, fin: false, payload: BEYOND_21.subarray(12, 13) },
        { opcode: CONT, payload: BEYOND_21.subarray(13) },
      ],
      [],
      fail('utf8', 1, 0),
    ),
    c('6.4.3', [{ opcode: TEXT, payload: BEYOND_21 }], [], fail('utf8', 0, 12)),
  );
  // Group 7: close handling (§5.5.1, §7.4).
  cases.push(
    c('7.1.1', [{ opcode: TEXT, payload: 'Hello World!' }, X1000], [text('Hello World!'), closed(1000)]),
    c('7.1.2', [X1000, { opcode: CLOSE }], [closed(1000)]),
    c('7.1.3', [X1000, { opcode: PING }], [closed(1000)]),
    c('7.1.4', [X1000, { opcode: TEXT, payload: 'Hello World!' }], [closed(1000)]),
    c('7.1.5', [{ opcode: TEXT, fin: false, payload: F(1) }, X1000, { opcode: CONT, payload: F(2) }], [closed(1000)]),
    c(
      '7.1.6',
      [
        { opcode: TEXT, payload: repeatText('BAsd7&jh23', 65536) },
        { opcode: TEXT, payload: 'Hello World!' },
        X1000,
        { opcode: PING },
      ],
      [text(repeatText('BAsd7&jh23', 65536)), text('Hello World!'), closed(1000)],
    ),
    c('§2.7', [X1000, { opcode: 3, rsv: 7, payload: HELLO }], [closed(1000)]),
    c('7.3.1', [{ opcode: CLOSE }], [closed()]),
    c('7.3.2', [{ opcode: CLOSE, payload: 'a' }], [], fail('controlLength', 0)),
    c('7.3.3', [{ opcode: CLOSE, payload: closeBody(1000) }], [closed(1000)]),
    c('7.3.4', [{ opcode: CLOSE, payload: closeBody(1000, 'Hello World!') }], [closed(1000, 'Hello World!')]),
    c('7.3.5', [{ opcode: CLOSE, payload: closeBody(1000, star(123)) }], [closed(1000, star(123))]),
    c('7.3.6', [{ opcode: CLOSE, payload: closeBody(1000, star(124)) }], [], fail('controlLength', 0)),
    c('7.5.1', [{ opcode: CLOSE, payload: closeBody(1000, SURROGATE_20) }], [], fail('utf8', 0, 'end')),
  );
  [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach(
    (code, i) => void cases.push(c(`7.7.${i + 1}`, [{ opcode: CLOSE, payload: closeBody(code) }], [closed(code)])),
  );
  [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].forEach(
    (code, i) =>
      void cases.push(
        c(`7.9.${i + 1}`, [{ opcode: CLOSE, payload: closeBody(code) }], [], fail('closeCode', 0, 'end')),
      ),
  );
  [5000, 65535].forEach(
    (code, i) =>
      void cases.push(
        c(`7.13.${i + 1}`, [{ opcode: CLOSE, payload: closeBody(code) }], [], fail('closeCode', 0, 'end')),
      ),
  );
  // Group 10: auto-fragmentation.
  cases.push(c('10.1.1', fragments(TEXT, star(65536), 1300), [text(star(65536))]));
  // Rules Autobahn does not test (test/conformance/beyond-autobahn.test.ts has them all).
  const ZERO = new Uint8Array(4);
  cases.push(
    c('§4 16-bit length 3', [{ opcode: TEXT, payload: 'abc', lengthForm: 16 }], [], fail('nonMinimal', 0)),
    c(
      '§4 64-bit length 126',
      [{ opcode: BINARY, payload: fill(126, 0xfe), lengthForm: 64 }],
      [],
      fail('nonMinimal', 0),
    ),
    c('§4 64-bit length 65535', [{ opcode: TEXT, payload: star(65535), lengthForm: 64 }], [], fail('nonMinimal', 0)),
    c('§4 64-bit MSB set', [{ opcode: BINARY, announce: 0x8000000000000000n }], [], fail('msb', 0)),
    c('§4 64-bit 2^53', [{ opcode: BINARY, announce: 2n ** 53n }], [], fail('tooLong', 0)),
    c('§4 unmasked to a server', [{ opcode: TEXT, payload: HELLO, mask: null }], [], fail('expectedMask', 0), [
      'server',
    ]),
    c(
      '§4 masked to a client',
      [
        { opcode: TEXT, payload: HELLO },
        { opcode: PING, payload: 'p', mask: hex('01020304') },
      ],
      [text(HELLO)],
      fail('unexpectedMask', 1),
      ['client'],
    ),
    c(
      '§4 all-zero mask key',
      [
        { opcode: TEXT, payload: HELLO, mask: ZERO },
        { opcode: BINARY, fin: false, payload: NON_UTF8, mask: ZERO },
        { opcode: PING, payload: 'zero', mask: ZERO },
        { opcode: CONT, payload: fill(300, 0xfe) },
        { opcode: CLOSE, payload: closeBody(1001, 'bye'), mask: ZERO },
      ],
      [text(HELLO), ping('zero'), binary(concat([NON_UTF8, fill(300, 0xfe)])), closed(1001, 'bye')],
      undefined,
      ['server'],
    ),
    c('§4 close with FIN clear', [{ opcode: CLOSE, fin: false, payload: closeBody(1000) }], [], fail('fin', 0)),
    c('§4 close code 1015', [{ opcode: CLOSE, payload: closeBody(1015) }], [], fail('closeCode', 0, 'end')),
  );
  return cases;
}

/** 6.5–6.23: each UTF-8 vector as one text frame, and one byte per frame. */
export function utf8Cases(vectors) {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const cases = [];
  for (const v of vectors) {
    const bytes = hex(v.hex);
    const expect = v.valid ? [text(decoder.decode(bytes))] : [];
    const error = v.valid ? undefined : { code: ERR.utf8[0], closeCode: 1007, frame: 0, at: 'payload' };
    cases.push({ id: `${v.case} (one frame)`, frames: [{ opcode: TEXT, payload: bytes }], messages: expect, error });
    if (bytes.length > 1) {
      const perFrame = perByte(bytes);
      cases.push({
        id: `${v.case} (a frame per byte)`,
        frames: perFrame,
        messages: expect,
        error: error && { ...error, frame: 'any' },
      });
    }
  }
  return cases;
}

/** Group 9 up to 1 MiB; feeds in runCases (the full sizes, up to 16 MiB, run in test/conformance/). */
export function bigCases() {
  const KiB = 1024;
  const MiB = 1024 * KiB;
  const cases = [];
  [64 * KiB, MiB].forEach((n, i) => {
    const s = repeatText('BAsd7&jh23', n);
    cases.push({ id: `9.1.${[1, 3][i]}`, frames: [{ opcode: TEXT, payload: s }], messages: [text(s)] });
    const b = repeatBytes(hex('00 fe 23 fa f0'), n);
    cases.push({ id: `9.2.${[1, 3][i]}`, frames: [{ opcode: BINARY, payload: b }], messages: [binary(b)] });
  });
  cases.push(
    {
      id: '9.3.1 (256 KiB in 64-byte fragments)',
      frames: fragments(TEXT, fill(256 * KiB, 0x2a), 64),
      messages: [text(star(256 * KiB))],
    },
    {
      id: '9.4.6 (1 MiB in 64 KiB fragments)',
      frames: fragments(BINARY, fill(MiB, 0xfe), 65536),
      messages: [binary(fill(MiB, 0xfe))],
    },
  );
  [0, 64, 1024].forEach((n) => {
    cases.push({
      id: `9.7.x (1000 × ${n}-byte text)`,
      frames: Array.from({ length: 1000 }, () => ({ opcode: TEXT, payload: star(n) })),
      messages: Array.from({ length: 1000 }, () => text(star(n))),
    });
    cases.push({
      id: `9.8.x (1000 × ${n}-byte binary)`,
      frames: Array.from({ length: 1000 }, () => ({ opcode: BINARY, payload: fill(n, 0xfe) })),
      messages: Array.from({ length: 1000 }, () => binary(fill(n, 0xfe))),
    });
  });
  return cases;
}

/**
 * The Autobahn|Testsuite catalogue (groups 1–5, 6.1–6.4, 7, 9, 10) and the RFC rules Autobahn never exercises
 * (non-minimal lengths, a 64-bit length with its top bit set, masking direction, ...), as byte-vector tests of
 * MessageDecoder. Every case is data: the frames the fuzzer sends plus the exact outcome a strict ("OK")
 * peer shows at decoder level — the messages delivered (an Autobahn "echo" = delivered with the same type and
 * bytes; "pong" = the ping is delivered) and, for "fail" cases, the error `code`/`closeCode`, thrown by the push
 * that carries the offending bytes (fail fast), with nothing after it delivered.
 *
 * Matrix: backend (wasm, js) × role (server ← masked frames, client ← unmasked frames) × feed (whole, bytewise,
 * 997-byte chops, two random splits, one push per frame, and "as sent" for the cases whose Autobahn timing
 * matters). Group 9 (up to 16 MiB) uses cheaper feeds, see there.
 * The 6.5–6.23 UTF-8 vectors live in another file.
 */
import { describe, expect, it } from 'vitest';
import { MessageDecoder, type WebSocketError, type Message, type Role } from '../src/index.js';
import {
  BACKENDS,
  FEEDS,
  chunks,
  concat,
  cutAt,
  decode,
  hex,
  stream,
  summary,
  utf8,
  type BackendName,
  type FrameSpec,
} from './helpers.js';
import { PONGME, build, chop, type Built } from './runtimes/catalogue.mjs';

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

const CONT = 0x0;
const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

const bytesOf = (d: Uint8Array | string): Uint8Array => (typeof d === 'string' ? utf8(d) : d);
const text = (data: string): Message => ({ type: 'text', data });
const binary = (data: Uint8Array): Message => ({ type: 'binary', data });
const ping = (data: Uint8Array | string = new Uint8Array(0)): Message => ({ type: 'ping', data: bytesOf(data) });
const pong = (data: Uint8Array | string = new Uint8Array(0)): Message => ({ type: 'pong', data: bytesOf(data) });
const closed = (code?: number, reason = ''): Message =>
  code === undefined ? { type: 'close', reason } : { type: 'close', code, reason };

const fill = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
const star = (n: number): string => '*'.repeat(n);
/** Autobahn's `payload_len=N` with a short pattern: repeated and truncated to exactly N bytes (§1.2). */
const repeatBytes = (pattern: Uint8Array, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  out.set(pattern.subarray(0, Math.min(pattern.length, n)));
  for (let have = pattern.length; have < n; have *= 2) out.copyWithin(have, 0, Math.min(have, n - have));
  return out;
};
const repeatText = (pattern: string, n: number): string => pattern.repeat(Math.ceil(n / pattern.length)).slice(0, n);
const TEXT_PATTERN = 'BAsd7&jh23';
const BINARY_PATTERN = hex('00 fe 23 fa f0');

/** Close frame body: 2-byte big-endian code + reason bytes (RFC 6455 §5.5.1). */
const closeBody = (code: number, reason: Uint8Array | string = ''): Uint8Array =>
  concat([new Uint8Array([code >> 8, code & 0xff]), bytesOf(reason)]);

/** Split a payload into a fragmented message of frames of `size` bytes (Autobahn `fragmentSize`, §1.2). */
function fragments(opcode: number, payload: Uint8Array | string, size: number): FrameSpec[] {
  const bytes = bytesOf(payload);
  if (bytes.length <= size) return [{ opcode, payload: bytes }];
  const specs: FrameSpec[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    specs.push({
      opcode: i === 0 ? opcode : CONT,
      fin: i + size >= bytes.length,
      payload: bytes.subarray(i, i + size),
    });
  }
  return specs;
}

const HELLO = 'Hello, world!';
const NON_UTF8 = hex('00 ff fe fd fc fb 00 ff');
const KOSME_BYTES = hex('ce ba e1 bd b9 cf 83 ce bc ce b5');
const KOSME = '\u03ba\u1f79\u03c3\u03bc\u03b5';
const UTF8_29 = hex('48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121');
const UTF8_29_TEXT = 'Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!';
/** 6.3: kosme + U+D800 (lone surrogate, invalid at the a0, payload byte 12) + "edited". */
const SURROGATE_20 = concat([KOSME_BYTES, hex('ed a0 80'), utf8('edited')]);
/** 6.4: PART1 kosme, PART2 f4 90 80 80 (U+110000, invalid at the 90, payload byte 12), PART3 "edited". */
const PART1 = KOSME_BYTES;
const PART2 = hex('f4 90 80 80');
const PART3 = utf8('edited');
const BEYOND_21 = concat([PART1, PART2, PART3]);

// ---------------------------------------------------------------------------------------------------------------
// Case model
// ---------------------------------------------------------------------------------------------------------------

/**
 * Where the error must be thrown, relative to frame `frame` of the case: `'header'` = while its header is being
 * read (before any payload byte is needed), a number = exactly at that payload byte (fail-fast UTF-8), `'end'` =
 * somewhere in its payload (close frames are checked once complete).
 */
interface ExpectedError {
  code: string;
  closeCode: number;
  frame: number;
  at: 'header' | 'end' | number;
}

interface Case {
  id: string;
  title: string;
  frames: FrameSpec[];
  /** Everything the decoder must deliver, in order (before the error, if any). */
  messages: Message[];
  error?: ExpectedError;
  /** Roles the case applies to (default both). */
  roles?: readonly Role[];
  /**
   * How Autobahn writes the case when timing matters (the "as sent" feed): groups of whole frames per write
   * (pauses between writes), or one frame's header followed by its payload in chops. `failPush`: index of the
   * push that must throw.
   */
  sent?: { frames: number[]; failPush?: number } | { payloadChops: number[]; failPush?: number };
  /** Feeds left out because another case already runs the very same bytes that way (runtime budget). */
  skip?: readonly FeedName[];
}

const ERR = {
  rsv23: { code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002 },
  rsv1: { code: 'WS_ERR_UNEXPECTED_RSV_1', closeCode: 1002 },
  opcode: { code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002 },
  fin: { code: 'WS_ERR_EXPECTED_FIN', closeCode: 1002 },
  controlLength: { code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', closeCode: 1002 },
  unexpectedContinuation: { code: 'WS_ERR_UNEXPECTED_CONTINUATION', closeCode: 1002 },
  expectedContinuation: { code: 'WS_ERR_EXPECTED_CONTINUATION', closeCode: 1002 },
  utf8: { code: 'WS_ERR_INVALID_UTF8', closeCode: 1007 },
  closeCode: { code: 'WS_ERR_INVALID_CLOSE_CODE', closeCode: 1002 },
  nonMinimal: { code: 'WS_ERR_NON_MINIMAL_LENGTH', closeCode: 1002 },
  msb: { code: 'WS_ERR_INVALID_PAYLOAD_LENGTH', closeCode: 1002 },
  tooLong: { code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', closeCode: 1009 },
  expectedMask: { code: 'WS_ERR_EXPECTED_MASK', closeCode: 1002 },
  unexpectedMask: { code: 'WS_ERR_UNEXPECTED_MASK', closeCode: 1002 },
} as const;

const fail = (kind: keyof typeof ERR, frame: number, at: ExpectedError['at'] = 'header'): ExpectedError => ({
  ...ERR[kind],
  frame,
  at,
});

// ---------------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------------

const group1: Case[] = [
  ...(
    [
      ['1.1.1', 0, 'an empty text frame'],
      ['1.1.2', 125, 'a 125-byte text frame (largest 7-bit length)'],
      ['1.1.3', 126, 'a 126-byte text frame (smallest 16-bit length)'],
      ['1.1.4', 127, 'a 127-byte text frame (16-bit length)'],
      ['1.1.5', 128, 'a 128-byte text frame (16-bit length)'],
      ['1.1.6', 65535, 'a 65535-byte text frame (largest 16-bit length)'],
      ['1.1.7', 65536, 'a 65536-byte text frame (smallest 64-bit length)'],
      ['1.1.8', 65536, 'a 65536-byte text frame sent in 997-byte TCP chops'],
    ] as const
  ).map(
    ([id, n, what]): Case => ({
      id,
      title: `echoes ${what} (RFC 6455 §5.2)`,
      frames: [{ opcode: TEXT, payload: star(n) }],
      messages: [text(star(n))],
      skip: id === '1.1.8' ? ['bytewise'] : undefined, // same bytes as 1.1.7, which runs bytewise
    }),
  ),
  ...(
    [
      ['1.2.1', 0, 'an empty binary frame'],
      ['1.2.2', 125, 'a 125-byte binary frame (largest 7-bit length)'],
      ['1.2.3', 126, 'a 126-byte binary frame (smallest 16-bit length)'],
      ['1.2.4', 127, 'a 127-byte binary frame (16-bit length)'],
      ['1.2.5', 128, 'a 128-byte binary frame (16-bit length)'],
      ['1.2.6', 65535, 'a 65535-byte binary frame (largest 16-bit length)'],
      ['1.2.7', 65536, 'a 65536-byte binary frame (smallest 64-bit length)'],
      ['1.2.8', 65536, 'a 65536-byte binary frame sent in 997-byte TCP chops'],
    ] as const
  ).map(
    ([id, n, what]): Case => ({
      id,
      title: `echoes ${what} (RFC 6455 §5.2)`,
      frames: [{ opcode: BINARY, payload: fill(n, 0xfe) }],
      messages: [binary(fill(n, 0xfe))],
      skip: id === '1.2.8' ? ['bytewise'] : undefined, // same bytes as 1.2.7, which runs bytewise
    }),
  ),
];

const TEN_PINGS = Array.from({ length: 10 }, (_, i) => `payload-${i}`);
const group2: Case[] = [
  {
    id: '2.1',
    title: 'delivers a ping with an empty payload (RFC 6455 §5.5.2)',
    frames: [{ opcode: PING }],
    messages: [ping()],
  },
  {
    id: '2.2',
    title: 'delivers a ping with a 13-byte text payload (RFC 6455 §5.5.2)',
    frames: [{ opcode: PING, payload: HELLO }],
    messages: [ping(HELLO)],
  },
  {
    id: '2.3',
    title: 'delivers a ping with a non-UTF-8 binary payload unchanged (control payloads are not UTF-8-checked)',
    frames: [{ opcode: PING, payload: NON_UTF8 }],
    messages: [ping(NON_UTF8)],
  },
  {
    id: '2.4',
    title: 'delivers a ping with a 125-byte payload (largest control payload, RFC 6455 §5.5)',
    frames: [{ opcode: PING, payload: fill(125, 0xfe) }],
    messages: [ping(fill(125, 0xfe))],
  },
  {
    id: '2.5',
    title: 'fails 1002 on a ping with a 126-byte payload, no ping delivered (RFC 6455 §5.5)',
    frames: [{ opcode: PING, payload: fill(126, 0xfe) }],
    messages: [],
    error: fail('controlLength', 0),
  },
  {
    id: '2.6',
    title: 'delivers a 125-byte ping sent in 1-byte chops (RFC 6455 §5.5.2)',
    frames: [{ opcode: PING, payload: fill(125, 0xfe) }],
    messages: [ping(fill(125, 0xfe))],
  },
  {
    id: '2.7',
    title: 'delivers an unsolicited empty pong, then the close (RFC 6455 §5.5.3)',
    frames: [{ opcode: PONG }, { opcode: CLOSE, payload: closeBody(1000) }],
    messages: [pong(), closed(1000)],
  },
  {
    id: '2.8',
    title: 'delivers an unsolicited pong with payload, then the close (RFC 6455 §5.5.3)',
    frames: [
      { opcode: PONG, payload: 'unsolicited pong payload' },
      { opcode: CLOSE, payload: closeBody(1000) },
    ],
    messages: [pong('unsolicited pong payload'), closed(1000)],
  },
  {
    id: '2.9',
    title: 'delivers an unsolicited pong and then the ping that follows it (RFC 6455 §5.5.2–§5.5.3)',
    frames: [
      { opcode: PONG, payload: 'unsolicited pong payload' },
      { opcode: PING, payload: 'ping payload' },
    ],
    messages: [pong('unsolicited pong payload'), ping('ping payload')],
  },
  {
    id: '2.10',
    title: 'delivers 10 back-to-back pings as 10 ping messages in order (RFC 6455 §5.5.2)',
    frames: TEN_PINGS.map((p) => ({ opcode: PING, payload: p })),
    messages: TEN_PINGS.map((p) => ping(p)),
  },
  {
    id: '2.11',
    title: 'delivers 10 pings sent in 1-byte chops as 10 ping messages in order (RFC 6455 §5.5.2)',
    frames: TEN_PINGS.map((p) => ({ opcode: PING, payload: p })),
    messages: TEN_PINGS.map((p) => ping(p)),
  },
];

const rsvThenPing = (rsv: number): FrameSpec[] => [
  { opcode: TEXT, payload: HELLO },
  { opcode: TEXT, payload: HELLO, rsv },
  { opcode: PING },
];
const group3: Case[] = [
  {
    id: '3.1',
    title: 'fails 1002 on RSV3 set, nothing delivered (RFC 6455 §5.2)',
    frames: [{ opcode: TEXT, payload: HELLO, rsv: 1 }],
    messages: [],
    error: fail('rsv23', 0),
  },
  {
    id: '3.2',
    title: 'delivers the valid text, then fails 1002 on RSV2 set, no ping (RFC 6455 §5.2)',
    frames: rsvThenPing(2),
    messages: [text(HELLO)],
    error: fail('rsv23', 1),
  },
  {
    id: '3.3',
    title: 'delivers the valid text, then fails 1002 on RSV2+RSV3 set, no ping (frame-wise writes, RFC 6455 §5.2)',
    frames: rsvThenPing(3),
    messages: [text(HELLO)],
    error: fail('rsv23', 1),
  },
  {
    id: '3.4',
    title:
      'delivers the valid text, then fails 1002 on RSV1 set without an extension, no ping (octet-wise, RFC 6455 §5.2)',
    frames: rsvThenPing(4),
    messages: [text(HELLO)],
    error: fail('rsv1', 1),
  },
  {
    id: '3.5',
    title: 'fails 1002 on RSV1+RSV3 set on a binary frame (RFC 6455 §5.2)',
    frames: [{ opcode: BINARY, payload: NON_UTF8, rsv: 5 }],
    messages: [],
    error: fail('rsv23', 0),
  },
  {
    id: '3.6',
    title: 'fails 1002 on RSV1+RSV2 set on a binary frame (RFC 6455 §5.2)',
    frames: [{ opcode: BINARY, payload: HELLO, rsv: 6 }],
    messages: [],
    error: fail('rsv23', 0),
  },
  {
    id: '3.7',
    title: 'fails 1002 on all RSV bits set on an empty close frame (RFC 6455 §5.2)',
    frames: [{ opcode: CLOSE, rsv: 7 }],
    messages: [],
    error: fail('rsv23', 0),
  },
];

const reservedSingle = (id: string, opcode: number, payload?: string): Case => ({
  id,
  title: `fails 1002 on reserved opcode ${opcode}${payload ? ' with payload' : ''} (RFC 6455 §5.2)`,
  frames: [{ opcode, payload }],
  messages: [],
  error: fail('opcode', 0),
});
const reservedAfterText = (id: string, opcode: number, payload: string | undefined, how = ''): Case => ({
  id,
  title: `delivers the valid text, then fails 1002 on reserved opcode ${opcode}, no ping${how} (RFC 6455 §5.2)`,
  frames: [{ opcode: TEXT, payload: HELLO }, { opcode, payload }, { opcode: PING }],
  messages: [text(HELLO)],
  error: fail('opcode', 1),
});
const group4: Case[] = [
  reservedSingle('4.1.1', 3),
  reservedSingle('4.1.2', 4, 'reserved opcode payload'),
  reservedAfterText('4.1.3', 5, undefined),
  reservedAfterText('4.1.4', 6, HELLO),
  reservedAfterText('4.1.5', 7, HELLO, ' (octet-wise)'),
  reservedSingle('4.2.1', 11),
  reservedSingle('4.2.2', 12, 'reserved opcode payload'),
  reservedAfterText('4.2.3', 13, undefined),
  reservedAfterText('4.2.4', 14, HELLO),
  reservedAfterText('4.2.5', 15, HELLO, ' (octet-wise)'),
];

const F = (n: number): string => `fragment${n}`;
const twoFragments: FrameSpec[] = [
  { opcode: TEXT, fin: false, payload: F(1) },
  { opcode: CONT, payload: F(2) },
];
const pingBetween: FrameSpec[] = [
  { opcode: TEXT, fin: false, payload: F(1) },
  { opcode: PING, payload: 'ping payload' },
  { opcode: CONT, payload: F(2) },
];
const contFirst = (fin: boolean): FrameSpec[] => [
  { opcode: CONT, fin, payload: 'non-continuation payload' },
  { opcode: TEXT, payload: HELLO },
];
const twiceContTextCont = (fin: boolean): FrameSpec[] => {
  const once: FrameSpec[] = [
    { opcode: CONT, fin, payload: F(1) },
    { opcode: TEXT, fin: false, payload: F(2) },
    { opcode: CONT, payload: F(3) },
  ];
  return [...once, ...once];
};
const PONGME_MESSAGES = [ping('pongme 1!'), ping('pongme 2!'), text(F(1) + F(2) + F(3) + F(4) + F(5))];

const group5: Case[] = [
  {
    id: '5.1',
    title: 'fails 1002 on a fragmented ping (control frames must have FIN, RFC 6455 §5.5)',
    frames: [
      { opcode: PING, fin: false, payload: F(1) },
      { opcode: CONT, payload: F(2) },
    ],
    messages: [],
    error: fail('fin', 0),
  },
  {
    id: '5.2',
    title: 'fails 1002 on a fragmented pong (control frames must have FIN, RFC 6455 §5.5)',
    frames: [
      { opcode: PONG, fin: false, payload: F(1) },
      { opcode: CONT, payload: F(2) },
    ],
    messages: [],
    error: fail('fin', 0),
  },
  {
    id: '5.3',
    title: 'reassembles a text message of two fragments (RFC 6455 §5.4)',
    frames: twoFragments,
    messages: [text(F(1) + F(2))],
  },
  {
    id: '5.4',
    title: 'reassembles a text message of two fragments written frame-wise (RFC 6455 §5.4)',
    frames: twoFragments,
    messages: [text(F(1) + F(2))],
  },
  {
    id: '5.5',
    title: 'reassembles a text message of two fragments written octet-wise (RFC 6455 §5.4)',
    frames: twoFragments,
    messages: [text(F(1) + F(2))],
  },
  {
    id: '5.6',
    title: 'delivers a ping between two fragments before the message (RFC 6455 §5.4)',
    frames: pingBetween,
    messages: [ping('ping payload'), text(F(1) + F(2))],
  },
  {
    id: '5.7',
    title: 'delivers a ping between two fragments before the message, frame-wise (RFC 6455 §5.4)',
    frames: pingBetween,
    messages: [ping('ping payload'), text(F(1) + F(2))],
  },
  {
    id: '5.8',
    title: 'delivers a ping between two fragments before the message, octet-wise (RFC 6455 §5.4)',
    frames: pingBetween,
    messages: [ping('ping payload'), text(F(1) + F(2))],
  },
  ...(['5.9', '5.10', '5.11'] as const).map(
    (id, i): Case => ({
      id,
      title: `fails 1002 on a final continuation frame with no message open, nothing delivered${['', ' (frame-wise)', ' (octet-wise)'][i]} (RFC 6455 §5.4)`,
      frames: contFirst(true),
      messages: [],
      error: fail('unexpectedContinuation', 0),
    }),
  ),
  ...(['5.12', '5.13', '5.14'] as const).map(
    (id, i): Case => ({
      id,
      title: `fails 1002 on a non-final continuation frame with no message open, nothing delivered${['', ' (frame-wise)', ' (octet-wise)'][i]} (RFC 6455 §5.4)`,
      frames: contFirst(false),
      messages: [],
      error: fail('unexpectedContinuation', 0),
    }),
  ),
  {
    id: '5.15',
    title: 'delivers the complete message, then fails 1002 on a continuation with no message open (RFC 6455 §5.4)',
    frames: [...twoFragments, { opcode: CONT, fin: false, payload: F(3) }, { opcode: TEXT, payload: F(4) }],
    messages: [text(F(1) + F(2))],
    error: fail('unexpectedContinuation', 2),
  },
  {
    id: '5.16',
    title: 'fails 1002 at the very first frame: a non-final continuation with no message open (RFC 6455 §5.4)',
    frames: twiceContTextCont(false),
    messages: [],
    error: fail('unexpectedContinuation', 0),
  },
  {
    id: '5.17',
    title: 'fails 1002 at the very first frame: a final continuation with no message open (RFC 6455 §5.4)',
    frames: twiceContTextCont(true),
    messages: [],
    error: fail('unexpectedContinuation', 0),
  },
  {
    id: '5.18',
    title: 'fails 1002 on a new text frame while a fragmented message is open (RFC 6455 §5.4)',
    frames: [
      { opcode: TEXT, fin: false, payload: F(1) },
      { opcode: TEXT, payload: F(2) },
    ],
    messages: [],
    error: fail('expectedContinuation', 1),
  },
  {
    id: '5.19',
    title: 'delivers both pings in order before the 5-fragment message, first one before the pause (RFC 6455 §5.4)',
    frames: PONGME,
    messages: PONGME_MESSAGES,
    sent: { frames: [3, 4] },
  },
  {
    id: '5.20',
    title: 'delivers both pings in order before the 5-fragment message, frame-wise (RFC 6455 §5.4)',
    frames: PONGME,
    messages: PONGME_MESSAGES,
    sent: { frames: [1, 1, 1, 1, 1, 1, 1] },
  },
];

/** One byte per frame: T FIN0, C FIN0 …, C FIN1 (6.2.3, 6.2.4, 6.3.2). */
const perByte = (bytes: Uint8Array): FrameSpec[] =>
  Array.from(
    bytes,
    (_, i): FrameSpec => ({
      opcode: i === 0 ? TEXT : CONT,
      fin: i === bytes.length - 1,
      payload: bytes.subarray(i, i + 1),
    }),
  );

const group6: Case[] = [
  {
    id: '6.1.1',
    title: 'delivers an empty text message (RFC 6455 §5.6)',
    frames: [{ opcode: TEXT }],
    messages: [text('')],
  },
  {
    id: '6.1.2',
    title: 'delivers one empty text message from three empty fragments (RFC 6455 §5.4)',
    frames: [{ opcode: TEXT, fin: false }, { opcode: CONT, fin: false }, { opcode: CONT }],
    messages: [text('')],
  },
  {
    id: '6.1.3',
    title: 'delivers the middle payload of empty first and last fragments (RFC 6455 §5.4)',
    frames: [
      { opcode: TEXT, fin: false },
      { opcode: CONT, fin: false, payload: 'middle frame payload' },
      { opcode: CONT },
    ],
    messages: [text('middle frame payload')],
  },
  {
    id: '6.2.1',
    title: 'delivers valid multi-byte UTF-8 text in one frame (RFC 6455 §5.6, RFC 3629)',
    frames: [{ opcode: TEXT, payload: UTF8_29 }],
    messages: [text(UTF8_29_TEXT)],
  },
  {
    id: '6.2.2',
    title: 'delivers valid UTF-8 text fragmented on a code-point boundary (RFC 6455 §5.6)',
    frames: [
      { opcode: TEXT, fin: false, payload: UTF8_29.subarray(0, 15) },
      { opcode: CONT, payload: UTF8_29.subarray(15) },
    ],
    messages: [text(UTF8_29_TEXT)],
  },
  {
    id: '6.2.3',
    title: 'delivers valid UTF-8 text sent one byte per frame, code points split across frames (RFC 6455 §5.6)',
    frames: perByte(UTF8_29),
    messages: [text(UTF8_29_TEXT)],
  },
  {
    id: '6.2.4',
    title: 'delivers Greek "kosme" sent one byte per frame (RFC 6455 §5.6)',
    frames: perByte(KOSME_BYTES),
    messages: [text(KOSME)],
  },
  {
    id: '6.3.1',
    title: 'fails 1007 on a lone surrogate in one text frame, at the invalid byte (RFC 6455 §8.1)',
    frames: [{ opcode: TEXT, payload: SURROGATE_20 }],
    messages: [],
    error: fail('utf8', 0, 12),
  },
  {
    id: '6.3.2',
    title: 'fails 1007 on a lone surrogate sent one byte per frame, at the invalid frame (RFC 6455 §8.1)',
    frames: perByte(SURROGATE_20),
    messages: [],
    error: fail('utf8', 12, 0),
  },
  {
    id: '6.4.1',
    title: 'fails 1007 fast: on the 2nd fragment, before the 3rd arrives (RFC 6455 §8.1)',
    frames: [
      { opcode: TEXT, fin: false, payload: PART1 },
      { opcode: CONT, fin: false, payload: PART2 },
      { opcode: CONT, payload: PART3 },
    ],
    messages: [],
    error: fail('utf8', 1, 1),
    sent: { frames: [1, 1, 1], failPush: 1 },
  },
  {
    id: '6.4.2',
    title: 'fails 1007 fast: on the 1-byte 2nd fragment holding the invalid byte (RFC 6455 §8.1)',
    frames: [
      { opcode: TEXT, fin: false, payload: BEYOND_21.subarray(0, 12) },
      { opcode: CONT, fin: false, payload: BEYOND_21.subarray(12, 13) },
      { opcode: CONT, payload: BEYOND_21.subarray(13) },
    ],
    messages: [],
    error: fail('utf8', 1, 0),
    sent: { frames: [1, 1, 1], failPush: 1 },
  },
  {
    id: '6.4.3',
    title:
      'fails 1007 fast inside one frame: on the 2nd payload chop (11/4/6), before the frame completes (RFC 6455 §8.1)',
    frames: [{ opcode: TEXT, payload: BEYOND_21 }],
    messages: [],
    error: fail('utf8', 0, 12),
    sent: { payloadChops: [11, 4, 6], failPush: 2 },
  },
  {
    id: '6.4.4',
    title: 'fails 1007 fast inside one frame: on the 1-byte 2nd payload chop (12/1/8) (RFC 6455 §8.1)',
    frames: [{ opcode: TEXT, payload: BEYOND_21 }],
    messages: [],
    error: fail('utf8', 0, 12),
    sent: { payloadChops: [12, 1, 8], failPush: 2 },
  },
];

const X1000: FrameSpec = { opcode: CLOSE, payload: closeBody(1000) };
const closeWith = (payload: Uint8Array): FrameSpec[] => [{ opcode: CLOSE, payload }];
const VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999];

const group7: Case[] = [
  {
    id: '7.1.1',
    title: 'delivers the text, then the close 1000 (RFC 6455 §5.5.1)',
    frames: [{ opcode: TEXT, payload: 'Hello World!' }, X1000],
    messages: [text('Hello World!'), closed(1000)],
  },
  {
    id: '7.1.2',
    title: 'delivers the first close and ignores a second close (RFC 6455 §5.5.1)',
    frames: [X1000, { opcode: CLOSE }],
    messages: [closed(1000)],
  },
  {
    id: '7.1.3',
    title: 'delivers the close and ignores a ping after it, no pong (RFC 6455 §5.5.1)',
    frames: [X1000, { opcode: PING }],
    messages: [closed(1000)],
  },
  {
    id: '7.1.4',
    title: 'delivers the close and ignores a text frame after it (RFC 6455 §5.5.1)',
    frames: [X1000, { opcode: TEXT, payload: 'Hello World!' }],
    messages: [closed(1000)],
  },
  {
    id: '7.1.5',
    title: 'delivers the close arriving mid-message and not the unfinished message (RFC 6455 §5.5.1)',
    frames: [{ opcode: TEXT, fin: false, payload: F(1) }, X1000, { opcode: CONT, payload: F(2) }],
    messages: [closed(1000)],
  },
  {
    id: '7.1.6',
    title: 'delivers a 256 KiB text and a short text before the close, ignores the ping after it (informational)',
    frames: [
      { opcode: TEXT, payload: repeatText(TEXT_PATTERN, 262144) },
      { opcode: TEXT, payload: 'Hello World!' },
      X1000,
      { opcode: PING },
    ],
    messages: [text(repeatText(TEXT_PATTERN, 262144)), text('Hello World!'), closed(1000)],
    // 262k one-byte pushes add nothing over 1.1.7 (64 KiB text bytewise) and 9.1.2 (this frame in 64-byte chops
    // and random splits), and cost ~4 s of the budget.
    skip: ['bytewise'],
  },
  {
    id: '§2.7',
    title: 'ignores bytes after the close even when they would be invalid (reserved opcode) (RFC 6455 §5.5.1)',
    frames: [X1000, { opcode: 3, rsv: 7, payload: HELLO }],
    messages: [closed(1000)],
  },
  {
    id: '7.3.1',
    title: 'delivers an empty close frame as a close without code (RFC 6455 §5.5.1)',
    frames: closeWith(new Uint8Array(0)),
    messages: [closed()],
  },
  {
    id: '7.3.2',
    title: 'fails 1002 on a 1-byte close payload (RFC 6455 §5.5.1)',
    frames: closeWith(utf8('a')),
    messages: [],
    error: fail('controlLength', 0),
  },
  {
    id: '7.3.3',
    title: 'delivers a close with code 1000 and no reason (RFC 6455 §5.5.1)',
    frames: closeWith(closeBody(1000)),
    messages: [closed(1000)],
  },
  {
    id: '7.3.4',
    title: 'delivers a close with code 1000 and a reason (RFC 6455 §5.5.1)',
    frames: closeWith(closeBody(1000, 'Hello World!')),
    messages: [closed(1000, 'Hello World!')],
  },
  {
    id: '7.3.5',
    title: 'delivers a close with a 125-byte payload (code + 123-byte reason) (RFC 6455 §5.5)',
    frames: closeWith(closeBody(1000, star(123))),
    messages: [closed(1000, star(123))],
  },
  {
    id: '7.3.6',
    title: 'fails 1002 on a close with a 126-byte payload (RFC 6455 §5.5)',
    frames: closeWith(closeBody(1000, star(124))),
    messages: [],
    error: fail('controlLength', 0),
  },
  {
    id: '7.5.1',
    title: 'fails 1007 on a close reason that is not valid UTF-8 (RFC 6455 §5.5.1, §8.1)',
    frames: closeWith(closeBody(1000, SURROGATE_20)),
    messages: [],
    error: fail('utf8', 0, 'end'),
  },
  ...VALID_CODES.map(
    (code, i): Case => ({
      id: `7.7.${i + 1}`,
      title: `delivers a close with valid code ${code} (RFC 6455 §7.4)`,
      frames: closeWith(closeBody(code)),
      messages: [closed(code)],
    }),
  ),
  ...INVALID_CODES.map(
    (code, i): Case => ({
      id: `7.9.${i + 1}`,
      title: `fails 1002 on a close with invalid code ${code} (RFC 6455 §7.4)`,
      frames: closeWith(closeBody(code)),
      messages: [],
      error: fail('closeCode', 0, 'end'),
    }),
  ),
  ...[5000, 65535].map(
    (code, i): Case => ({
      id: `7.13.${i + 1}`,
      title: `fails 1002 on a close with undefined code ${code} (informational; rule of §2.7)`,
      frames: closeWith(closeBody(code)),
      messages: [],
      error: fail('closeCode', 0, 'end'),
    }),
  ),
];

const group10: Case[] = [
  {
    id: '10.1.1',
    title: 'reassembles a 65536-byte text message auto-fragmented into 51 frames of 1300 bytes (RFC 6455 §5.4)',
    frames: fragments(TEXT, star(65536), 1300),
    messages: [text(star(65536))],
  },
];

const ZERO_KEY = new Uint8Array(4);
const gaps: Case[] = [
  {
    id: '§4',
    title: 'fails 1002 on a 16-bit length carrying 3 (non-minimal, RFC 6455 §5.2)',
    frames: [{ opcode: TEXT, payload: 'abc', lengthForm: 16 }],
    messages: [],
    error: fail('nonMinimal', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 16-bit length carrying 125 after a valid message (non-minimal, RFC 6455 §5.2)',
    frames: [
      { opcode: BINARY, payload: NON_UTF8 },
      { opcode: BINARY, payload: fill(125, 0xfe), lengthForm: 16 },
    ],
    messages: [binary(NON_UTF8)],
    error: fail('nonMinimal', 1),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 16-bit length carrying 0 (non-minimal, RFC 6455 §5.2)',
    frames: [{ opcode: BINARY, lengthForm: 16 }],
    messages: [],
    error: fail('nonMinimal', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 64-bit length carrying 126 (non-minimal, RFC 6455 §5.2)',
    frames: [{ opcode: BINARY, payload: fill(126, 0xfe), lengthForm: 64 }],
    messages: [],
    error: fail('nonMinimal', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 64-bit length carrying 65535 (non-minimal, RFC 6455 §5.2)',
    frames: [{ opcode: TEXT, payload: star(65535), lengthForm: 64 }],
    messages: [],
    error: fail('nonMinimal', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a non-minimal 64-bit length on a continuation frame (RFC 6455 §5.2)',
    frames: [
      { opcode: TEXT, fin: false, payload: F(1) },
      { opcode: CONT, payload: F(2), lengthForm: 64 },
    ],
    messages: [],
    error: fail('nonMinimal', 1),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 64-bit length with the most significant bit set (RFC 6455 §5.2)',
    frames: [{ opcode: BINARY, announce: 0x8000000000000000n }],
    messages: [],
    error: fail('msb', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a 64-bit length of 2^64-1 (most significant bit set, RFC 6455 §5.2)',
    frames: [{ opcode: TEXT, announce: 0xffffffffffffffffn }],
    messages: [],
    error: fail('msb', 0),
  },
  {
    id: '§4',
    title: 'fails 1009 on a 64-bit length of 2^53 (above Number.MAX_SAFE_INTEGER)',
    frames: [{ opcode: BINARY, announce: 2n ** 53n }],
    messages: [],
    error: fail('tooLong', 0),
  },
  {
    id: '§4',
    title: 'fails 1009 on a 64-bit length of 2^63-1 (above Number.MAX_SAFE_INTEGER)',
    frames: [{ opcode: TEXT, announce: 2n ** 63n - 1n }],
    messages: [],
    error: fail('tooLong', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 when a server receives an unmasked frame (RFC 6455 §5.1)',
    roles: ['server'],
    frames: [{ opcode: TEXT, payload: HELLO, mask: null }],
    messages: [],
    error: fail('expectedMask', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 when a server receives an unmasked continuation after masked frames (RFC 6455 §5.1)',
    roles: ['server'],
    frames: [
      { opcode: PING, payload: 'p' },
      { opcode: TEXT, fin: false, payload: F(1) },
      { opcode: CONT, payload: F(2), mask: null },
    ],
    messages: [ping('p')],
    error: fail('expectedMask', 2),
  },
  {
    id: '§4',
    title: 'fails 1002 when a client receives a masked frame (RFC 6455 §5.1)',
    roles: ['client'],
    frames: [{ opcode: TEXT, payload: HELLO, mask: hex('37 fa 21 3d') }],
    messages: [],
    error: fail('unexpectedMask', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 when a client receives a masked ping after a valid text (RFC 6455 §5.1)',
    roles: ['client'],
    frames: [
      { opcode: TEXT, payload: HELLO },
      { opcode: PING, payload: 'p', mask: hex('01 02 03 04') },
    ],
    messages: [text(HELLO)],
    error: fail('unexpectedMask', 1),
  },
  {
    id: '§4',
    title: 'decodes frames masked with an all-zero key (RFC 6455 §5.3)',
    roles: ['server'],
    frames: [
      { opcode: TEXT, payload: HELLO, mask: ZERO_KEY },
      { opcode: BINARY, fin: false, payload: NON_UTF8, mask: ZERO_KEY },
      { opcode: PING, payload: 'zero', mask: ZERO_KEY },
      { opcode: CONT, payload: fill(300, 0xfe) },
      { opcode: CLOSE, payload: closeBody(1001, 'bye'), mask: ZERO_KEY },
    ],
    messages: [text(HELLO), ping('zero'), binary(concat([NON_UTF8, fill(300, 0xfe)])), closed(1001, 'bye')],
  },
  {
    id: '§4',
    title: 'fails 1002 on a close frame with FIN clear (RFC 6455 §5.5)',
    frames: [{ opcode: CLOSE, fin: false, payload: closeBody(1000) }],
    messages: [],
    error: fail('fin', 0),
  },
  {
    id: '§4',
    title: 'fails 1002 on a pong with a 126-byte payload (RFC 6455 §5.5)',
    frames: [{ opcode: PONG, payload: fill(126, 0xfe) }],
    messages: [],
    error: fail('controlLength', 0),
  },
  ...[1012, 1013, 1014].map(
    (code): Case => ({
      id: '§4',
      title: `delivers a close with IANA-registered code ${code} (RFC 6455 §7.4.2)`,
      frames: closeWith(closeBody(code, 'r')),
      messages: [closed(code, 'r')],
    }),
  ),
  {
    id: '§4',
    title: 'fails 1002 on a close with reserved code 1015 (must never be sent, RFC 6455 §7.4.1)',
    frames: closeWith(closeBody(1015)),
    messages: [],
    error: fail('closeCode', 0, 'end'),
  },
];

const CASES: Case[] = [
  ...group1,
  ...group2,
  ...group3,
  ...group4,
  ...group5,
  ...group6,
  ...group7,
  ...group10,
  ...gaps,
];

// ---------------------------------------------------------------------------------------------------------------
// Machinery
// ---------------------------------------------------------------------------------------------------------------

const ROLES: readonly Role[] = ['server', 'client'];
const maskedFor = (role: Role): boolean => role === 'server';

type FeedName =
  | 'whole'
  | 'bytewise'
  | 'chop997'
  | 'random (seed 1)'
  | 'random (seed 2)'
  | 'one push per frame'
  | 'as sent';
const SEEDS = [1, 0xc0ffee] as const;
const FEED_NAMES: FeedName[] = [
  ...FEEDS.flatMap((f): FeedName[] => (f === 'random' ? ['random (seed 1)', 'random (seed 2)'] : [f as FeedName])),
  'one push per frame',
  'as sent',
];

function piecesFor(feed: FeedName, built: Built, c: Case): Uint8Array[] {
  const { bytes } = built;
  switch (feed) {
    case 'whole':
      return chunks(bytes, 'whole');
    case 'bytewise':
      return chunks(bytes, 'bytewise');
    case 'chop997':
      return chunks(bytes, 'chop997');
    case 'random (seed 1)':
      return chunks(bytes, 'random', SEEDS[0]);
    case 'random (seed 2)':
      return chunks(bytes, 'random', SEEDS[1]);
    case 'one push per frame':
      return cutAt(bytes, built.end.slice(0, -1));
    case 'as sent': {
      const sent = c.sent!;
      if ('frames' in sent) {
        const cuts: number[] = [];
        let f = 0;
        for (const n of sent.frames.slice(0, -1)) cuts.push(built.end[(f += n) - 1]!);
        return cutAt(bytes, cuts);
      }
      // One frame: its header, then the payload in the given chops.
      const cuts = [built.payloadStart[0]!];
      for (const n of sent.payloadChops.slice(0, -1)) cuts.push(cuts[cuts.length - 1]! + n);
      return cutAt(bytes, cuts);
    }
  }
}

/** Index of the piece holding stream offset `offset`. */
function pieceAt(pieces: readonly Uint8Array[], offset: number): number {
  let o = 0;
  for (let i = 0; i < pieces.length; i++) {
    o += pieces[i]!.length;
    if (offset < o) return i;
  }
  return pieces.length - 1;
}

/** The stream offsets [lo, hi] one of which the failing push must carry. */
function failRange(e: ExpectedError, built: Built): [number, number] {
  const start = built.start[e.frame]!;
  const payload = built.payloadStart[e.frame]!;
  const end = built.end[e.frame]!;
  if (e.at === 'header') return [start, payload - 1];
  if (e.at === 'end') return [payload, end - 1];
  return [payload + e.at, payload + e.at];
}

/**
 * Exact comparison: a readable summary first (small payloads), then the type, the data kind (string for text,
 * Uint8Array otherwise), the close code's presence, and every byte / code unit — in a plain loop, so that 1000
 * messages cost one assertion.
 */
function expectMessages(got: readonly Message[], want: readonly Message[]): void {
  const shape = (ms: readonly Message[]): string[] =>
    ms.map((m) =>
      m.type === 'close' ? m.type : `${m.type} ${typeof m.data === 'string' ? 'string' : 'bytes'}(${m.data.length})`,
    );
  const size = want.reduce((n, m) => n + (m.type === 'close' ? 0 : m.data.length), 0);
  if (size <= 256 * 1024)
    expect(summary(got)).toEqual(summary(want)); // readable diff; hex of big payloads is costly
  else expect(shape(got)).toEqual(shape(want));
  expect(mismatch(got, want)).toBeNull();
}

function mismatch(got: readonly Message[], want: readonly Message[]): string | null {
  if (got.length !== want.length) return `expected ${want.length} messages, got ${got.length}`;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g.type !== w.type) return `message ${i}: expected ${w.type}, got ${g.type}`;
    if (w.type === 'close' || g.type === 'close') {
      const gc = g as Extract<Message, { type: 'close' }>;
      const wc = w as Extract<Message, { type: 'close' }>;
      if (
        'code' in gc !== 'code' in wc ||
        gc.code !== wc.code ||
        gc.reason !== wc.reason ||
        Object.keys(gc).length !== Object.keys(wc).length
      ) {
        return `message ${i}: expected ${JSON.stringify(wc)}, got ${JSON.stringify(gc)}`;
      }
      continue;
    }
    if (typeof w.data === 'string') {
      if (typeof g.data !== 'string') return `message ${i}: text data must be a string`;
      if (g.data.length !== w.data.length)
        return `message ${i}: expected ${w.data.length} characters, got ${g.data.length}`;
      if (g.data !== w.data) return `message ${i}: text content differs`;
    } else {
      if (!(g.data instanceof Uint8Array)) return `message ${i}: data must be a Uint8Array`;
      if (g.data.length !== w.data.length) return `message ${i}: expected ${w.data.length} bytes, got ${g.data.length}`;
      if (Buffer.compare(g.data, w.data) !== 0) return `message ${i}: bytes differ`;
    }
  }
  return null;
}

function errorShape(e: WebSocketError | null): { code: string; closeCode: number } | null {
  return e && { code: e.code, closeCode: e.closeCode };
}

function runCase(c: Case, backend: BackendName, role: Role, feed: FeedName, inPlace = false): void {
  const built = build(c.frames, maskedFor(role));
  const pieces = piecesFor(feed, built, c);
  expect(Buffer.compare(concat(pieces), built.bytes), 'the feed must cover the stream exactly').toBe(0);
  const outcome = decode(pieces, { role, backend, inPlace });
  expectMessages(outcome.messages, c.messages);
  if (!c.error) {
    expect(errorShape(outcome.error)).toBeNull();
    return;
  }
  expect(errorShape(outcome.error)).toEqual({ code: c.error.code, closeCode: c.error.closeCode });
  const [lo, hi] = failRange(c.error, built);
  const first = pieceAt(pieces, lo);
  const last = pieceAt(pieces, hi);
  if (first === last) expect(outcome.errorAtChunk, 'push that must throw').toBe(first);
  else {
    expect(outcome.errorAtChunk, 'thrown too early').toBeGreaterThanOrEqual(first);
    expect(outcome.errorAtChunk, 'thrown too late').toBeLessThanOrEqual(last);
  }
  if (feed === 'as sent' && c.sent?.failPush !== undefined) expect(outcome.errorAtChunk).toBe(c.sent.failPush);
}

function applies(c: Case, role: Role, feed: FeedName): boolean {
  if (c.roles && !c.roles.includes(role)) return false;
  if (c.skip?.includes(feed)) return false;
  if (feed === 'as sent') return c.sent !== undefined;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Groups 1–7, 10 and the §4 gaps
// ---------------------------------------------------------------------------------------------------------------

describe.each(BACKENDS)('Autobahn catalogue — %s backend', (backend) => {
  describe.each(ROLES)('%s role', (role) => {
    describe.each(FEED_NAMES)('feed: %s', (feed) => {
      const rows = CASES.filter((c) => applies(c, role, feed)).map((c) => [`${c.id} ${c.title}`, c] as const);
      it.each(rows)('%s', (_name, c) => runCase(c, backend, role, feed));
    });
  });
});

// The same catalogue with `inPlace: true` (payloads as views of the pushed chunks, unmasked in place): server
// role (masked input, where the option acts), fed whole and one push per frame (payloads whole in a chunk).
describe.each(BACKENDS)('Autobahn catalogue, inPlace — %s backend', (backend) => {
  describe.each(['whole', 'one push per frame'] as const)('feed: %s', (feed) => {
    const rows = CASES.filter((c) => applies(c, 'server', feed)).map((c) => [`${c.id} ${c.title}`, c] as const);
    it.each(rows)('%s', (_name, c) => runCase(c, backend, 'server', feed, true));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 5.6–5.8, 5.19, 5.20: control frames surface on the push that completes them, not after the message
// ---------------------------------------------------------------------------------------------------------------

interface PushCase {
  id: string;
  title: string;
  frames: FrameSpec[];
  /** What each frame completes (delivered by the push holding that frame's last byte). */
  completes: Message[][];
  sent: number[];
}

const PUSH_CASES: PushCase[] = [
  {
    id: '5.6–5.8',
    title: 'delivers the ping on the push that completes it, before the last fragment arrives',
    frames: pingBetween,
    completes: [[], [ping('ping payload')], [text(F(1) + F(2))]],
    sent: [1, 1, 1],
  },
  {
    id: '5.19',
    title: 'delivers "pongme 1!" on the push before the pause, then "pongme 2!" and the message',
    frames: PONGME,
    completes: [[], [], [PONGME_MESSAGES[0]!], [], [], [PONGME_MESSAGES[1]!], [PONGME_MESSAGES[2]!]],
    sent: [3, 4],
  },
  {
    id: '5.20',
    title: 'delivers each ping on its own push, frame-wise, the message last',
    frames: PONGME,
    completes: [[], [], [PONGME_MESSAGES[0]!], [], [], [PONGME_MESSAGES[1]!], [PONGME_MESSAGES[2]!]],
    sent: [1, 1, 1, 1, 1, 1, 1],
  },
];

function pushEach(pieces: readonly Uint8Array[], backend: BackendName, role: Role): Message[][] {
  const decoder = new MessageDecoder({ role, backend });
  return pieces.map((p) => decoder.push(p.slice()));
}

type PushFeed = 'as sent' | 'bytewise' | 'random (seed 1)' | 'random (seed 2)';
const PUSH_FEEDS: PushFeed[] = ['as sent', 'bytewise', 'random (seed 1)', 'random (seed 2)'];

describe.each(BACKENDS)('interleaved control frames — %s backend', (backend) => {
  describe.each(ROLES)('%s role', (role) => {
    describe.each(PUSH_FEEDS)('feed: %s', (feed) => {
      it.each(PUSH_CASES.map((c) => [`${c.id} ${c.title} (RFC 6455 §5.4)`, c] as const))('%s', (_name, c) => {
        const built = build(c.frames, maskedFor(role));
        const asCase: Case = { id: c.id, title: c.title, frames: c.frames, messages: [], sent: { frames: c.sent } };
        const pieces = piecesFor(feed, built, asCase);
        const want: Message[][] = pieces.map(() => []);
        c.completes.forEach((msgs, f) => void want[pieceAt(pieces, built.end[f]! - 1)]!.push(...msgs));
        const got = pushEach(pieces, backend, role);
        expect(got.map((m) => summary(m))).toEqual(want.map((m) => summary(m)));
        expectMessages(got.flat(), want.flat());
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Group 9 — limits / performance (type, length and content of every echo)
//
// Bytewise is too slow at these sizes. Feeds: whole, 997-byte chops, 64-byte chops (9.5/9.6: the case's own chop
// size; 9.3/9.4: only x.1, see bigFeeds), two random splits for messages ≤ 1 MiB (not 9.5/9.6, whose
// stream is 9.1.3's / 9.2.3's), bytewise for streams ≤ 16 KiB; 16 MiB: whole and 65536-byte chops only.
// ---------------------------------------------------------------------------------------------------------------

const KiB = 1024;
const MiB = 1024 * KiB;

interface BigCase {
  id: string;
  title: string;
  /** Message payload bytes (per message). */
  size: number;
  /** The case's own TCP chop size (9.5/9.6), else 64. */
  chop?: number;
  /** Run the small-chop feed (default true; see bigFeeds). */
  smallChops?: boolean;
  make(): { specs: FrameSpec[]; messages: Message[] };
}

const sizes = [64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB];
const sizeName = (n: number): string => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);
const fragSizes = [64, 256, 1024, 4096, 16384, 65536, 262144, MiB, 4 * MiB];
const chops = [64, 128, 256, 512, 1024, 2048];
const roundTrips = [0, 16, 64, 256, 1024, 4096];

const group9: BigCase[] = [
  ...sizes.map(
    (n, i): BigCase => ({
      id: `9.1.${i + 1}`,
      title: `echoes a ${sizeName(n)} text message in one frame`,
      size: n,
      make: () => {
        const s = repeatText(TEXT_PATTERN, n);
        return { specs: [{ opcode: TEXT, payload: utf8(s) }], messages: [text(s)] };
      },
    }),
  ),
  ...sizes.map(
    (n, i): BigCase => ({
      id: `9.2.${i + 1}`,
      title: `echoes a ${sizeName(n)} binary message in one frame`,
      size: n,
      make: () => {
        const b = repeatBytes(BINARY_PATTERN, n);
        return { specs: [{ opcode: BINARY, payload: b }], messages: [binary(b)] };
      },
    }),
  ),
  ...fragSizes.map(
    (f, i): BigCase => ({
      id: `9.3.${i + 1}`,
      title: `echoes a 4 MiB text message in ${(4 * MiB) / f} fragment(s) of ${f} bytes`,
      size: 4 * MiB,
      smallChops: i === 0,
      make: () => ({ specs: fragments(TEXT, fill(4 * MiB, 0x2a), f), messages: [text(star(4 * MiB))] }),
    }),
  ),
  ...fragSizes.map(
    (f, i): BigCase => ({
      id: `9.4.${i + 1}`,
      title: `echoes a 4 MiB binary message in ${(4 * MiB) / f} fragment(s) of ${f} bytes`,
      size: 4 * MiB,
      smallChops: i === 0,
      make: () => {
        const b = fill(4 * MiB, i === 0 ? 0xfe : 0x2a);
        return { specs: fragments(BINARY, b, f), messages: [binary(b)] };
      },
    }),
  ),
  ...chops.map(
    (k, i): BigCase => ({
      id: `9.5.${i + 1}`,
      title: `echoes a 1 MiB text message in one frame sent in ${k}-byte chops`,
      size: MiB,
      chop: k,
      make: () => {
        const s = repeatText(TEXT_PATTERN, MiB);
        return { specs: [{ opcode: TEXT, payload: utf8(s) }], messages: [text(s)] };
      },
    }),
  ),
  ...chops.map(
    (k, i): BigCase => ({
      id: `9.6.${i + 1}`,
      title: `echoes a 1 MiB binary message in one frame sent in ${k}-byte chops`,
      size: MiB,
      chop: k,
      make: () => {
        const b = repeatBytes(BINARY_PATTERN, MiB);
        return { specs: [{ opcode: BINARY, payload: b }], messages: [binary(b)] };
      },
    }),
  ),
  ...roundTrips.map(
    (n, i): BigCase => ({
      id: `9.7.${i + 1}`,
      title: `echoes 1000 sequential ${n}-byte text messages`,
      size: 1000 * n,
      make: () => ({
        specs: Array.from({ length: 1000 }, () => ({ opcode: TEXT, payload: star(n) })),
        messages: Array.from({ length: 1000 }, () => text(star(n))),
      }),
    }),
  ),
  ...roundTrips.map(
    (n, i): BigCase => ({
      id: `9.8.${i + 1}`,
      title: `echoes 1000 sequential ${n}-byte binary messages`,
      size: 1000 * n,
      make: () => ({
        specs: Array.from({ length: 1000 }, () => ({ opcode: BINARY, payload: fill(n, 0xfe) })),
        messages: Array.from({ length: 1000 }, () => binary(fill(n, 0xfe))),
      }),
    }),
  ),
];

interface BigFeed {
  name: string;
  pieces(bytes: Uint8Array): Uint8Array[];
}

function bigFeeds(c: BigCase): BigFeed[] {
  if (c.size >= 16 * MiB) {
    return [
      { name: 'whole', pieces: (b) => [b] },
      { name: '65536-byte chops', pieces: (b) => chop(b, 65536) },
    ];
  }
  const k = c.chop ?? 64;
  const feeds: BigFeed[] = [
    { name: 'whole', pieces: (b) => [b] },
    { name: 'chop997', pieces: (b) => chunks(b, 'chop997') },
  ];
  // 64-byte chops of 4 MiB cost ~65k pushes per run: for the fragmented 4 MiB messages (9.3/9.4) they run on x.1
  // only (65536 fragments of 64 B, a header split in every other chop); 9.3.2–9.3.9 / 9.4.2–9.4.9 keep whole +
  // 997-byte chops (one 4 MiB frame in 64-byte chops is 9.1.4 / 9.2.4).
  if (c.smallChops ?? true) feeds.push({ name: `${k}-byte chops`, pieces: (b) => chop(b, k) });
  // Random splits only up to 1 MiB. 9.5.x/9.6.x send the very stream of 9.1.3/9.2.3 (1 MiB, one frame), whose
  // random runs already cover it; what they add is their own chop size.
  if (c.size <= MiB && c.chop === undefined) {
    feeds.push(
      { name: 'random (seed 1)', pieces: (b) => chunks(b, 'random', SEEDS[0]) },
      { name: 'random (seed 2)', pieces: (b) => chunks(b, 'random', SEEDS[1]) },
    );
  }
  if (c.size <= 16 * KiB) feeds.push({ name: 'bytewise', pieces: (b) => chunks(b, 'bytewise') });
  return feeds;
}

/**
 * One case at a time (up to 16 MiB): its frames and expected messages are made on first use and reused for both
 * roles; the stream is built once per role and reused across backends and feeds.
 */
let made: { id: string; specs: FrameSpec[]; messages: Message[] } | null = null;
let built9: { key: string; bytes: Uint8Array } | null = null;
function bigStream(c: BigCase, role: Role): { bytes: Uint8Array; messages: Message[] } {
  if (made?.id !== c.id) {
    made = built9 = null; // release the previous case before making the next
    made = { id: c.id, ...c.make() };
  }
  const key = `${c.id}/${role}`;
  if (built9?.key !== key) {
    built9 = null;
    built9 = { key, bytes: stream(made.specs, maskedFor(role)) };
  }
  return { bytes: built9.bytes, messages: made.messages };
}

describe('Autobahn group 9 — limits / performance', () => {
  describe.each(group9.map((c) => [`${c.id} ${c.title}`, c] as const))('%s', (_name, c) => {
    describe.each(ROLES)('%s role', (role) => {
      const matrix = BACKENDS.flatMap((backend) =>
        bigFeeds(c).map(
          (feed) => [`${c.id} ${c.title} — ${backend} backend, ${feed.name}`, backend, feed.pieces] as const,
        ),
      );
      it.each(matrix)('%s', (_name, backend, pieces) => {
        const { bytes, messages } = bigStream(c, role);
        const outcome = decode(pieces(bytes), { role, backend });
        expect(errorShape(outcome.error)).toBeNull();
        expectMessages(outcome.messages, messages);
      });
    });
  });
});

/**
 * The RFC 6455 rules Autobahn never exercises (non-minimal lengths, a 64-bit length with its top bit set, masking
 * direction, ...) as byte vectors through the conformance catalogue (harness.ts).
 */
import { concat, hex } from '../helpers.js';
import {
  CONT,
  TEXT,
  BINARY,
  CLOSE,
  PING,
  PONG,
  text,
  binary,
  ping,
  closed,
  fill,
  star,
  closeBody,
  HELLO,
  NON_UTF8,
  type Case,
  fail,
  F,
  closeWith,
  catalogue,
} from './harness.js';

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

catalogue(gaps);

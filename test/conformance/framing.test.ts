/**
 * Autobahn groups 1 (framing: text and binary messages of every length form), 3 (reserved bits) and 4 (opcodes)
 * as byte vectors through the conformance catalogue (harness.ts). RFC 6455 §5.2.
 */
import type { FrameSpec } from '../helpers.js';
import {
  TEXT,
  BINARY,
  CLOSE,
  PING,
  text,
  binary,
  fill,
  star,
  HELLO,
  NON_UTF8,
  type Case,
  fail,
  catalogue,
} from './harness.js';

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

catalogue([...group1, ...group3, ...group4]);

/**
 * Autobahn group 7 (close handling: close codes, reasons, frames after a close) as byte vectors through the
 * conformance catalogue (harness.ts). RFC 6455 §5.5.1, §7.4.
 */
import { utf8, type FrameSpec } from '../helpers.js';
import {
  CONT,
  TEXT,
  CLOSE,
  PING,
  text,
  closed,
  star,
  repeatText,
  TEXT_PATTERN,
  closeBody,
  HELLO,
  SURROGATE_20,
  type Case,
  fail,
  F,
  closeWith,
  catalogue,
} from './harness.js';

const X1000: FrameSpec = { opcode: CLOSE, payload: closeBody(1000) };

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

catalogue(group7);

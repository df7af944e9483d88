/**
 * Autobahn groups 5 (fragmentation) and 10 (a message auto-fragmented into many frames) as byte vectors through the
 * conformance catalogue (harness.ts), and control frames between fragments surfacing on the push that completes
 * them. RFC 6455 §5.4.
 */
import { describe, expect, it } from 'vitest';
import { MessageDecoder, type Message, type Role } from '../../src/index.js';
import { BACKENDS, summary, type BackendName, type FrameSpec } from '../helpers.js';
import { PONGME, build } from '../runtimes/catalogue.mjs';
import {
  CONT,
  TEXT,
  PING,
  PONG,
  text,
  ping,
  star,
  fragments,
  HELLO,
  type Case,
  fail,
  F,
  ROLES,
  maskedFor,
  piecesFor,
  pieceAt,
  expectMessages,
  catalogue,
} from './harness.js';

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

const group10: Case[] = [
  {
    id: '10.1.1',
    title: 'reassembles a 65536-byte text message auto-fragmented into 51 frames of 1300 bytes (RFC 6455 §5.4)',
    frames: fragments(TEXT, star(65536), 1300),
    messages: [text(star(65536))],
  },
];

catalogue([...group5, ...group10]);

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

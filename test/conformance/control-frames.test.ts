/**
 * Autobahn group 2 (pings and pongs: payloads up to 125 bytes, binary payloads, unsolicited pongs, pings after a
 * close) as byte vectors through the conformance catalogue (harness.ts). RFC 6455 §5.5.
 */
import {
  CLOSE,
  PING,
  PONG,
  ping,
  pong,
  closed,
  fill,
  closeBody,
  HELLO,
  NON_UTF8,
  type Case,
  fail,
  catalogue,
} from './harness.js';

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

catalogue(group2);

/**
 * Autobahn 6.1–6.4 (UTF-8 handling: valid text, invalid text in one frame, split across fragments and pushes, fail
 * fast) as byte vectors through the conformance catalogue (harness.ts). RFC 6455 §8.1. The 132 vectors of
 * 6.5–6.23 and the validator's edge cases: test/decoder/utf8.test.ts.
 */
import type { FrameSpec } from '../helpers.js';
import {
  CONT,
  TEXT,
  text,
  KOSME_BYTES,
  KOSME,
  UTF8_29,
  UTF8_29_TEXT,
  SURROGATE_20,
  PART1,
  PART2,
  PART3,
  BEYOND_21,
  type Case,
  fail,
  catalogue,
} from './harness.js';

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

catalogue(group6);

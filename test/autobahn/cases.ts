/**
 * The Autobahn|Testsuite cases of groups 1–7, 9 and 10, as scripts for the Fuzzer: the same
 * frames, chops, pauses, kill/close timers and expectations. `quick` scales group 9 down (sizes and round trips)
 * so it fits in `npm test`; everything else is the full case.
 */
import { readFileSync } from 'node:fs';
import type { CaseDef, Event, ExpectedClose, Fuzzer } from './fuzzer.js';
import { fromRoot } from './paths.js';
import { OP, bytes, hexBytes, repeat } from './wire.js';

const { CONT, TEXT, BINARY, CLOSE, PING, PONG } = OP;

const msg = (payload: Uint8Array | string, binary = false): Event => [
  'message',
  typeof payload === 'string' ? bytes(payload) : payload,
  binary,
];
const pong = (payload: Uint8Array | string = ''): Event => [
  'pong',
  typeof payload === 'string' ? bytes(payload) : payload,
];
const CLEAN_1000: ExpectedClose = { closedByMe: true, closeCode: [1000], requireClean: true };
const FAIL = (code: number, fatal = false): ExpectedClose => ({
  closedByMe: false,
  closeCode: [code],
  requireClean: false,
  ...(fatal ? { closedByWrongEndpointIsFatal: true } : {}),
});

/** 7.x: a WRONG CODE close verdict makes the whole case fail. */
const wrongCodeIsFatal = (c: Fuzzer): void => {
  if (c.behaviorClose === 'WRONG CODE') {
    c.behavior = 'FAILED';
    c.result = c.resultClose;
  }
};
/** 7.1.6, 7.13.x: the RFC leaves the outcome open; report what happened, always "passed". */
const informational =
  (what: (c: Fuzzer) => string) =>
  (c: Fuzzer): void => {
    c.result = what(c);
    c.behavior = 'INFORMATIONAL';
    c.behaviorClose = 'INFORMATIONAL';
  };
const closedWith = (c: Fuzzer): string =>
  `Actual events are undefined by the spec; the peer replied with ${c.remoteCloseCode ?? 'no code'}${c.wasClean ? ', clean' : ', unclean'}.`;

const HELLO = 'Hello, world!';
const NON_UTF8 = hexBytes('00 ff fe fd fc fb 00 ff');
const KOSME = hexBytes('cebae1bdb9cf83cebcceb5');
const UTF8_29 = hexBytes('48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121');
const SURROGATE_20 = Buffer.concat([KOSME, hexBytes('eda080'), bytes('edited')]);
const BEYOND_21 = Buffer.concat([KOSME, hexBytes('f4908080'), bytes('edited')]);

type Frame = Parameters<Fuzzer['sendFrame']>[0];

function def(
  id: string,
  description: string,
  expectation: string,
  seconds: number,
  onOpen: (c: Fuzzer) => void,
  extra: Partial<CaseDef> = {},
): CaseDef {
  return { id, description, expectation, seconds, onOpen, ...extra };
}

// ------------------------------------------------------------------------------------------------- group 1

function group1(): CaseDef[] {
  const lengths = [0, 125, 126, 127, 128, 65535, 65536, 65536];
  const out: CaseDef[] = [];
  for (const [sub, opcode] of [
    [1, TEXT],
    [2, BINARY],
  ] as const) {
    lengths.forEach((n, i) => {
      const chop = i === 7 ? 997 : undefined;
      const kill = n >= 65535 ? 10 : 1;
      const payload = opcode === TEXT ? repeat('*', n) : repeat(Uint8Array.of(0xfe), n);
      out.push(
        def(
          `1.${sub}.${i + 1}`,
          `Send ${opcode === TEXT ? 'text' : 'binary'} message with payload of length ${n}${chop ? ', in chops of 997 octets' : ''}.`,
          'Receive echo of the same message. Clean close with normal code.',
          kill + 2,
          (c) => {
            c.expected.OK = [msg(payload, opcode === BINARY)];
            c.expectedClose = CLEAN_1000;
            c.sendFrame({ opcode, payload, chopsize: chop });
            c.killAfter(kill);
          },
        ),
      );
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- group 2

function group2(): CaseDef[] {
  const pingCase = (id: string, payload: Uint8Array | string, chopsize: number | undefined, close: number): CaseDef =>
    def(
      id,
      `Send ping with payload ${typeof payload === 'string' ? JSON.stringify(payload) : `of ${payload.length} bytes`}${chopsize ? ' in octet-wise chops' : ''}.`,
      'Pong with the same payload. Clean close with normal code.',
      close + 2,
      (c) => {
        c.expected.OK = [pong(payload)];
        c.expectedClose = CLEAN_1000;
        c.sendFrame({ opcode: PING, payload, chopsize });
        c.closeAfter(close);
      },
    );
  const tenPings = (id: string, chopsize?: number): CaseDef =>
    def(
      id,
      `Send 10 pings with payloads${chopsize ? ', in octet-wise chops' : ''}.`,
      'A pong for every ping, in order.',
      5,
      (c) => {
        c.expected.OK = [];
        for (let i = 0; i < 10; i++) {
          c.expected.OK.push(pong(`payload-${i}`));
          c.sendFrame({ opcode: PING, payload: `payload-${i}`, chopsize });
        }
        c.expectedClose = CLEAN_1000;
        c.closeAfter(3);
      },
    );
  const unsolicited = (id: string, payload: string): CaseDef =>
    def(
      id,
      `Send unsolicited pong ${payload ? 'with' : 'without'} payload, then close.`,
      'Nothing. Clean close with normal code.',
      3,
      (c) => {
        c.expected.OK = [];
        c.expectedClose = CLEAN_1000;
        c.sendFrame({ opcode: PONG, payload });
        c.sendClose(1000);
        c.closeAfter(1);
      },
    );
  return [
    pingCase('2.1', '', undefined, 1),
    pingCase('2.2', HELLO, undefined, 1),
    pingCase('2.3', NON_UTF8, undefined, 1),
    pingCase('2.4', repeat(Uint8Array.of(0xfe), 125), undefined, 1),
    def(
      '2.5',
      'Send ping with payload of 126 bytes (16-bit length).',
      'Connection is failed immediately (1002).',
      3,
      (c) => {
        c.expected.OK = [];
        c.expectedClose = FAIL(1002);
        c.sendFrame({ opcode: PING, payload: repeat(Uint8Array.of(0xfe), 126) });
        c.killAfter(1);
      },
    ),
    pingCase('2.6', repeat(Uint8Array.of(0xfe), 125), 1, 2),
    unsolicited('2.7', ''),
    unsolicited('2.8', 'unsolicited pong payload'),
    def('2.9', 'Send unsolicited pong, then a ping.', 'A pong for the ping only.', 3, (c) => {
      c.expected.OK = [pong('ping payload')];
      c.expectedClose = CLEAN_1000;
      c.sendFrame({ opcode: PONG, payload: 'unsolicited pong payload' });
      c.sendFrame({ opcode: PING, payload: 'ping payload' });
      c.closeAfter(1);
    }),
    tenPings('2.10'),
    tenPings('2.11', 1),
  ];
}

// ------------------------------------------------------------------------------------------------- groups 3, 4

/** Valid text, then a bad frame, then a ping: OK = echo then fail 1002; NON-STRICT = no echo. */
function echoThenFail(
  id: string,
  description: string,
  bad: Frame,
  how: { sync?: boolean; chopsize?: number } = {},
): CaseDef {
  return def(id, description, 'Echo of the first message, then the connection is failed (1002); no pong.', 3, (c) => {
    c.expected.OK = [msg(HELLO)];
    c.expected['NON-STRICT'] = [];
    c.expectedClose = FAIL(1002);
    c.sendFrame({ opcode: TEXT, payload: HELLO, ...how });
    c.sendFrame({ ...bad, ...how });
    c.sendFrame({ opcode: PING, ...how });
    c.killAfter(1);
  });
}

function failAtOnce(id: string, description: string, frames: Frame[], code = 1002): CaseDef {
  return def(id, description, `The connection is failed immediately (${code}).`, 3, (c) => {
    c.expected.OK = [];
    c.expectedClose = FAIL(code);
    for (const f of frames) c.sendFrame(f);
    c.killAfter(1);
  });
}

function group3(): CaseDef[] {
  return [
    failAtOnce('3.1', 'Send small text message with RSV = 1.', [{ opcode: TEXT, payload: HELLO, rsv: 1 }]),
    echoThenFail('3.2', 'Send small text message, then again with RSV = 2, then a ping.', {
      opcode: TEXT,
      payload: HELLO,
      rsv: 2,
    }),
    echoThenFail('3.3', 'As 3.2 with RSV = 3, frame-wise.', { opcode: TEXT, payload: HELLO, rsv: 3 }, { sync: true }),
    echoThenFail(
      '3.4',
      'As 3.2 with RSV = 4, octet-wise chops.',
      { opcode: TEXT, payload: HELLO, rsv: 4 },
      { chopsize: 1 },
    ),
    failAtOnce('3.5', 'Send small binary message with RSV = 5.', [{ opcode: BINARY, payload: NON_UTF8, rsv: 5 }]),
    failAtOnce('3.6', 'Send small binary message with RSV = 6.', [{ opcode: BINARY, payload: HELLO, rsv: 6 }]),
    failAtOnce('3.7', 'Send close with RSV = 7.', [{ opcode: CLOSE, rsv: 7 }]),
  ];
}

function group4(): CaseDef[] {
  const out: CaseDef[] = [];
  for (const [sub, ops] of [
    [1, [3, 4, 5, 6, 7]],
    [2, [11, 12, 13, 14, 15]],
  ] as const) {
    out.push(failAtOnce(`4.${sub}.1`, `Send frame with reserved opcode ${ops[0]}.`, [{ opcode: ops[0] }]));
    out.push(
      failAtOnce(`4.${sub}.2`, `Send frame with reserved opcode ${ops[1]} and payload.`, [
        { opcode: ops[1], payload: 'reserved opcode payload' },
      ]),
    );
    out.push(
      echoThenFail(`4.${sub}.3`, `Send small text message, then reserved opcode ${ops[2]}, then ping.`, {
        opcode: ops[2],
      }),
    );
    out.push(
      echoThenFail(`4.${sub}.4`, `Send small text message, then reserved opcode ${ops[3]} with payload, then ping.`, {
        opcode: ops[3],
        payload: HELLO,
      }),
    );
    out.push(
      echoThenFail(
        `4.${sub}.5`,
        `As 4.${sub}.4 with opcode ${ops[4]}, octet-wise chops.`,
        { opcode: ops[4], payload: HELLO },
        { chopsize: 1 },
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- group 5

function group5(): CaseDef[] {
  const ways = [{}, { sync: true }, { chopsize: 1 }] as const;
  const wayName = ['in one chop', 'frame-wise', 'in octet-wise chops'];
  const out: CaseDef[] = [
    failAtOnce('5.1', 'Send ping fragmented into 2 fragments.', [
      { opcode: PING, fin: false, payload: 'fragment1' },
      { opcode: CONT, payload: 'fragment2' },
    ]),
    failAtOnce('5.2', 'Send pong fragmented into 2 fragments.', [
      { opcode: PONG, fin: false, payload: 'fragment1' },
      { opcode: CONT, payload: 'fragment2' },
    ]),
  ];
  ways.forEach(
    (how, i) =>
      void out.push(
        def(
          `5.${3 + i}`,
          `Send text message fragmented into 2 fragments, ${wayName[i]}.`,
          'Echo of the whole message.',
          3,
          (c) => {
            c.expected.OK = [msg('fragment1fragment2')];
            c.expectedClose = CLEAN_1000;
            c.sendFrame({ opcode: TEXT, fin: false, payload: 'fragment1', ...how });
            c.sendFrame({ opcode: CONT, payload: 'fragment2', ...how });
            c.killAfter(1);
          },
        ),
      ),
  );
  ways.forEach(
    (how, i) =>
      void out.push(
        def(
          `5.${6 + i}`,
          `As 5.3 with a ping between the fragments, ${wayName[i]}.`,
          'Pong, then echo of the whole message.',
          3,
          (c) => {
            c.expected.OK = [pong('ping payload'), msg('fragment1fragment2')];
            c.expectedClose = CLEAN_1000;
            c.sendFrame({ opcode: TEXT, fin: false, payload: 'fragment1', ...how });
            c.sendFrame({ opcode: PING, payload: 'ping payload', ...how });
            c.sendFrame({ opcode: CONT, payload: 'fragment2', ...how });
            c.killAfter(1);
          },
        ),
      ),
  );
  ways.forEach(
    (how, i) =>
      void out.push(
        failAtOnce(
          `5.${9 + i}`,
          `Send unfragmented continuation (FIN = 1) with nothing to continue, then text, ${wayName[i]}.`,
          [
            { opcode: CONT, payload: 'non-continuation payload', ...how },
            { opcode: TEXT, payload: HELLO, ...how },
          ],
        ),
      ),
  );
  ways.forEach(
    (how, i) =>
      void out.push(
        failAtOnce(`5.${12 + i}`, `Send continuation (FIN = 0) with nothing to continue, then text, ${wayName[i]}.`, [
          { opcode: CONT, fin: false, payload: 'non-continuation payload', ...how },
          { opcode: TEXT, payload: HELLO, ...how },
        ]),
      ),
  );
  out.push(
    def(
      '5.15',
      'Send text in 2 fragments, then a continuation with nothing to continue, then text.',
      'Echo of the first message, then fail 1002.',
      3,
      (c) => {
        c.expected.OK = [msg('fragment1fragment2')];
        c.expected['NON-STRICT'] = [];
        c.expectedClose = FAIL(1002);
        c.sendFrame({ opcode: TEXT, fin: false, payload: 'fragment1' });
        c.sendFrame({ opcode: CONT, payload: 'fragment2' });
        c.sendFrame({ opcode: CONT, fin: false, payload: 'fragment3' });
        c.sendFrame({ opcode: TEXT, payload: 'fragment4' });
        c.killAfter(1);
      },
    ),
  );
  const twice = (first: Frame): Frame[] => {
    const seq: Frame[] = [
      first,
      { opcode: TEXT, fin: false, payload: 'fragment2' },
      { opcode: CONT, payload: 'fragment3' },
    ];
    return [...seq, ...seq];
  };
  out.push(
    failAtOnce(
      '5.16',
      'Send (continuation FIN = 0, text FIN = 0, continuation FIN = 1) twice.',
      twice({ opcode: CONT, fin: false, payload: 'fragment1' }),
    ),
  );
  out.push(
    failAtOnce(
      '5.17',
      'Send (continuation FIN = 1, text FIN = 0, continuation FIN = 1) twice.',
      twice({ opcode: CONT, payload: 'fragment1' }),
    ),
  );
  out.push(
    failAtOnce('5.18', 'Send text in 2 fragments, both with the text opcode.', [
      { opcode: TEXT, fin: false, payload: 'fragment1' },
      { opcode: TEXT, payload: 'fragment2' },
    ]),
  );
  for (const [id, sync] of [
    ['5.19', false],
    ['5.20', true],
  ] as const) {
    out.push(
      def(
        id,
        `Text in 5 fragments with 2 pings between them and a 1 s pause${sync ? ', frame-wise' : ''}.`,
        'Both pongs (the first during the pause), then the echo.',
        5,
        (c) => {
          const fragments = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
          c.expected.OK = [pong('pongme 1!'), pong('pongme 2!'), msg(fragments.join(''))];
          c.expectedClose = CLEAN_1000;
          c.sendFrame({ opcode: TEXT, fin: false, payload: fragments[0], sync });
          c.sendFrame({ opcode: CONT, fin: false, payload: fragments[1], sync });
          c.sendFrame({ opcode: PING, payload: 'pongme 1!', sync });
          c.continueLater(1, () => {
            c.sendFrame({ opcode: CONT, fin: false, payload: fragments[2], sync });
            c.sendFrame({ opcode: CONT, fin: false, payload: fragments[3], sync });
            c.sendFrame({ opcode: PING, payload: 'pongme 2!', sync });
            c.sendFrame({ opcode: CONT, payload: fragments[4], sync });
            c.closeAfter(1);
          });
        },
      ),
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- group 6

function echoText(id: string, description: string, payload: Uint8Array, send: (c: Fuzzer) => void, kill = 1): CaseDef {
  return def(id, description, 'Echo of the message. Clean close with normal code.', kill + 2, (c) => {
    c.expected.OK = [msg(payload)];
    c.expectedClose = CLEAN_1000;
    send(c);
    c.killAfter(kill);
  });
}

function failText(id: string, description: string, send: (c: Fuzzer) => void, kill = 1): CaseDef {
  return def(id, description, 'The connection is failed immediately (1007).', kill + 2, (c) => {
    c.expected.OK = [];
    c.expectedClose = FAIL(1007, true);
    send(c);
    c.killAfter(kill);
  });
}

/** 6.4.x: PART1 is fine; the peer must fail right after PART2 (OK) or at least after PART3 (NON-STRICT). */
function failFast(id: string, description: string, parts: Uint8Array[], oneFrame: boolean): CaseDef {
  return def(id, description, 'Fail (1007) right after the second part, before the pause ends.', 5, (c) => {
    c.expected.OK = [['timeout', 'A']];
    c.expected['NON-STRICT'] = [
      ['timeout', 'A'],
      ['timeout', 'B'],
    ];
    c.expectedClose = FAIL(1007, true);
    const write = oneFrame
      ? c.beginFrame(
          TEXT,
          parts.reduce((n, p) => n + p.length, 0),
        )
      : null;
    const send = (i: number): void => {
      if (write) write(parts[i]!);
      else c.sendFrame({ opcode: i === 0 ? TEXT : CONT, fin: i === parts.length - 1, payload: parts[i] });
    };
    send(0);
    c.continueLater(1, () => {
      if (c.state !== 'OPEN') return;
      c.received.push(['timeout', 'A']);
      send(1);
      c.continueLater(1, () => {
        if (c.state !== 'OPEN') return;
        c.received.push(['timeout', 'B']);
        send(2);
        c.killAfter(1);
      });
    });
  });
}

interface Utf8Vector {
  case: string;
  valid: boolean;
  hex: string;
}

function group6(): CaseDef[] {
  const out: CaseDef[] = [
    echoText('6.1.1', 'Send text message of length 0.', new Uint8Array(0), (c) => c.sendFrame({ opcode: TEXT })),
    echoText('6.1.2', 'Send fragmented text message, 3 fragments each of length 0.', new Uint8Array(0), (c) => {
      c.sendFrame({ opcode: TEXT, fin: false });
      c.sendFrame({ opcode: CONT, fin: false });
      c.sendFrame({ opcode: CONT });
    }),
    echoText(
      '6.1.3',
      'Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.',
      bytes('middle frame payload'),
      (c) => {
        c.sendFrame({ opcode: TEXT, fin: false });
        c.sendFrame({ opcode: CONT, fin: false, payload: 'middle frame payload' });
        c.sendFrame({ opcode: CONT });
      },
    ),
    echoText('6.2.1', 'Send valid UTF-8 text message in one fragment.', UTF8_29, (c) => c.sendMessage(UTF8_29, false)),
    echoText(
      '6.2.2',
      'Send valid UTF-8 text message in two fragments, split on a code point boundary.',
      UTF8_29,
      (c) => {
        c.sendFrame({ opcode: TEXT, fin: false, payload: UTF8_29.subarray(0, 15) });
        c.sendFrame({ opcode: CONT, payload: UTF8_29.subarray(15) });
      },
    ),
    echoText('6.2.3', 'Send valid UTF-8 text message in fragments of 1 octet.', UTF8_29, (c) =>
      c.sendMessage(UTF8_29, false, 1),
    ),
    echoText('6.2.4', 'Send valid UTF-8 text message (kosme) in fragments of 1 octet.', KOSME, (c) =>
      c.sendMessage(KOSME, false, 1),
    ),
    failText('6.3.1', 'Send invalid UTF-8 text message unfragmented.', (c) => c.sendMessage(SURROGATE_20, false)),
    failText('6.3.2', 'Send invalid UTF-8 text message in fragments of 1 octet.', (c) =>
      c.sendMessage(SURROGATE_20, false, 1),
    ),
    failFast(
      '6.4.1',
      'Send invalid UTF-8 text message in 3 fragments (frames); the second is invalid.',
      [BEYOND_21.subarray(0, 11), BEYOND_21.subarray(11, 15), BEYOND_21.subarray(15)],
      false,
    ),
    failFast(
      '6.4.2',
      'As 6.4.1, but the second fragment is the single invalid octet.',
      [BEYOND_21.subarray(0, 12), BEYOND_21.subarray(12, 13), BEYOND_21.subarray(13)],
      false,
    ),
    failFast(
      '6.4.3',
      'As 6.4.1, but in 3 chops of one frame.',
      [BEYOND_21.subarray(0, 11), BEYOND_21.subarray(11, 15), BEYOND_21.subarray(15)],
      true,
    ),
    failFast(
      '6.4.4',
      'As 6.4.2, but in 3 chops of one frame.',
      [BEYOND_21.subarray(0, 12), BEYOND_21.subarray(12, 13), BEYOND_21.subarray(13)],
      true,
    ),
  ];
  const vectors: Utf8Vector[] = JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'utf8-cases.json'), 'utf8'));
  for (const v of vectors) {
    const payload = hexBytes(v.hex);
    const description = `Send a text message with payload which is ${v.valid ? '' : 'not '}valid UTF-8 in one fragment: 0x${v.hex}`;
    out.push(
      v.valid
        ? echoText(v.case, description, payload, (c) => c.sendMessage(payload, false), 0.5)
        : failText(v.case, description, (c) => c.sendMessage(payload, false), 0.5),
    );
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- group 7

function closeCase(
  id: string,
  description: string,
  expectedClose: ExpectedClose,
  script: (c: Fuzzer) => void,
  extra: Partial<CaseDef> = {},
): CaseDef {
  return def(
    id,
    description,
    `Reply with close ${expectedClose.closeCode.join(' or ')}${expectedClose.requireClean ? ', clean' : ' (or drop TCP)'}.`,
    3,
    (c) => {
      c.suppressClose = true;
      c.expected.OK = [];
      c.expectedClose = expectedClose;
      script(c);
      c.killAfter(1);
    },
    { onConnectionLost: wrongCodeIsFatal, ...extra },
  );
}

function group7(): CaseDef[] {
  const PROTOCOL: ExpectedClose = { closedByMe: true, closeCode: [1002], requireClean: false };
  const out: CaseDef[] = [
    def('7.1.1', 'Send a message followed by a close frame.', 'Echo, then clean close with normal code.', 3, (c) => {
      c.expected.OK = [msg('Hello World!')];
      c.expectedClose = CLEAN_1000;
      c.sendFrame({ opcode: TEXT, payload: 'Hello World!' });
      c.killAfter(1);
    }),
    closeCase('7.1.2', 'Send two close frames.', CLEAN_1000, (c) => {
      c.sendClose(1000);
      c.sendFrame({ opcode: CLOSE });
    }),
    closeCase('7.1.3', 'Send a ping after the close frame.', CLEAN_1000, (c) => {
      c.sendClose(1000);
      c.sendFrame({ opcode: PING });
    }),
    closeCase('7.1.4', 'Send text after the close frame.', CLEAN_1000, (c) => {
      c.sendClose(1000);
      c.sendFrame({ opcode: TEXT, payload: 'Hello World!' });
    }),
    closeCase('7.1.5', 'Send fragment 1, close, then fragment 2.', CLEAN_1000, (c) => {
      c.sendFrame({ opcode: TEXT, fin: false, payload: 'fragment1' });
      c.sendClose(1000);
      c.sendFrame({ opcode: CONT, payload: 'fragment2' });
    }),
    def(
      '7.1.6',
      'Send a 256 KiB text message, then a small one, then close, then a ping.',
      'Informational: was the text echoed before the close was processed?',
      3,
      (c) => {
        c.suppressClose = true;
        c.expected.OK = [msg('Hello World!')];
        c.expected['NON-STRICT'] = [];
        c.expectedClose = CLEAN_1000;
        c.sendFrame({ opcode: TEXT, payload: 'BAsd7&jh23', payloadLen: 256 * 1024 });
        c.sendFrame({ opcode: TEXT, payload: 'Hello World!' });
        c.sendClose(1000);
        c.sendFrame({ opcode: PING });
        c.killAfter(1);
      },
      {
        onConnectionLost: informational((c) =>
          c.behavior === 'OK'
            ? 'Text message was processed before close.'
            : c.behavior === 'NON-STRICT'
              ? 'Close was processed before text message could be returned.'
              : `Echoed: ${c.received.length} messages (${c.received.map((e) => (e[0] === 'message' ? e[1].length : e[0])).join(', ')} bytes).`,
        ),
      },
    ),
    closeCase('7.3.1', 'Send a close frame with payload length 0.', CLEAN_1000, (c) => c.sendCloseFrame()),
    closeCase('7.3.2', 'Send a close frame with payload length 1.', PROTOCOL, (c) => c.sendCloseFrame(undefined, 'a')),
    closeCase('7.3.3', 'Send a close frame with code 1000 only.', CLEAN_1000, (c) => c.sendCloseFrame(1000)),
    closeCase('7.3.4', 'Send a close frame with code 1000 and a reason.', CLEAN_1000, (c) =>
      c.sendCloseFrame(1000, 'Hello World!'),
    ),
    closeCase('7.3.5', 'Send a close frame with a 123-byte reason (125-byte payload).', CLEAN_1000, (c) =>
      c.sendCloseFrame(1000, '*'.repeat(123)),
    ),
    closeCase('7.3.6', 'Send a close frame with a 124-byte reason (126-byte payload).', PROTOCOL, (c) =>
      c.sendCloseFrame(1000, '*'.repeat(124)),
    ),
    closeCase(
      '7.5.1',
      'Send a close frame with an invalid UTF-8 reason.',
      { closedByMe: true, closeCode: [1002, 1007], requireClean: false },
      (c) => c.sendCloseFrame(1000, SURROGATE_20),
    ),
  ];
  [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach(
    (code, i) =>
      void out.push(
        closeCase(
          `7.7.${i + 1}`,
          `Send close with valid close code ${code}.`,
          { closedByMe: true, closeCode: [1000, code], requireClean: true },
          (c) => c.sendCloseFrame(code),
        ),
      ),
  );
  [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].forEach(
    (code, i) =>
      void out.push(
        closeCase(`7.9.${i + 1}`, `Send close with invalid close code ${code}.`, PROTOCOL, (c) =>
          c.sendCloseFrame(code),
        ),
      ),
  );
  [5000, 65535].forEach(
    (code, i) =>
      void out.push(
        closeCase(
          `7.13.${i + 1}`,
          `Send close with close code ${code}.`,
          { closedByMe: true, closeCode: [1000, code, 1002], requireClean: false },
          (c) => c.sendCloseFrame(code),
          { onConnectionLost: informational(closedWith) },
        ),
      ),
  );
  return out;
}

// ------------------------------------------------------------------------------------------------- group 9

/** 9.x passes when an echo of the right type and length arrives before the deadline (content not compared). */
function timedEcho(
  id: string,
  description: string,
  length: number,
  binary: boolean,
  seconds: number,
  send: (c: Fuzzer) => void,
): CaseDef {
  return def(
    id,
    description,
    `Echo of the ${binary ? 'binary' : 'text'} message (${length} bytes) within ${seconds} s.`,
    seconds + 2,
    (c) => {
      c.expectedClose = CLEAN_1000;
      c.result = `Did not receive message within ${seconds} seconds.`;
      send(c);
      c.closeAfter(seconds);
    },
    {
      onMessage(c, payload, isBinary) {
        if (isBinary !== binary)
          c.result = `Expected ${binary ? 'binary' : 'text'} message, got ${isBinary ? 'binary' : 'text'}.`;
        else if (payload.length !== length) c.result = `Expected a payload of ${length} bytes, got ${payload.length}.`;
        else {
          c.behavior = 'OK';
          c.result = `Received message of length ${payload.length}.`;
        }
        c.sendClose(1000);
      },
    },
  );
}

/** Messages sent so far, per running case (the definitions are shared by concurrent runs). */
const sentCount = new WeakMap<Fuzzer, number>();

function roundTrips(id: string, length: number, count: number, binary: boolean, seconds: number): CaseDef {
  const payload = binary ? repeat(Uint8Array.of(0xfe), length) : repeat('*', length);
  const one = (c: Fuzzer): void => {
    sentCount.set(c, (sentCount.get(c) ?? 0) + 1);
    c.sendFrame({ opcode: binary ? BINARY : TEXT, payload });
  };
  return def(
    id,
    `Send ${count} ${binary ? 'binary' : 'text'} messages of ${length} bytes, one after the echo of the other.`,
    `Every echo, within ${seconds} s.`,
    seconds + 2,
    (c) => {
      c.expectedClose = CLEAN_1000;
      c.result = `Did not receive all messages within ${seconds} seconds.`;
      one(c);
      c.closeAfter(seconds);
    },
    {
      onMessage(c, got, isBinary) {
        if (isBinary !== binary || got.length !== length) {
          c.result = `Echoed message type or length differs (binary ${isBinary}, ${got.length} bytes).`;
          c.sendClose(1000);
        } else if ((sentCount.get(c) ?? 0) < count) {
          one(c);
        } else {
          c.behavior = 'OK';
          c.result = 'Received all echoed messages in time.';
          c.sendClose(1000);
        }
      },
    },
  );
}

function group9(quick: boolean): CaseDef[] {
  const out: CaseDef[] = [];
  const MiB = 1024 * 1024;
  // Quick: a quarter of each size (9.1.6 → 4 MiB, 9.5.x → 256 KiB) and 200 round trips, except 9.3.1 / 9.4.1,
  // which stay at 4 MiB in 64-byte fragments: their 65,536 fragments are what a fragment-count limit must allow.
  const k = quick ? 4 : 1;
  const sizes = [64 * 1024, 256 * 1024, MiB, 4 * MiB, 8 * MiB, 16 * MiB].map((n) => n / k);
  sizes.forEach(
    (n, i) =>
      void out.push(
        timedEcho(`9.1.${i + 1}`, `Send text message of ${n} bytes.`, n, false, i < 2 ? 10 : 100, (c) =>
          c.sendFrame({ opcode: TEXT, payload: 'BAsd7&jh23', payloadLen: n }),
        ),
      ),
  );
  sizes.forEach(
    (n, i) =>
      void out.push(
        timedEcho(`9.2.${i + 1}`, `Send binary message of ${n} bytes.`, n, true, i < 4 ? 10 : 100, (c) =>
          c.sendFrame({ opcode: BINARY, payload: hexBytes('00fe23faf0'), payloadLen: n }),
        ),
      ),
  );
  [64, 256, 1024, 4096, 16384, 65536, 262144, MiB, 4 * MiB].forEach((size, i) => {
    const fragmented = i === 0 ? 4 * MiB : (4 * MiB) / k;
    out.push(
      timedEcho(
        `9.3.${i + 1}`,
        `Send ${fragmented}-byte text message in fragments of ${size}.`,
        fragmented,
        false,
        100,
        (c) => c.sendMessage(repeat('*', fragmented), false, size),
      ),
    );
    out.push(
      timedEcho(
        `9.4.${i + 1}`,
        `Send ${fragmented}-byte binary message in fragments of ${size}.`,
        fragmented,
        true,
        100,
        (c) => c.sendMessage(repeat(Uint8Array.of(i === 0 ? 0xfe : 0x2a), fragmented), true, size),
      ),
    );
  });
  const chopped = MiB / k;
  [64, 128, 256, 512, 1024, 2048].forEach((chop, i) => {
    out.push(
      timedEcho(
        `9.5.${i + 1}`,
        `Send ${chopped}-byte text message in chops of ${chop} octets.`,
        chopped,
        false,
        1000,
        (c) => c.sendFrame({ opcode: TEXT, payload: 'BAsd7&jh23', payloadLen: chopped, chopsize: chop }),
      ),
    );
    out.push(
      timedEcho(
        `9.6.${i + 1}`,
        `Send ${chopped}-byte binary message in chops of ${chop} octets.`,
        chopped,
        true,
        1000,
        (c) => c.sendFrame({ opcode: BINARY, payload: hexBytes('00fe23faf0'), payloadLen: chopped, chopsize: chop }),
      ),
    );
  });
  const count = quick ? 200 : 1000;
  [
    [0, 60],
    [16, 60],
    [64, 60],
    [256, 120],
    [1024, 240],
    [4096, 480],
  ].forEach(([length, seconds], i) => {
    out.push(roundTrips(`9.7.${i + 1}`, length!, count, false, seconds!));
    out.push(roundTrips(`9.8.${i + 1}`, length!, count, true, seconds!));
  });
  return out;
}

// ------------------------------------------------------------------------------------------------- group 10

function group10(): CaseDef[] {
  const payload = repeat('*', 65536);
  return [
    def(
      '10.1.1',
      'Send text message of 65536 bytes, auto-fragmented at 1300 bytes.',
      'Echo; the fuzzer sent 1 text + 50 continuation frames.',
      12,
      (c) => {
        c.autoFragmentSize = 1300;
        c.expected.OK = [msg(payload)];
        c.expectedClose = CLEAN_1000;
        c.sendMessage(payload, false);
        c.killAfter(10);
      },
      {
        onConnectionLost(c) {
          const got = [c.txFrames.get(CONT) ?? 0, c.txFrames.get(TEXT) ?? 0];
          if (got[0] !== Math.floor(65536 / 1300) || got[1] !== 1) {
            c.behavior = 'FAILED';
            c.result = `Frames transmitted ${got} do not match what we expected.`;
          }
        },
      },
    ),
  ];
}

/** Every case of groups 1–7, 9 and 10, in Autobahn's order. */
export function allCases(quick: boolean): CaseDef[] {
  return [
    ...group1(),
    ...group2(),
    ...group3(),
    ...group4(),
    ...group5(),
    ...group6(),
    ...group7(),
    ...group9(quick),
    ...group10(),
  ];
}

/** Compare Autobahn ids numerically ('9.10' after '9.9'). */
export function compareIds(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

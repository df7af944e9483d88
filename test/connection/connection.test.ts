/**
 * Connection: the sans-I/O endpoint's state machine (RFC 6455 §5.5, §7), its obligations (pongs, close echo,
 * failure close) and their order, refusal to send after close, and the heartbeat (the built-in handshake: in
 * handshake.test.ts).
 * Every test runs on both backends (the option is passed through to the decoder and the encoder) and, where the
 * role matters, as server (reading masked frames) and client (reading unmasked frames).
 */
import { describe, expect, it } from 'vitest';
import {
  Connection,
  ConnectionPhase,
  ConnectionState,
  FrameDecoder,
  Heartbeat,
  type ConnectionEvent,
  type Frame,
  type Role,
} from '../../src/index.js';
import { BACKENDS, chunks, concat, hex, stream, utf8, type FrameSpec } from '../helpers.js';

const TEXT = 1,
  BINARY = 2,
  CLOSE = 8,
  PING = 9,
  PONG = 10;
const closeBody = (code: number, reason = ''): Uint8Array =>
  concat([new Uint8Array([code >> 8, code & 0xff]), utf8(reason)]);
const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

/** Frames as the peer of `role` would write them (a server's peer is a client: masked). */
const wire = (role: Role, specs: FrameSpec[]): Uint8Array => stream(specs, role === 'server');

/** Decode what a connection wrote, as its peer would (frame by frame, so opcodes and close bodies are visible). */
function sent(connection: Connection): Frame[] {
  const peer = new FrameDecoder({ role: connection.role === 'server' ? 'client' : 'server' });
  return peer.push(concat(connection.bytesToSend()));
}
const OPCODE_NAMES: Record<number, string> = {
  0: 'cont',
  [TEXT]: 'text',
  [BINARY]: 'binary',
  [PING]: 'ping',
  [PONG]: 'pong',
};
const describeFrame = (f: Frame): string =>
  f.opcode === CLOSE
    ? `close ${f.payload.length >= 2 ? (f.payload[0]! << 8) | f.payload[1]! : '-'}`
    : `${OPCODE_NAMES[f.opcode]} ${ascii(f.payload)}`;
const sentSummary = (connection: Connection): string[] => sent(connection).map(describeFrame);
const types = (events: ConnectionEvent[]): string[] => events.map((e) => e.type);

for (const backend of BACKENDS) {
  for (const role of ['server', 'client'] as const) {
    describe(`Connection (${role}, ${backend})`, () => {
      const open = (extra: object = {}) => new Connection({ role, backend, ...extra });

      it('delivers text and binary messages and sends replies with the right masking (RFC 6455 §5.1, §5.3)', () => {
        const c = open();
        const events = c.receive(
          wire(role, [
            { opcode: TEXT, payload: 'héllo' },
            { opcode: BINARY, payload: hex('00 ff') },
          ]),
        );
        expect(events).toEqual([
          { type: 'text', data: 'héllo' },
          { type: 'binary', data: hex('00 ff') },
        ]);
        expect(c.send('héllo')).toBe(true);
        expect(c.send(new Uint8Array([0, 255]))).toBe(true);
        const frames = sent(c);
        expect(frames.map((f) => [f.opcode, f.masked])).toEqual([
          [TEXT, role === 'client'],
          [BINARY, role === 'client'],
        ]);
        expect(c.state).toBe(ConnectionState.OPEN);
      });

      it('gives the same events whatever the split', () => {
        const bytes = wire(role, [
          { opcode: TEXT, fin: false, payload: 'frag' },
          { opcode: PING, payload: 'p' },
          { opcode: 0, payload: 'ment' },
          { opcode: BINARY, payload: new Uint8Array(300).fill(7) },
          { opcode: CLOSE, payload: closeBody(1000) },
        ]);
        const whole = open().receive(bytes);
        for (const feed of ['bytewise', 'chop997', 'random'] as const) {
          const c = open();
          expect(chunks(bytes, feed, 7).flatMap((piece) => c.receive(piece))).toEqual(whole);
        }
        expect(types(whole)).toEqual(['ping', 'text', 'binary', 'close']);
      });

      it('answers every ping with a pong, in order, before the replies to the same receive (Autobahn 2.10, 5.6)', () => {
        const c = open();
        const pings = Array.from({ length: 10 }, (_, i) => ({ opcode: PING, payload: `payload-${i}` }));
        const events = c.receive(
          wire(role, [{ opcode: TEXT, fin: false, payload: 'a' }, ...pings, { opcode: 0, payload: 'b' }]),
        );
        expect(types(events)).toEqual([...pings.map(() => 'ping'), 'text']);
        c.send('ab');
        expect(sentSummary(c)).toEqual([...pings.map((_, i) => `pong payload-${i}`), 'text ab']);
      });

      it('does not answer pings with autoPong: false, and never answers pongs (Autobahn 2.7)', () => {
        const c = open({ autoPong: false });
        expect(
          types(
            c.receive(
              wire(role, [
                { opcode: PING, payload: 'x' },
                { opcode: PONG, payload: 'unsolicited' },
              ]),
            ),
          ),
        ).toEqual(['ping', 'pong']);
        expect(c.bytesToSend()).toEqual([]);
      });

      it("echoes the peer's close code and is CLOSED once the reply is taken (RFC 6455 §5.5.1)", () => {
        const c = open();
        expect(c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(3000, 'bye') }]))).toEqual([
          { type: 'close', code: 3000, reason: 'bye' },
        ]);
        expect(c.state).toBe(ConnectionState.CLOSING);
        expect(sentSummary(c)).toEqual(['close 3000']);
        expect(c.state).toBe(ConnectionState.CLOSED);
        expect(c.bytesToSend()).toEqual([]);
      });

      it('replies to an empty close with an empty close: 1005 never reaches the wire (Autobahn 7.3.1)', () => {
        const c = open();
        expect(c.receive(wire(role, [{ opcode: CLOSE }]))).toEqual([{ type: 'close', code: 1005, reason: '' }]);
        const [reply] = sent(c);
        expect(reply!.opcode).toBe(CLOSE);
        expect(reply!.payload).toHaveLength(0);
      });

      it('replies 1000 to a close that arrives inside a fragmented message, which is dropped (Autobahn 7.1.5)', () => {
        const c = open();
        const events = c.receive(
          wire(role, [
            { opcode: TEXT, fin: false, payload: 'fragment1' },
            { opcode: CLOSE, payload: closeBody(1000) },
            { opcode: 0, payload: 'fragment2' },
          ]),
        );
        expect(events).toEqual([{ type: 'close', code: 1000, reason: '' }]);
        expect(sentSummary(c)).toEqual(['close 1000']);
      });

      it('ignores everything after a close and refuses to send after its reply (Autobahn 7.1.3, 7.1.4)', () => {
        const c = open();
        expect(
          types(
            c.receive(
              wire(role, [
                { opcode: CLOSE, payload: closeBody(1000) },
                { opcode: PING },
                { opcode: TEXT, payload: 'Hello World!' },
              ]),
            ),
          ),
        ).toEqual(['close']);
        expect(types(c.receive(wire(role, [{ opcode: TEXT, payload: 'more' }])))).toEqual([]);
        expect(sentSummary(c)).toEqual(['close 1000']);
        expect(c.send('late')).toBe(false);
        expect(c.ping()).toBe(false);
        expect(c.pong()).toBe(false);
        c.close();
        expect(c.bytesToSend()).toEqual([]);
      });

      it('still sends replies to messages that came with the close, before the close reply (Autobahn 7.1.6)', () => {
        const c = open();
        const events = c.receive(
          wire(role, [
            { opcode: TEXT, payload: 'Hello World!' },
            { opcode: CLOSE, payload: closeBody(1000) },
          ]),
        );
        for (const e of events) if (e.type === 'text') expect(c.send(e.data)).toBe(true);
        expect(sentSummary(c)).toEqual(['text Hello World!', 'close 1000']);
      });

      it('lets close() replace the queued echo', () => {
        const c = open();
        c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(4000) }]));
        c.close(1001, 'going');
        expect(c.state).toBe(ConnectionState.CLOSED);
        expect(sentSummary(c)).toEqual(['close 1001']);
      });

      describe('failing the connection (RFC 6455 §7.1.7)', () => {
        it('sends 1002 after the replies to messages decoded before the violation (Autobahn 3.2 strict)', () => {
          const c = open();
          const events = c.receive(
            wire(role, [
              { opcode: TEXT, payload: 'Hello, world!' },
              { opcode: TEXT, payload: 'Hello, world!', rsv: 2 },
              { opcode: PING },
            ]),
          );
          expect(types(events)).toEqual(['text', 'error']);
          const error = (events[1] as { error: { code: string; closeCode: number } }).error;
          expect(error).toMatchObject({ code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002 });
          expect(c.state).toBe(ConnectionState.CLOSING);
          c.send((events[0] as { data: string }).data);
          c.close(1000); // cannot override the failure code
          expect(sentSummary(c)).toEqual(['text Hello, world!', 'close 1002']);
          expect(c.state).toBe(ConnectionState.CLOSED);
          expect(c.receive(wire(role, [{ opcode: TEXT, payload: 'x' }]))).toEqual([]);
        });

        const failures: [string, FrameSpec[], number][] = [
          [
            'invalid UTF-8 → 1007 (Autobahn 6.3.1)',
            [{ opcode: TEXT, payload: hex('cebae1bdb9cf83cebcceb5eda080656469746564') }],
            1007,
          ],
          ['reserved opcode → 1002 (Autobahn 4.1.1)', [{ opcode: 3 }], 1002],
          ['invalid close code 1005 → 1002 (Autobahn 7.9.4)', [{ opcode: CLOSE, payload: closeBody(1005) }], 1002],
          [
            'invalid UTF-8 in a close reason → 1007 (Autobahn 7.5.1)',
            [{ opcode: CLOSE, payload: concat([closeBody(1000), hex('eda080')]) }],
            1007,
          ],
          ['a 1-byte close body → 1002 (Autobahn 7.3.2)', [{ opcode: CLOSE, payload: hex('61') }], 1002],
          ['a ping of 126 bytes → 1002 (Autobahn 2.5)', [{ opcode: PING, payload: new Uint8Array(126) }], 1002],
          [
            'a masking violation → 1002 (RFC 6455 §5.1)',
            [{ opcode: TEXT, payload: 'x', mask: role === 'server' ? null : hex('01020304') }],
            1002,
          ],
        ];
        for (const [title, specs, code] of failures) {
          it(title, () => {
            const c = open();
            const events = c.receive(wire(role, specs));
            expect(types(events)).toEqual(['error']);
            expect(sentSummary(c)).toEqual([`close ${code}`]);
            expect(c.state).toBe(ConnectionState.CLOSED);
          });
        }

        it('fails 1009 above maxMessageSize (options reach the decoder)', () => {
          const c = open({ maxMessageSize: 10 });
          expect(types(c.receive(wire(role, [{ opcode: BINARY, payload: new Uint8Array(11) }])))).toEqual(['error']);
          expect(sentSummary(c)).toEqual(['close 1009']);
        });

        it('sends no second close when the error arrives after our own close', () => {
          const c = open();
          c.close(1000);
          c.bytesToSend();
          expect(types(c.receive(wire(role, [{ opcode: 3 }])))).toEqual(['error']);
          expect(c.state).toBe(ConnectionState.CLOSED);
          expect(c.bytesToSend()).toEqual([]);
        });
      });

      describe('closing first (RFC 6455 §7.1.2)', () => {
        it('is CLOSING until the peer replies, still delivers data, answers no pings, sends nothing more', () => {
          const c = open();
          c.close(1000, 'bye');
          expect(c.state).toBe(ConnectionState.CLOSING);
          expect(sentSummary(c)).toEqual(['close 1000']);
          expect(c.send('x')).toBe(false);
          expect(types(c.receive(wire(role, [{ opcode: TEXT, payload: 'late' }, { opcode: PING }])))).toEqual([
            'text',
            'ping',
          ]);
          expect(c.bytesToSend()).toEqual([]);
          expect(c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(1000) }]))).toEqual([
            { type: 'close', code: 1000, reason: '' },
          ]);
          expect(c.state).toBe(ConnectionState.CLOSED);
          expect(c.bytesToSend()).toEqual([]);
        });

        it('sends an empty body for close(null), and ignores a second close()', () => {
          const c = open();
          c.close(null);
          c.close(1001);
          const frames = sent(c);
          expect(frames).toHaveLength(1);
          expect(frames[0]!.payload).toHaveLength(0);
        });

        it('validates the code before changing state', () => {
          const c = open();
          expect(() => c.close(1005)).toThrow(RangeError);
          expect(() => c.close(1000, 'x'.repeat(124))).toThrow(RangeError);
          expect(c.state).toBe(ConnectionState.OPEN);
          expect(c.send('still open')).toBe(true);
        });
      });

      it('reports 1006 when the transport ends without a close, and nothing after a close handshake', () => {
        const c = open();
        expect(c.receiveEof()).toEqual([{ type: 'close', code: 1006, reason: '' }]);
        expect(c.state).toBe(ConnectionState.CLOSED);
        const d = open();
        d.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(1000) }]));
        d.bytesToSend();
        expect(d.receiveEof()).toEqual([]);
      });

      describe('phase: the closing states told apart (RFC 6455 §7)', () => {
        /** The detailed phase and the WHATWG-style state, which must always agree. */
        const both = (c: Connection): [string, string] => [c.phase, c.state];

        it('closing first: OPEN → LOCAL_CLOSING (state CLOSING) → CLOSED when the peer replies', () => {
          const c = open();
          expect(both(c)).toEqual([ConnectionPhase.OPEN, ConnectionState.OPEN]);
          c.close(1000);
          expect(both(c)).toEqual([ConnectionPhase.LOCAL_CLOSING, ConnectionState.CLOSING]);
          expect(sentSummary(c)).toEqual(['close 1000']);
          expect(both(c)).toEqual([ConnectionPhase.LOCAL_CLOSING, ConnectionState.CLOSING]);
          c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(1000) }]));
          expect(both(c)).toEqual([ConnectionPhase.CLOSED, ConnectionState.CLOSED]);
        });

        it('the peer first: OPEN → REMOTE_CLOSING (state CLOSING) → CLOSED once the reply is taken', () => {
          const c = open();
          c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(1001) }]));
          expect(both(c)).toEqual([ConnectionPhase.REMOTE_CLOSING, ConnectionState.CLOSING]);
          expect(c.send('still mine')).toBe(true);
          c.close(4001); // replaces the echo and completes the handshake
          expect(both(c)).toEqual([ConnectionPhase.CLOSED, ConnectionState.CLOSED]);
          expect(sentSummary(c)).toEqual(['text still mine', 'close 4001']);
        });

        it('a protocol error: OPEN → FAILING (state CLOSING) → CLOSED once its close frame is taken', () => {
          const c = open();
          expect(types(c.receive(wire(role, [{ opcode: 3 }])))).toEqual(['error']);
          expect(both(c)).toEqual([ConnectionPhase.FAILING, ConnectionState.CLOSING]);
          c.close(1000); // no-op: the error's code stands
          expect(c.phase).toBe(ConnectionPhase.FAILING);
          expect(c.receive(wire(role, [{ opcode: TEXT, payload: 'ignored' }]))).toEqual([]);
          expect(sentSummary(c)).toEqual(['close 1002']);
          expect(both(c)).toEqual([ConnectionPhase.CLOSED, ConnectionState.CLOSED]);
        });

        it('the transport ends while FAILING or LOCAL_CLOSING: CLOSED, 1006, the queued close frame dropped', () => {
          const failing = open();
          failing.receive(wire(role, [{ opcode: 3 }]));
          expect(failing.receiveEof()).toEqual([{ type: 'close', code: 1006, reason: '' }]);
          expect(both(failing)).toEqual([ConnectionPhase.CLOSED, ConnectionState.CLOSED]);
          expect(failing.bytesToSend()).toEqual([]);
          const closing = open();
          closing.close();
          closing.bytesToSend();
          expect(closing.receiveEof()).toEqual([{ type: 'close', code: 1006, reason: '' }]);
          expect(both(closing)).toEqual([ConnectionPhase.CLOSED, ConnectionState.CLOSED]);
        });

        it('REMOTE_CLOSING ignores the end of the transport: the close reply still goes out', () => {
          const c = open();
          c.receive(wire(role, [{ opcode: CLOSE, payload: closeBody(1000) }]));
          expect(c.receiveEof()).toEqual([]);
          expect(c.phase).toBe(ConnectionPhase.REMOTE_CLOSING);
          expect(sentSummary(c)).toEqual(['close 1000']);
          expect(c.phase).toBe(ConnectionPhase.CLOSED);
        });
      });

      it('splits messages with fragmentSize', () => {
        const c = open({ fragmentSize: 4 });
        c.send('abcdefghij');
        expect(sent(c).map((f) => [f.opcode, f.fin, ascii(f.payload)])).toEqual([
          [TEXT, false, 'abcd'],
          [0, false, 'efgh'],
          [0, true, 'ij'],
        ]);
      });

      it('pings an idle peer and declares a silent one dead (heartbeat, time passed in)', () => {
        const c = open({ heartbeat: { interval: 1000, timeout: 500 }, now: 0 });
        expect(c.nextTick()).toBe(1000);
        expect(c.tick(999)).toBe('idle');
        expect(c.tick(1000)).toBe('ping');
        expect(sent(c).map((f) => f.opcode)).toEqual([PING]);
        expect(c.nextTick()).toBe(1500);
        expect(c.tick(1400)).toBe('idle');
        c.receive(wire(role, [{ opcode: PONG, payload: '1000' }]), 1450);
        expect(c.nextTick()).toBe(2450);
        expect(c.tick(2449)).toBe('idle');
        expect(c.tick(2450)).toBe('ping');
        expect(c.tick(2949)).toBe('idle');
        expect(c.tick(2950)).toBe('dead');
        expect(c.state).toBe(ConnectionState.CLOSED);
        expect(c.tick(9999)).toBe('idle');
        expect(c.nextTick()).toBe(Infinity);
        expect(open().nextTick()).toBe(Infinity);
      });
    });
  }
}

describe('Heartbeat', () => {
  it('counts any sign of life and rejects nonsense options', () => {
    const hb = new Heartbeat({ interval: 10, timeout: 5 }, 100);
    expect(hb.deadline()).toBe(110);
    expect(hb.poll(105)).toBe('idle');
    hb.seen(108);
    expect(hb.poll(117)).toBe('idle');
    expect(hb.poll(118)).toBe('ping');
    expect(hb.poll(118)).toBe('idle');
    expect(hb.deadline()).toBe(123);
    hb.seen(120);
    expect(hb.poll(125)).toBe('idle');
    expect(() => new Heartbeat({ interval: 0, timeout: 1 }, 0)).toThrow(RangeError);
  });
});

/**
 * Differential tests on generated frame streams (fast-check, fixed seed; the generator is generate.ts): wsframe
 * vs ws 8.23.0's Receiver (the de-facto reference), on the same streams as the backend comparison, with the
 * INTENDED differences below excluded explicitly (each one is detected precisely and asserted in its own narrower
 * form, never by loosening the main comparison):
 *    (a) wsframe rejects non-minimal length encodings (RFC 6455 §5.2 "the minimal number of bytes MUST be used")
 *        with 1002 WS_ERR_NON_MINIMAL_LENGTH; ws accepts them.
 *    (b) a 64-bit length with the most significant bit set: wsframe 1002 WS_ERR_INVALID_PAYLOAD_LENGTH (§5.2 "the
 *        most significant bit MUST be 0"); ws 1009 WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH.
 *    (c) wsframe validates text while it streams in and fails at the first byte that cannot start valid UTF-8
 *        (Autobahn 6.4 strict); ws validates once at the end of the message. So frames after the offending
 *        byte (control frames between fragments, a close, a later violation, or simply the rest of the
 *        message) are seen by ws and never by wsframe. There we check: ws agrees up to that byte, and ws never
 *        delivers a data message after it (if ws reaches the message end it must fail 1007).
 *    (d) code names that differ for the same violation: wsframe 'WS_ERR_UNEXPECTED_CONTINUATION' /
 *        'WS_ERR_EXPECTED_CONTINUATION' where ws says 'WS_ERR_INVALID_OPCODE'. Compared on the close code (1002)
 *        plus that exact name mapping.
 *    (e) after a close frame, both stop: ws ignores the rest of the chunk and the caller stops writing (ws has
 *        called end() on itself; the WebSocket layer never writes to it again); wsframe ignores all later
 *        bytes. Checked: the close is the last event of both, whatever follows it.
 *    Anything else is a disagreement and fails the property.
 *
 * Set WSFRAME_FC_SEED to replay another seed, WSFRAME_FC_RUNS to scale the number of runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/index.js';
import {
  runs,
  runFrame,
  runWs,
  frameBytes,
  arbPlan,
  arbCleanPlan,
  arbMutation,
  arbCuts,
  type Built,
  build,
  splitAt,
  assertProperty,
  withStream,
  BACKEND_OPTIONS,
} from './generate.js';

// ---------------------------------------------------------------------------------------------------------
// 2. wsframe against ws's Receiver

interface Scanned {
  start: number;
  end: number;
  opcode: number;
}

/** Frame boundaries from the headers alone (no validation); the last entry may be incomplete. */
function scan(bytes: Uint8Array): Scanned[] {
  const out: Scanned[] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    const len7 = bytes[i + 1]! & 0x7f;
    const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const head = 2 + ext + (bytes[i + 1]! & 0x80 ? 4 : 0);
    let length = len7;
    if (ext === 2 && i + 4 <= bytes.length) length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (ext === 8 && i + 10 <= bytes.length) {
      length = 0;
      for (let k = 2; k < 10; k++) length = length * 256 + bytes[i + k]!;
    }
    const end = i + head + length;
    out.push({ start: i, end, opcode: bytes[i]! & 0x0f });
    if (end > bytes.length) break;
    i = end;
  }
  return out;
}

/** Shortest prefix length after which wsframe has failed (it fails on its last byte). */
function failingPrefix(bytes: Uint8Array, role: Role): number {
  let lo = 0; // no error
  let hi = bytes.length; // error
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (frameBytes([bytes.subarray(0, mid)], role).error) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** (d): the same violation under another name in ws. */
const WS_NAME: Record<string, string> = {
  WS_ERR_UNEXPECTED_CONTINUATION: 'WS_ERR_INVALID_OPCODE',
  WS_ERR_EXPECTED_CONTINUATION: 'WS_ERR_INVALID_OPCODE',
};
function asWsError(error: string | null): string | null {
  if (error === null) return null;
  const [code, close] = error.split(' ');
  return `${WS_NAME[code!] ?? code} ${close}`;
}

const stats = {
  streams: 0,
  clean: 0,
  direct: 0,
  nonMinimal: 0,
  msbLength: 0,
  failFastUtf8: 0,
  afterClose: 0,
  errors: new Map<string, number>(),
};

function compareWithWs(built: Built, cuts: readonly number[]): void {
  const { bytes, role } = built;
  const pieces = splitAt(bytes, cuts);
  withStream(built, pieces, () => {
    const w = frameBytes([bytes], role);
    const wsWhole = runWs([bytes], role);
    const wsSplit = runWs(pieces, role);
    // The oracle itself is chunk-agnostic.
    expect({ events: wsSplit.events, error: wsSplit.error }, 'ws split vs ws whole').toEqual({
      events: wsWhole.events,
      error: wsWhole.error,
    });
    // (e) A close frame is the last thing either side reports, whatever follows it.
    for (const o of [w, wsWhole]) {
      const i = o.events.findIndex((e) => e.startsWith('close '));
      if (i !== -1) {
        expect(i, 'close is the last event').toBe(o.events.length - 1);
        expect(o.error, 'nothing fails after a close').toBeNull();
      }
    }
    if (w.events.at(-1)?.startsWith('close ')) {
      const close = scan(bytes).find((f) => f.opcode === 8);
      if (close && close.end < bytes.length) stats.afterClose++;
    }
    const code = w.error?.split(' ')[0];
    stats.streams++;
    if (!w.error) stats.clean++;
    if (w.error) stats.errors.set(w.error, (stats.errors.get(w.error) ?? 0) + 1);

    if (code === 'WS_ERR_NON_MINIMAL_LENGTH' || code === 'WS_ERR_INVALID_PAYLOAD_LENGTH') {
      const p = failingPrefix(bytes, role);
      const rejected = scan(bytes).find((f) => f.start < p && p <= f.end)!;
      const before = runWs([bytes.subarray(0, rejected.start)], role);
      expect(before, 'ws agrees up to the frame wsframe rejects').toEqual({ ...before, events: w.events, error: null });
      const upTo = runWs([bytes.subarray(0, p)], role);
      if (code === 'WS_ERR_NON_MINIMAL_LENGTH') {
        // (a) ws accepts the whole header.
        stats.nonMinimal++;
        expect(upTo.error, '(a) ws accepts a non-minimal length').toBeNull();
        // ws has read the same header; with a zero-length payload it has also delivered that frame.
        expect(upTo.events.slice(0, w.events.length)).toEqual(w.events);
        expect(upTo.events.length).toBeLessThanOrEqual(w.events.length + 1);
      } else {
        // (b) ws rejects the same header with 1009 (it only checks for > 2^53 - 1).
        stats.msbLength++;
        expect(upTo.error, '(b) ws: MSB-set length is > 2^53 - 1').toBe('WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH 1009');
        expect(upTo.events).toEqual(w.events);
      }
      return;
    }

    if (code === 'WS_ERR_INVALID_UTF8') {
      const p = failingPrefix(bytes, role);
      const failingFrame = scan(bytes).find((f) => f.start < p && p <= f.end);
      if (failingFrame && failingFrame.opcode !== 8) {
        // (c) fail fast on a data message; ws decides at the end of the message.
        stats.failFastUtf8++;
        const ws = runWs([bytes.subarray(0, p), bytes.subarray(p)], role);
        const firstBoundary = ws.boundaries[0]!;
        // Up to the offending byte both saw the same; ws has failed there only if that byte ended the message.
        expect(ws.events.slice(0, firstBoundary), '(c) same events up to the offending byte').toEqual(w.events);
        if (ws.boundaries.length === 1 && ws.error !== null) {
          expect(ws.error, '(c) ws fails at the same byte only when it ends the message').toBe(w.error);
        }
        // After it, ws may see control frames, a close or another violation, but never completes the message:
        // any data message it delivered after that point would be the invalid text (or a message after it).
        const later = ws.events.slice(firstBoundary).filter((e) => e.startsWith('text ') || e.startsWith('binary '));
        expect(later, '(c) ws must not deliver a data message after the offending byte').toEqual([]);
        return;
      }
      // An invalid close reason: both validate the whole close frame; compared directly below.
    }

    stats.direct++;
    expect({ events: wsWhole.events, error: wsWhole.error }, 'ws vs wsframe').toEqual({
      events: w.events,
      error: asWsError(w.error),
    });
  });
}

let wsPropertiesCompleted = 0;

describe('wsframe agrees with ws 8.23.0 Receiver (intended differences (a)–(e) excluded explicitly)', () => {
  it('on generated streams', () => {
    assertProperty(
      'ws/generated',
      fc.property(arbPlan, arbCuts, (plan, cuts) => compareWithWs(build(plan), cuts)),
      runs(2000),
    );
    wsPropertiesCompleted++;
  });

  it('on mutated streams', () => {
    assertProperty(
      'ws/mutated',
      fc.property(arbCleanPlan, arbMutation, arbCuts, (plan, mutation, cuts) =>
        compareWithWs(build(plan, mutation), cuts),
      ),
      runs(2000),
    );
    wsPropertiesCompleted++;
  });

  it('covered every intended difference and compared most streams directly', (ctx) => {
    console.info(
      '[differential] ws comparison:',
      JSON.stringify({ ...stats, errors: Object.fromEntries(stats.errors) }),
    );
    // Only meaningful when both properties ran to the end (a failing one stops early and is reported itself).
    if (wsPropertiesCompleted < 2) ctx.skip();
    // Guards against the generators drifting so that an exclusion (or the main comparison) is never exercised.
    expect(stats.direct).toBeGreaterThan(stats.streams * 0.6);
    expect(stats.clean).toBeGreaterThan(stats.streams * 0.2);
    expect(stats.nonMinimal).toBeGreaterThan(0);
    expect(stats.msbLength).toBeGreaterThan(0);
    expect(stats.failFastUtf8).toBeGreaterThan(0);
    expect(stats.afterClose).toBeGreaterThan(0);
  });
});

/**
 * Minimal reproductions of the one disagreement the mutated-stream property finds (not among (a)–(e)):
 * ws checks RSV bits, the opcode, control-frame FIN/length and the MASK bit as soon as the first two header
 * bytes arrive; wsframe first gathers the whole header (up to 14 bytes: extended length and mask key). So a
 * stream that stops inside such a header is a protocol error for ws (1002 at once) but not yet for wsframe,
 * whose end() then reports 1006 WS_ERR_UNEXPECTED_EOF; a peer that sends two bad bytes and waits is not failed.
 * Once the rest of the header arrives both report the same error (second test).
 */
describe('header violations visible in the first two bytes', () => {
  const cases = [
    { role: 'client', head: '8180', rest: 'a1b2c3d4', ws: 'WS_ERR_UNEXPECTED_MASK 1002' },
    { role: 'server', head: 'c180', rest: 'a1b2c3d4', ws: 'WS_ERR_UNEXPECTED_RSV_1 1002' },
    { role: 'server', head: 'a180', rest: 'a1b2c3d4', ws: 'WS_ERR_UNEXPECTED_RSV_2_3 1002' },
    { role: 'server', head: '8380', rest: 'a1b2c3d4', ws: 'WS_ERR_INVALID_OPCODE 1002' },
    { role: 'server', head: '0080', rest: 'a1b2c3d4', ws: 'WS_ERR_INVALID_OPCODE 1002' },
    { role: 'server', head: '0980', rest: 'a1b2c3d4', ws: 'WS_ERR_EXPECTED_FIN 1002' },
    { role: 'server', head: '88fe', rest: '007ea1b2c3d4', ws: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH 1002' },
    { role: 'server', head: '8101', rest: '61', ws: 'WS_ERR_EXPECTED_MASK 1002' }, // complete header: both agree
  ] as const;
  const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

  it.each(cases)('$role $head: reported as soon as the two bytes arrive, like ws', ({ role, head, ws }) => {
    expect(runWs([bytes(head)], role).error).toBe(ws);
    for (const backend of BACKEND_OPTIONS) {
      expect(asWsError(runFrame([bytes(head)], { role, backend }, false).error), backend).toBe(ws);
    }
  });

  it.each(cases)('$role $head + $rest: the same error once the header is complete', ({ role, head, rest, ws }) => {
    const whole = bytes(head + rest);
    expect(runWs([whole], role).error).toBe(ws);
    for (const backend of BACKEND_OPTIONS) {
      expect(asWsError(runFrame([whole], { role, backend }, false).error), backend).toBe(ws);
      expect(asWsError(runFrame([bytes(head), bytes(rest)], { role, backend }, false).error), backend).toBe(ws);
    }
  });
});

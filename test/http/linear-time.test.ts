/**
 * The HTTP grammar under the handshake (src/http.ts): parse time linear in the peer's input (a ratio check over
 * adversarial shapes).
 */
import { describe, expect, it } from 'vitest';
import { acceptKey, Connection, parseHttpHead, verifyUpgradeResponse } from '../../src/index.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

describe('parse time is linear in the peer input (adversarial shapes, 512 B against 15 KiB)', () => {
  const SMALL = 512;
  const LARGE = 15 * 1024;
  /**
   * growth = (time at 15 KiB / time at 512 B) / (15 KiB / 512 B), each time the best of REPS batches: about 1 for
   * linear code (less where fixed costs weigh more at 512 B), about the size ratio (30) for quadratic code.
   * MAX_GROWTH: these cases measure 0.1–1.5 today; a quadratic step (e.g. trimming OWS by rescanning) measures 8–50.
   */
  const MAX_GROWTH = 4;
  const REPS = 7;
  /** A quadratic parse takes ~0.25 s at 15 KiB: after this many ms, three batches are enough to fail it. */
  const SLOW_MS = 2000;
  /** Input bytes per timed batch, so a batch at 512 B repeats the parse ~30 times more often than at 15 KiB. */
  const BATCH_BYTES = 96 * 1024;

  const request = (extra: string, start = 'GET /chat HTTP/1.1'): string =>
    `${start}\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\n` +
    `Sec-WebSocket-Version: 13\r\n${extra}\r\n`;
  const response = (extra: string): string =>
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(KEY)}\r\n${extra}\r\n`;
  /** `unit` repeated (numbered through `i` when it is a function) until the text reaches `size` bytes. */
  const fill = (size: number, prefix: string, unit: (i: number) => string, suffix: string): string => {
    const parts = [prefix];
    let length = prefix.length + suffix.length;
    for (let i = 0; length < size; i++) {
      const u = unit(i);
      parts.push(u);
      length += u.length;
    }
    parts.push(suffix);
    return parts.join('');
  };
  /** A request head of about `size` bytes whose header `name` is filled with `unit`. */
  const requestWith =
    (name: string, before: string, unit: (i: number) => string, after: string) =>
    (size: number): string =>
      fill(size, `${request('').slice(0, -2)}${name}: ${before}`, unit, `${after}\r\n\r\n`);
  const extensions = (before: string, unit: (i: number) => string, after: string) =>
    requestWith('Sec-WebSocket-Extensions', before, unit, after);

  /** What runs on the server for one request head: Connection's handshake (parse, check, answer). */
  const server = (head: Uint8Array): void => {
    new Connection({ role: 'server', handshake: { protocols: ['chat'] } }).receive(head);
  };
  /** What runs on the client for one response head: parse it, verify it (extensions included). */
  const client = (head: Uint8Array): void => {
    const parsed = parseHttpHead(head)!;
    verifyUpgradeResponse({ status: parsed.status!, headers: parsed.headers }, { key: KEY, extensions: ['x'] });
  };

  const shapes: [string, (size: number) => string, (head: Uint8Array) => void][] = [
    ['a run of SP/HTAB inside a header value', requestWith('X-Pad', 'a', () => ' \t', 'b'), server],
    ['a run of SP/HTAB ending a header value', requestWith('X-Pad', 'a', () => '\t ', ''), server],
    ['distinct subprotocols', requestWith('Sec-WebSocket-Protocol', '', (i) => `p${i.toString(36)},`, 'chat'), server],
    ['empty subprotocol list elements', requestWith('Sec-WebSocket-Protocol', '', () => ', \t', 'chat'), server],
    ['empty extension list elements', extensions('', () => ' ,', 'x'), server],
    ['extension offers', extensions('', (i) => `x${i.toString(36)}, `, 'x'), server],
    ['SP/HTAB runs around ";" and "="', extensions('x', () => ' \t', '; a \t= \t1'), server],
    ['extension parameters', extensions('x', (i) => `; p${i.toString(36)}=1`, ''), server],
    ['a quoted value full of escapes', extensions('x; a="', () => '\\"\\\\ \\a', '"'), server],
    ['Connection tokens', requestWith('Connection', '', (i) => `k${i.toString(36)}, `, 'Upgrade'), server],
    ['header lines', (size) => fill(size, request('').slice(0, -2), (i) => `X-${i}: v\r\n`, '\r\n'), server],
    ['a long request target', (size) => fill(size, 'GET /', () => 'a/', ' HTTP/1.1\r\nHost: h\r\n\r\n'), server],
    ['a start line without a version', (size) => fill(size, 'GET ', () => '/ ', '\r\nHost: h\r\n\r\n'), server],
    [
      'extension parameters in a 101',
      (size) =>
        fill(
          size,
          `${response('').slice(0, -2)}Sec-WebSocket-Extensions: x`,
          (i) => `; p${i.toString(36)}="1"`,
          '\r\n\r\n',
        ),
      client,
    ],
    // A head that arrives a byte at a time: Connection collects it without re-copying or re-scanning what it has.
    [
      'header lines, one byte per receive()',
      (size) => fill(size, request('').slice(0, -2), (i) => `X-${i}: v\r\n`, '\r\n'),
      (head) => {
        const connection = new Connection({ role: 'server', handshake: {} });
        for (let i = 0; i < head.length; i++) connection.receive(head.subarray(i, i + 1));
      },
    ],
  ];

  /** Best time (ms) of one `work(head)`, over REPS batches of about BATCH_BYTES of input each. */
  const best = (work: (head: Uint8Array) => void, head: Uint8Array): number => {
    const runs = Math.max(1, Math.round(BATCH_BYTES / head.length));
    const began = performance.now();
    let min = Infinity;
    for (let rep = 0; rep < REPS && (rep < 3 || performance.now() - began < SLOW_MS); rep++) {
      const start = performance.now();
      for (let k = 0; k < runs; k++) work(head);
      min = Math.min(min, (performance.now() - start) / runs);
    }
    return min;
  };

  for (const [title, make, work] of shapes) {
    it(`${title}`, () => {
      const small = latin1(make(SMALL));
      const large = latin1(make(LARGE));
      expect(small.length).toBeGreaterThanOrEqual(SMALL);
      expect(large.length).toBeGreaterThanOrEqual(LARGE);
      expect(large.length).toBeLessThan(16384); // inside the head limit: the whole head gets parsed
      for (let k = 0; k < 5; k++) {
        work(small); // warm the JIT up on both sizes
        work(large);
      }
      const growth = best(work, large) / best(work, small) / (large.length / small.length);
      const message = `${title}: time per byte grew ${growth.toFixed(2)}x from 512 B to 15 KiB`;
      expect(growth, message).toBeLessThan(MAX_GROWTH);
    });
  }
});

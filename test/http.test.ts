/**
 * The HTTP grammar under the handshake (src/http.ts): parse time linear in the peer's input (a ratio check over
 * adversarial shapes), one list rule for every list parser (RFC 9110 §5.6.1), extension parameters (own
 * properties only, quoting, round trip), OWS trimming, and the head parser's argument checks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  acceptKey,
  Connection,
  formatExtensions,
  HandshakeError,
  parseExtensions,
  parseHttpHead,
  parseProtocols,
  verifyUpgradeResponse,
  type ExtensionOffer,
} from '../src/index.js';
import { tokenList, trimOws } from '../src/http.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

const status400 = expect.objectContaining({ status: 400 }) as unknown as Error;

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

describe('list fields: one rule for every parser (RFC 9110 §5.6.1)', () => {
  // Empty elements are ignored wherever they are; a present field needs at least one element (1#).
  const lists: [string, string[]][] = [
    ['a', ['a']],
    ['a,', ['a']],
    [',a', ['a']],
    ['a,,b', ['a', 'b']],
    ['a, ,b', ['a', 'b']],
    [' \t,a ,\t b , ', ['a', 'b']],
    [',,,a,,,', ['a']],
  ];
  const empty = ['', ',', ', ,', ' \t ', ',,,,'];

  for (const [value, elements] of lists) {
    it(`reads ${JSON.stringify(value)} as ${JSON.stringify(elements)} in all three parsers`, () => {
      expect(parseProtocols(value)).toEqual(elements);
      expect(parseExtensions(value)).toEqual(elements.map((name) => ({ name, params: {} })));
      expect(tokenList(value)).toEqual(elements);
    });
  }

  for (const value of empty) {
    it(`refuses ${JSON.stringify(value)} (no element) with 400; tokenList gives [] (callers then refuse)`, () => {
      expect(() => parseProtocols(value)).toThrow(status400);
      expect(() => parseExtensions(value)).toThrow(status400);
      expect(tokenList(value)).toEqual([]);
    });
  }

  it('reads an absent field (undefined) as an empty list in all three', () => {
    expect(parseProtocols(undefined)).toEqual([]);
    expect(parseExtensions(undefined)).toEqual([]);
    expect(tokenList(undefined)).toEqual([]);
  });

  it('skips empty elements between extensions that have parameters', () => {
    expect(parseExtensions(', a; x=1,, ,b; y ,')).toEqual([
      { name: 'a', params: { x: '1' } },
      { name: 'b', params: { y: true } },
    ]);
  });

  it('trims only OWS (SP and HTAB) around elements: other whitespace is not a token character', () => {
    for (const ws of ['\v', '\f', '\u00a0', '\n']) {
      expect(() => parseProtocols(`chat${ws}`)).toThrow(HandshakeError);
      expect(() => parseExtensions(`${ws}x`)).toThrow(HandshakeError);
      expect(tokenList(`${ws}upgrade`)).not.toContain('upgrade');
    }
  });

  it('quotes at most 64 characters of peer input in an error message', () => {
    expect(() => parseProtocols(`${'a'.repeat(5000)} b`)).toThrow(/^wsframe: invalid subprotocol "a{64}\.\.\."$/);
  });

  it('throws a TypeError for a non-string value', () => {
    for (const bad of [null, 1, {}, ['a'], true]) {
      expect(() => parseProtocols(bad as unknown as string)).toThrow(TypeError);
      expect(() => parseExtensions(bad as unknown as string)).toThrow(TypeError);
      expect(() => tokenList(bad as unknown as string)).toThrow(TypeError);
    }
  });
});

describe('extension parameters', () => {
  it('keeps __proto__ and other Object.prototype names as own parameters, and checks them for duplicates', () => {
    const [offer] = parseExtensions('x; __proto__=1; constructor; hasOwnProperty="2"');
    expect(Object.getPrototypeOf(offer!.params)).toBeNull();
    expect(Object.keys(offer!.params)).toEqual(['__proto__', 'constructor', 'hasownproperty']);
    expect(Object.hasOwn(offer!.params, '__proto__')).toBe(true);
    // biome-ignore lint/suspicious/noProto: the parameter named __proto__ is what this test is about
    expect(offer!.params.__proto__).toBe('1');
    expect(offer!.params.constructor).toBe(true);
    expect(() => parseExtensions('x; __proto__; __proto__=1')).toThrow(/duplicate parameter "__proto__"/);
    expect(() => parseExtensions('x; a=1; A=2')).toThrow(/duplicate parameter "a"/);
    // biome-ignore lint/suspicious/noProto: checks that nothing leaked into Object.prototype
    expect(({} as Record<string, unknown>).__proto__).toBe(Object.prototype); // nothing leaked into the prototype
  });

  it('tells a parameter without a value (true) from one with a value, the empty quoted-string included', () => {
    expect(
      parseExtensions('x; server_max_window_bits, x; server_max_window_bits=10, x; server_max_window_bits=""').map(
        (o) => o.params.server_max_window_bits,
      ),
    ).toEqual([true, '10', '']);
  });

  it('unescapes quoted-pairs and accepts any qdtext, obs-text included (RFC 9110 §5.6.4)', () => {
    expect(parseExtensions('x; a="b c"; d="\\"\\\\"; e="\t\xe9\\\xe9"')).toEqual([
      { name: 'x', params: { a: 'b c', d: '"\\', e: '\t\xe9\xe9' } },
    ]);
  });

  const malformed = ['x; a="\x01"', 'x; a="\x7f"', 'x; a="\\\x01"', 'x; a="\u0100"', 'x; a="b"c', 'x; a=b c', 'x; a="'];
  for (const bad of malformed) {
    it(`refuses ${JSON.stringify(bad)} with 400`, () => {
      expect(() => parseExtensions(bad)).toThrow(status400);
    });
  }

  it('formats token values bare and other values as quoted-strings with " and \\ escaped', () => {
    const params = { a: '1', b: true, c: 'two words', d: 'q"b\\s', e: '', f: 'x,y;z=w' } as const;
    expect(
      formatExtensions([
        { name: 'x', params },
        { name: 'y', params: {} },
      ]),
    ).toBe('x; a=1; b; c="two words"; d="q\\"b\\\\s"; e=""; f="x,y;z=w", y');
    expect(formatExtensions([])).toBe('');
  });

  it('round-trips every writable value: parseExtensions(formatExtensions(x)) equals x', () => {
    const name = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,8}$/);
    const value = fc.oneof(fc.constant(true as const), fc.string({ unit: fc.constantFrom(...'\t !"#=,;\\az09~ ') }));
    const offer = fc.record({ name, params: fc.dictionary(name, value, { maxKeys: 4 }) });
    fc.assert(
      fc.property(fc.array(offer, { minLength: 1, maxLength: 4 }), (offers: ExtensionOffer[]) => {
        expect(parseExtensions(formatExtensions(offers))).toEqual(offers);
      }),
      { seed: 0x6455, numRuns: 500 },
    );
  });

  it('refuses what it cannot write with a TypeError: CR, LF, NUL, other controls, non-ASCII, non-token names', () => {
    for (const v of ['a\r\nX-Evil: 1', 'a\nb', 'a\0', '\x7f', '\x1b', 'caf\xe9', '\u010a']) {
      expect(() => formatExtensions([{ name: 'x', params: { a: v } }]), JSON.stringify(v)).toThrow(TypeError);
    }
    expect(() => formatExtensions([{ name: 'x y', params: {} }])).toThrow(TypeError);
    expect(() => formatExtensions([{ name: 'x', params: { 'a b': true } }])).toThrow(TypeError);
    expect(() => formatExtensions([{ name: '', params: {} }])).toThrow(TypeError);
  });

  it('throws a TypeError for wrong-typed input', () => {
    const bad: unknown[] = [
      null,
      'x',
      { name: 'x', params: {} },
      [null],
      ['x'],
      [{ name: 1, params: {} }],
      [{ name: 'x' }],
      [{ name: 'x', params: null }],
      [{ name: 'x', params: ['a'] }],
      [{ name: 'x', params: new Map([['a', '1']]) }],
      [{ name: 'x', params: { a: 1 } }],
      [{ name: 'x', params: { a: false } }],
      [{ name: 'x', params: { a: null } }],
    ];
    for (const extensions of bad) {
      expect(() => formatExtensions(extensions as ExtensionOffer[]), JSON.stringify(extensions)).toThrow(TypeError);
    }
  });
});

describe('trimOws (RFC 9110 §5.6.3)', () => {
  it('drops SP and HTAB at both ends and nothing else', () => {
    expect(trimOws(' \t a \t b\t ')).toBe('a \t b');
    expect(trimOws(' \t ')).toBe('');
    expect(trimOws('\va\v')).toBe('\va\v');
    expect(trimOws('\u00a0a')).toBe('\u00a0a');
  });
});

describe('parseHttpHead', () => {
  it('drops OWS around a value and keeps inner whitespace', () => {
    const head = parseHttpHead(latin1('GET / HTTP/1.1\r\nA:  \t x \t y\t \r\nB:\r\nC: \t\r\n\r\n'))!;
    expect(head.headers).toEqual([
      ['A', 'x \t y'],
      ['B', ''],
      ['C', ''],
    ]);
  });

  it('reads a head out of a Buffer and out of a subarray, and ignores bytes after it', () => {
    const text = 'HTTP/1.1 101 OK\r\nA: b\r\n\r\n';
    const bytes = latin1(`xx${text}\x81\x00`);
    expect(parseHttpHead(Buffer.from(text, 'latin1'))).toMatchObject({ status: 101, length: text.length });
    expect(parseHttpHead(bytes.subarray(2))).toMatchObject({ status: 101, length: text.length, headers: [['A', 'b']] });
  });

  it('reads obs-text bytes as latin1 characters', () => {
    const bytes = Uint8Array.of(...latin1('GET / HTTP/1.1\r\nA: '), 0xe9, 0xff, 13, 10, 13, 10);
    expect(parseHttpHead(bytes)!.headers).toEqual([['A', '\xe9\xff']]);
  });

  it('finds the end of a head that is exactly maxBytes long, and says 431 one byte later', () => {
    const text = `GET / HTTP/1.1\r\nX: ${'a'.repeat(100)}\r\n\r\n`;
    expect(parseHttpHead(latin1(text), text.length)?.length).toBe(text.length);
    const status431 = expect.objectContaining({ status: 431 }) as unknown as Error;
    expect(() => parseHttpHead(latin1(text), text.length - 1)).toThrow(status431);
  });

  it('throws a TypeError for bytes that are not a Uint8Array, and a RangeError for a bad maxBytes', () => {
    const text = 'GET / HTTP/1.1\r\n\r\n';
    const notBytes = [text, null, undefined, 1, [71, 69, 84], new Uint16Array(4), new DataView(new ArrayBuffer(4))];
    for (const bad of [...notBytes, latin1(text).buffer]) {
      expect(() => parseHttpHead(bad as unknown as Uint8Array)).toThrow(TypeError);
    }
    expect(() => parseHttpHead(latin1(text), '100' as unknown as number)).toThrow(TypeError);
    for (const bad of [-1, 0, 3, 1.5, NaN, Infinity]) {
      expect(() => parseHttpHead(latin1(text), bad)).toThrow(RangeError);
    }
  });
});

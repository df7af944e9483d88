/**
 * The HTTP grammar under the handshake (src/http.ts): one list rule for every list parser (RFC 9110 §5.6.1),
 * extension parameters (own properties only, quoting, round trip) and OWS trimming.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatExtensions,
  HandshakeError,
  parseExtensions,
  parseProtocols,
  type ExtensionOffer,
} from '../../src/index.js';
import { tokenList, trimOws } from '../../src/http.js';

const status400 = expect.objectContaining({ status: 400 }) as unknown as Error;

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

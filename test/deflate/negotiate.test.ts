/**
 * permessage-deflate negotiation (RFC 7692 §5, §7.1): the server's choice among offers and its response, the
 * client's offer and its check of the response. Offers are written as they arrive on the wire and parsed with
 * parseExtensions, as a server would.
 */
import { describe, expect, it } from 'vitest';
import {
  deflateOffer,
  negotiateDeflate,
  resolveDeflateOptions,
  verifyDeflateResponse,
  type DeflateParams,
  type PerMessageDeflateOptions,
} from '../../src/deflate/negotiate.js';
import { parseExtensions } from '../../src/http.js';

const DEFAULTS: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function serve(header: string, options?: PerMessageDeflateOptions) {
  return negotiateDeflate(parseExtensions(header, { duplicates: 'mark' }), options);
}

function accepted(header: string, options?: PerMessageDeflateOptions) {
  const result = serve(header, options);
  if (!result.ok) throw new Error(`declined: ${result.reason}`);
  return result;
}

/** Autobahn|Testsuite's offers (autobahn-python PerMessageDeflateOffer.get_extension_string). */
const AUTOBAHN = 'permessage-deflate; client_no_context_takeover; client_max_window_bits';

describe('server: which offer, which response (RFC 7692 §7.1)', () => {
  it.each([
    ['Chromium / Firefox / ws default', 'permessage-deflate; client_max_window_bits', 'permessage-deflate', DEFAULTS],
    ['Safari (no parameters)', 'permessage-deflate', 'permessage-deflate', DEFAULTS],
    [
      'Autobahn 13.1 (default offer)',
      AUTOBAHN,
      'permessage-deflate; client_no_context_takeover',
      { ...DEFAULTS, clientNoContextTakeover: true },
    ],
    [
      'Autobahn 13.2 (no context takeover)',
      `${AUTOBAHN}; server_no_context_takeover`,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      { ...DEFAULTS, serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    [
      'Autobahn 13.3 (window 9)',
      `${AUTOBAHN}; server_max_window_bits=9`,
      'permessage-deflate; client_no_context_takeover; server_max_window_bits=9',
      { ...DEFAULTS, clientNoContextTakeover: true, serverMaxWindowBits: 9 },
    ],
    [
      'Autobahn 13.4 (window 15)',
      `${AUTOBAHN}; server_max_window_bits=15`,
      'permessage-deflate; client_no_context_takeover; server_max_window_bits=15',
      { ...DEFAULTS, clientNoContextTakeover: true },
    ],
    [
      'Autobahn 13.5 (no takeover, window 9)',
      `${AUTOBAHN}; server_no_context_takeover; server_max_window_bits=9`,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9',
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9, clientMaxWindowBits: 15 },
    ],
    [
      'Autobahn 13.6 (no takeover, window 15)',
      `${AUTOBAHN}; server_no_context_takeover; server_max_window_bits=15`,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15',
      { ...DEFAULTS, serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    [
      'Autobahn 13.7 (three offers: the first wins)',
      `${AUTOBAHN}; server_no_context_takeover; server_max_window_bits=9, ` +
        `${AUTOBAHN}; server_no_context_takeover, ${AUTOBAHN}`,
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9',
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9, clientMaxWindowBits: 15 },
    ],
    [
      'a client window hint is answered (§7.1.2.2)',
      'permessage-deflate; client_max_window_bits=10',
      'permessage-deflate; client_max_window_bits=10',
      { ...DEFAULTS, clientMaxWindowBits: 10 },
    ],
    [
      'a client window of 8 is accepted (inflated with 9)',
      'permessage-deflate; client_max_window_bits=8',
      'permessage-deflate; client_max_window_bits=8',
      { ...DEFAULTS, clientMaxWindowBits: 8 },
    ],
    [
      'a quoted value reads as the token (RFC 6455 §9.1)',
      'permessage-deflate; server_max_window_bits="10"',
      'permessage-deflate; server_max_window_bits=10',
      { ...DEFAULTS, serverMaxWindowBits: 10 },
    ],
    ['other extensions are skipped', 'x-webkit-deflate-frame, permessage-deflate', 'permessage-deflate', DEFAULTS],
  ])('%s', (_, header, response, params) => {
    const result = accepted(header);
    expect(result.response).toBe(response);
    expect(result.params).toEqual(params);
    expect(parseExtensions(result.response)).toEqual([result.extension]);
  });

  it('applies its own options: no takeover unasked (§7.1.1.1, §7.1.1.2), smaller windows (§7.1.2)', () => {
    const options = {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 11,
    };
    const result = accepted('permessage-deflate; client_max_window_bits', options);
    expect(result.response).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; ' +
        'server_max_window_bits=10; client_max_window_bits=11',
    );
    expect(result.params).toEqual({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 11,
    });
  });

  it('answers the smaller of the offered and the configured windows', () => {
    expect(
      accepted('permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 }).params.serverMaxWindowBits,
    ).toBe(10);
    expect(
      accepted('permessage-deflate; server_max_window_bits=10', { serverMaxWindowBits: 12 }).params.serverMaxWindowBits,
    ).toBe(10);
    const client = accepted('permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 10 });
    expect(client.response).toBe('permessage-deflate; client_max_window_bits=10');
    expect(
      accepted('permessage-deflate; client_max_window_bits=9', { clientMaxWindowBits: 10 }).params.clientMaxWindowBits,
    ).toBe(9);
  });

  it.each([
    ['an unknown parameter', 'permessage-deflate; x=1', /unknown parameter "x"/],
    ['a value on server_no_context_takeover', 'permessage-deflate; server_no_context_takeover=1', /takes no value/],
    ['a value on client_no_context_takeover', 'permessage-deflate; client_no_context_takeover="x"', /takes no value/],
    [
      'server_max_window_bits without a value',
      'permessage-deflate; server_max_window_bits',
      /invalid server_max_window_bits/,
    ],
    ['server_max_window_bits=7', 'permessage-deflate; server_max_window_bits=7', /invalid server_max_window_bits/],
    ['server_max_window_bits=16', 'permessage-deflate; server_max_window_bits=16', /invalid/],
    ['a leading zero', 'permessage-deflate; server_max_window_bits=09', /invalid/],
    ['a sign', 'permessage-deflate; client_max_window_bits=+9', /invalid client_max_window_bits/],
    ['client_max_window_bits=0', 'permessage-deflate; client_max_window_bits=0', /invalid/],
    ['a repeated parameter', 'permessage-deflate; client_max_window_bits; client_max_window_bits', /given twice/],
    [
      'a repeated parameter with other values',
      'permessage-deflate; server_max_window_bits=10; SERVER_MAX_WINDOW_BITS=11',
      /given twice/,
    ],
    [
      'server_max_window_bits=8 (our compressor needs 9)',
      'permessage-deflate; server_max_window_bits=8',
      /cannot be served/,
    ],
  ])('declines an offer with %s (RFC 7692 §7.1)', (_, header, reason) => {
    const result = serve(header);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('declines an offer it cannot limit when clientMaxWindowBits < 15, as ws (§7.1.2.2)', () => {
    const result = serve('permessage-deflate', { clientMaxWindowBits: 12 });
    expect(result).toEqual({ ok: false, reason: 'offer 1 declined: no client_max_window_bits to ask for 12' });
  });

  it('takes the next acceptable offer after declined ones, and says why each was declined', () => {
    const header =
      'permessage-deflate; foo, permessage-deflate; server_max_window_bits=8, ' +
      'permessage-deflate; server_max_window_bits=11';
    expect(accepted(header).params.serverMaxWindowBits).toBe(11);
    const none = serve('permessage-deflate; foo, permessage-deflate; server_max_window_bits=8');
    expect(none).toEqual({
      ok: false,
      reason:
        'offer 1 declined: unknown parameter "foo"; ' +
        'offer 2 declined: server_max_window_bits=8 cannot be served (the compressor needs 9)',
    });
  });

  it('has nothing to accept without a permessage-deflate offer', () => {
    expect(negotiateDeflate([])).toEqual({ ok: false, reason: 'no permessage-deflate offer' });
    expect(serve('x-webkit-deflate-frame')).toEqual({ ok: false, reason: 'no permessage-deflate offer' });
  });

  it('checks its arguments', () => {
    expect(() => negotiateDeflate('permessage-deflate' as never)).toThrow(TypeError);
    expect(() => negotiateDeflate([], { serverMaxWindowBits: 8 })).toThrow(RangeError);
    expect(() => negotiateDeflate([], { clientNoContextTakeover: 'yes' as never })).toThrow(TypeError);
  });
});

describe('parseExtensions: repeated parameters', () => {
  it('fails by default and marks them with { duplicates: "mark" }, keeping the first value', () => {
    expect(() => parseExtensions('permessage-deflate; a=1; a=2')).toThrow(/duplicate parameter "a"/);
    const [offer] = parseExtensions('permessage-deflate; a=1; b; a=2; A; b', { duplicates: 'mark' });
    expect(offer!.params).toEqual(Object.assign(Object.create(null), { a: '1', b: true }));
    expect(offer!.duplicates).toEqual(['a', 'b']);
    expect(parseExtensions('permessage-deflate; a', { duplicates: 'mark' })[0]).not.toHaveProperty('duplicates');
    expect(() => parseExtensions('x', { duplicates: 'keep' as never })).toThrow(TypeError);
  });
});

describe('client: the offer', () => {
  it.each([
    [undefined, 'permessage-deflate; client_max_window_bits'],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=10'],
    [
      { serverMaxWindowBits: 9, serverNoContextTakeover: true, clientNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; ' +
        'client_max_window_bits',
    ],
  ])('%j → %s', (options, header) => {
    expect(deflateOffer(options)).toBe(header);
    // What we offer, a server of ours accepts.
    expect(serve(header).ok).toBe(true);
  });
});

describe('client: the response (RFC 7692 §5, §7.1)', () => {
  const check = (header: string | undefined, options?: PerMessageDeflateOptions) =>
    verifyDeflateResponse(parseExtensions(header), options);

  it('takes the agreement from the response', () => {
    expect(check('permessage-deflate')).toEqual({ ok: true, params: DEFAULTS });
    expect(
      check(
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=8; ' +
          'client_max_window_bits=9',
      ),
    ).toEqual({
      ok: true,
      params: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 8,
        clientMaxWindowBits: 9,
      },
    });
  });

  it('is declined without permessage-deflate in the response', () => {
    expect(check(undefined)).toEqual({ ok: true, params: undefined });
    expect(check('x-other')).toEqual({ ok: true, params: undefined });
  });

  it('keeps its own limits when the response does not repeat them', () => {
    const options = { clientMaxWindowBits: 10, clientNoContextTakeover: true, serverNoContextTakeover: true };
    // The server did not confirm server_no_context_takeover: it may keep its context, so we inflate with ours.
    expect(check('permessage-deflate', options)).toEqual({
      ok: true,
      params: {
        serverNoContextTakeover: false,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 10,
      },
    });
    const smaller = check('permessage-deflate; client_max_window_bits=9', options);
    expect(smaller.ok && smaller.params?.clientMaxWindowBits).toBe(9);
  });

  it.each([
    ['permessage-deflate, permessage-deflate', undefined, /more than once/],
    ['permessage-deflate; x', undefined, /unknown parameter "x"/],
    ['permessage-deflate; client_max_window_bits', undefined, /without a value/],
    ['permessage-deflate; server_no_context_takeover=1', undefined, /takes no value/],
    ['permessage-deflate; server_max_window_bits=16', undefined, /invalid server_max_window_bits/],
    ['permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 11 }, /above the offered 11/],
    ['permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 11 }, /above the offered 11/],
    ['permessage-deflate; client_max_window_bits=8', undefined, /client_max_window_bits=8 is not supported/],
  ])('fails on %s', (header, options, reason) => {
    const result = check(header, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('fails on a repeated parameter', () => {
    const result = verifyDeflateResponse(
      parseExtensions('permessage-deflate; server_no_context_takeover; server_no_context_takeover', {
        duplicates: 'mark',
      }),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'permessage-deflate response: parameter server_no_context_takeover given twice',
    });
  });

  it('accepts every response our server writes for our own offer', () => {
    for (const options of [
      {},
      { clientMaxWindowBits: 9 },
      { serverMaxWindowBits: 12, serverNoContextTakeover: true },
    ]) {
      const server = accepted(deflateOffer(options), { clientNoContextTakeover: true });
      const client = verifyDeflateResponse(parseExtensions(server.response), options);
      expect(client).toEqual({ ok: true, params: server.params });
    }
  });
});

describe('resolveDeflateOptions', () => {
  it('fills in the documented defaults', () => {
    const defaults = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
      threshold: 1024,
      level: -1,
      memLevel: 8,
    };
    expect(resolveDeflateOptions(undefined)).toEqual(defaults);
    expect(resolveDeflateOptions(true)).toEqual(defaults);
  });

  it.each([
    [{ threshold: -1 }, RangeError],
    [{ level: 10 }, RangeError],
    [{ memLevel: 0 }, RangeError],
    [{ clientMaxWindowBits: 16 }, RangeError],
    [{ serverMaxWindowBits: 9.5 }, RangeError],
    [{ threshold: '1' }, TypeError],
    [null, TypeError],
    [[], TypeError],
  ])('refuses %j', (options, error) => {
    expect(() => resolveDeflateOptions(options as never)).toThrow(error);
  });
});

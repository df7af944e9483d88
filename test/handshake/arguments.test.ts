/** Opening handshake: wrong-typed arguments to every handshake function are a TypeError (or a RangeError). */
import { describe, expect, it } from 'vitest';
import {
  acceptKey,
  buildRejectResponse,
  buildUpgradeRequest,
  buildUpgradeResponse,
  checkUpgradeRequest,
  selectProtocol,
  verifyUpgradeResponse,
} from '../../src/index.js';
import { RFC_ACCEPT, RFC_KEY, rfcRequest } from './fixtures.js';

describe('wrong-typed arguments throw TypeError (or RangeError for a value out of range)', () => {
  /** Expect `f(...args)` to throw `type` for each argument list, as a JavaScript caller might pass them. */
  const throwsFor = (f: (...args: never[]) => unknown, argLists: unknown[][], type = TypeError): void => {
    for (const args of argLists) {
      expect(() => (f as (...a: unknown[]) => unknown)(...args), JSON.stringify(args)).toThrow(type);
    }
  };
  const each = (...values: unknown[]): unknown[][] => values.map((v) => [v]);
  const good = rfcRequest().headers;
  const withHeaders = (...list: unknown[]): unknown[] =>
    list.map((headers) => ({ method: 'GET', httpVersion: '1.1', headers }));

  it('acceptKey', () => {
    throwsFor(acceptKey, each(undefined, null, 1, [RFC_KEY], {}, Buffer.from(RFC_KEY)));
  });

  it('checkUpgradeRequest: the request and its headers', () => {
    throwsFor(
      checkUpgradeRequest,
      each(
        undefined,
        null,
        'GET / HTTP/1.1',
        1,
        [],
        { method: 1, httpVersion: '1.1', headers: good },
        { method: null, httpVersion: '1.1', headers: good },
        { method: ['GET'], httpVersion: '1.1', headers: good },
        { method: 'GET', headers: good },
        { method: 'GET', httpVersion: 1.1, headers: good },
        ...withHeaders(undefined, null, 'Host: h', 1, { host: 1 }, { host: null }, { host: [1] }, { host: { v: 'h' } }),
        ...withHeaders([['host']], [['host', 1]], ['host', 'h'], [[1, 'h']], new Map([['host', 1]])),
      ),
    );
  });

  it('checkUpgradeRequest: the options', () => {
    throwsFor(
      checkUpgradeRequest,
      [
        null,
        'chat',
        [],
        { protocols: 'chat' },
        { protocols: [1] },
        { protocols: [null] },
        { protocolPreference: 1 },
        { origins: 'http://example.com' },
        { origins: [null] },
        { maxHeaderBytes: '1' },
        { maxHeaderCount: null },
      ].map((options) => [rfcRequest(), options]),
    );
    const ranges: unknown[] = [{ protocolPreference: 'both' }, { maxHeaderBytes: -1 }, { maxHeaderCount: 1.5 }];
    ranges.push({ maxHeaderBytes: NaN }, { maxHeaderBytes: Infinity });
    throwsFor(
      checkUpgradeRequest,
      ranges.map((options) => [rfcRequest(), options]),
      RangeError,
    );
  });

  it('buildUpgradeResponse', () => {
    const ok = { accept: RFC_ACCEPT, protocol: undefined };
    throwsFor(
      buildUpgradeResponse,
      each(
        undefined,
        null,
        RFC_ACCEPT,
        { accept: 1 },
        { ...ok, protocol: 1 },
        { ...ok, protocol: null },
        { ...ok, protocol: ['chat'] },
      ),
    );
    const headers = [null, 'X-A: 1', [['X-A', '1']], new Map([['X-A', '1']]), { 'X-A': 1 }, { 'X-A': ['1'] }];
    throwsFor(
      buildUpgradeResponse,
      headers.map((h) => [ok, h]),
    );
  });

  it('buildRejectResponse', () => {
    throwsFor(
      buildRejectResponse,
      each(
        undefined,
        null,
        400,
        { status: '400', reason: 'x' },
        { status: 400 },
        { status: 400, reason: 1 },
        { status: 400, reason: 'x', headers: null },
        { status: 400, reason: 'x', headers: ['Allow: GET'] },
        { status: 400, reason: 'x', headers: { Allow: 1 } },
      ),
    );
    const statuses = [200, 101, 600, 400.5, NaN];
    throwsFor(
      buildRejectResponse,
      statuses.map((status) => [{ status, reason: 'x' }]),
      RangeError,
    );
  });

  it('buildUpgradeRequest', () => {
    throwsFor(
      buildUpgradeRequest,
      each(
        undefined,
        null,
        'h',
        {},
        { host: 1 },
        { host: ['h'] },
        { host: 'h', path: 1 },
        { host: 'h', key: 1 },
        { host: 'h', origin: null },
        { host: 'h', protocols: 'chat' },
        { host: 'h', protocols: [1] },
        { host: 'h', headers: null },
        { host: 'h', headers: [] },
        { host: 'h', headers: { 'X-A': 1 } },
      ),
    );
  });

  it('verifyUpgradeResponse', () => {
    const ok = { status: 101, headers: { Upgrade: 'websocket' } };
    const responses = each(
      undefined,
      null,
      'HTTP/1.1 101',
      { ...ok, status: '101' },
      { status: 101 },
      { ...ok, headers: null },
      { ...ok, headers: { Upgrade: 1 } },
    );
    throwsFor(
      verifyUpgradeResponse,
      responses.map(([r]) => [r, { key: RFC_KEY }]),
    );
    const options = each(
      undefined,
      null,
      RFC_KEY,
      {},
      { key: 1 },
      { key: RFC_KEY, protocols: 'chat' },
      { key: RFC_KEY, extensions: [1] },
    );
    throwsFor(
      verifyUpgradeResponse,
      options.map(([o]) => [ok, o]),
    );
  });

  it('selectProtocol', () => {
    throwsFor(selectProtocol, [
      ['chat', ['chat']],
      [['chat'], 'chat'],
      [[1], []],
      [['a'], [null]],
      [null, []],
    ]);
    throwsFor(selectProtocol, [[['a'], ['a'], 1]]);
    throwsFor(selectProtocol, [[['a'], ['a'], 'both']], RangeError);
  });

  it('the builders refuse a header character that has no single byte: U+010A would be written as a LF', () => {
    expect(() => buildUpgradeRequest({ host: 'h\u010a\u010dX-Evil: 1' })).toThrow(TypeError);
    const accepted = { accept: RFC_ACCEPT, protocol: undefined };
    expect(() => buildUpgradeResponse(accepted, { 'X-A': 'caf\xe9' })).toThrow(TypeError);
    expect(() => buildUpgradeRequest({ host: 'h', protocols: ['chat', 'chat'] })).toThrow(TypeError);
  });
});

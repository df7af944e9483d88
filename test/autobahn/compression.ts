/**
 * Autobahn|Testsuite groups 12 and 13 (permessage-deflate, RFC 7692) for the fuzzingclient mode (testing a
 * server): the fuzzer offers the extension as the case says, compresses each message it sends and inflates
 * each echo with Node's zlib (not wsframe's engine), and compares the echo with what it sent.
 *
 * - 12.x.y: subgroups 12.1–12.5 = json, bmp, faust, html, pdf corpora with Autobahn's default offer; cases .1–.18
 *   send COUNT messages of LEN bytes (the next LEN bytes of the corpus, wrapping) one at a time, waiting for each
 *   echo, fragmented at the case's size (0 = not).
 * - 13.x.y: the json corpus with the offers of 13.1–13.7 and the same 18 (LEN, fragment size) pairs.
 *
 * Stand-ins, as test/fixtures/autobahn/README.md says: the 512×512 BMP (12.2) is a gradient with noise and the
 * 1 MB PDF (12.5) mostly incompressible bytes. A text slice that would cut a UTF-8 sequence is cut before it, so
 * every text message is valid UTF-8.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { CaseDef, Fuzzer } from './fuzzer.js';
import { fromRoot } from './paths.js';

/** (LEN, fragment size, case timeout in s) of cases .1–.18 (Autobahn's case12_x_x / case13_x_x MSG_SIZES). */
const SIZES: [number, number, number][] = [
  [16, 0, 60],
  [64, 0, 60],
  [256, 0, 120],
  [1024, 0, 240],
  [4096, 0, 480],
  [8192, 0, 480],
  [16384, 0, 480],
  [32768, 0, 480],
  [65536, 0, 480],
  [131072, 0, 480],
  [8192, 256, 480],
  [16384, 256, 480],
  [32768, 256, 480],
  [65536, 256, 480],
  [131072, 256, 480],
  [131072, 1024, 480],
  [131072, 4096, 480],
  [131072, 32768, 480],
];
/** Quick form: these cases of each subgroup (small, medium, fragmented, large fragmented), 10 messages each. */
const QUICK_CASES = [1, 4, 11, 16];
const QUICK_COUNT = 10;
const COUNT = 1000;

/** Autobahn's PerMessageDeflateOffer(accept_no_context_takeover, accept_max_window_bits, request_*) string. */
function offer(requestNoContextTakeover = false, requestMaxWindowBits = 0): string {
  let s = 'permessage-deflate; client_no_context_takeover; client_max_window_bits';
  if (requestNoContextTakeover) s += '; server_no_context_takeover';
  if (requestMaxWindowBits !== 0) s += `; server_max_window_bits=${requestMaxWindowBits}`;
  return s;
}

/**
 * A client's offer as Autobahn's server side reads it: what the client can follow (`client_*` parameters) and what
 * it asks of the server (`server_*`).
 */
export interface ClientOffer {
  /** `client_no_context_takeover` offered: the client can be asked to drop its context. */
  acceptNoContextTakeover: boolean;
  /** `client_max_window_bits` offered (with or without a value): the client can be given a window. */
  acceptMaxWindowBits: boolean;
  /** `server_no_context_takeover` asked for. */
  requestNoContextTakeover: boolean;
  /** `server_max_window_bits=N` asked for, else 0. */
  requestMaxWindowBits: number;
}

/** The permessage-deflate offers in a client's `Sec-WebSocket-Extensions`, in order; malformed ones are skipped. */
export function readOffers(field: string | undefined): ClientOffer[] {
  const offers: ClientOffer[] = [];
  for (const element of (field ?? '').split(',')) {
    const [name, ...params] = element.split(';').map((p) => p.trim());
    if (name !== 'permessage-deflate') continue;
    const offer: ClientOffer = {
      acceptNoContextTakeover: false,
      acceptMaxWindowBits: false,
      requestNoContextTakeover: false,
      requestMaxWindowBits: 0,
    };
    let valid = true;
    for (const param of params) {
      const [key, value] = param.split('=').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
      if (key === 'client_no_context_takeover' && value === undefined) offer.acceptNoContextTakeover = true;
      else if (key === 'server_no_context_takeover' && value === undefined) offer.requestNoContextTakeover = true;
      else if (key === 'client_max_window_bits' && (value === undefined || /^(9|1[0-5]|8)$/.test(value)))
        offer.acceptMaxWindowBits = true;
      else if (key === 'server_max_window_bits' && value !== undefined && /^(9|1[0-5]|8)$/.test(value))
        offer.requestMaxWindowBits = Number(value);
      else valid = false;
    }
    if (valid) offers.push(offer);
  }
  return offers;
}

/**
 * Autobahn's PerMessageDeflateOfferAccept: the response to `offer`, granting what the client asked of the
 * server and asking the client for no context takeover and/or a window of `maxWindowBits` (0: nothing).
 */
function acceptOffer(offer: ClientOffer, noContextTakeover: boolean, maxWindowBits: number): string {
  let s = 'permessage-deflate';
  if (offer.requestNoContextTakeover) s += '; server_no_context_takeover';
  if (offer.requestMaxWindowBits !== 0) s += `; server_max_window_bits=${offer.requestMaxWindowBits}`;
  if (noContextTakeover) s += '; client_no_context_takeover';
  if (maxWindowBits !== 0) s += `; client_max_window_bits=${maxWindowBits}`;
  return s;
}

/**
 * The fuzzer as a server (testing a client): the response to the client's offers, or null to decline, as each of
 * Autobahn's accept rules does — 13.1 (and 12.x) take the first offer as it is; 13.2–13.6 ask the client for
 * (no context takeover, window bits) = (yes, –), (no, 9), (no, 15), (yes, 9), (yes, 15), each only from an offer
 * that says the client can follow it; 13.7 tries 13.5's rule, then 13.2's, then 13.1's.
 */
type AcceptRule = (offers: ClientOffer[]) => string | null;
const acceptWith =
  (noContextTakeover: boolean, maxWindowBits: number): AcceptRule =>
  (offers) => {
    const fits = offers.find(
      (o) => (!noContextTakeover || o.acceptNoContextTakeover) && (maxWindowBits === 0 || o.acceptMaxWindowBits),
    );
    return fits ? acceptOffer(fits, noContextTakeover, maxWindowBits) : null;
  };
const GROUP13_ACCEPTS: AcceptRule[] = [
  acceptWith(false, 0),
  acceptWith(true, 0),
  acceptWith(false, 9),
  acceptWith(false, 15),
  acceptWith(true, 9),
  acceptWith(true, 15),
  (offers) => acceptWith(true, 9)(offers) ?? acceptWith(true, 0)(offers) ?? acceptWith(false, 0)(offers),
];

/** 13.1–13.7: what the fuzzer offers (several offers in order for 13.7). */
const GROUP13_OFFERS: string[] = [
  offer(),
  offer(true, 0),
  offer(false, 9),
  offer(false, 15),
  offer(true, 9),
  offer(true, 15),
  [offer(true, 9), offer(true, 0), offer()].join(', '),
];

const corpusFile = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fromRoot('test', 'fixtures', 'autobahn', name)));

/** A 512×512 24-bit bitmap-like gradient with a little noise (stand-in for Autobahn's BMP). */
function bitmap(): Uint8Array {
  const out = new Uint8Array(512 * 512 * 3 + 54);
  let seed = 7;
  for (let i = 54; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const pixel = (i - 54) / 3;
    out[i] = ((pixel % 512) / 2 + (pixel >> 10) + ((seed >>> 28) & 3)) & 0xff;
  }
  return out;
}

/** 1 MB, mostly incompressible (stand-in for Autobahn's PDF). */
function noise(): Uint8Array {
  const out = new Uint8Array(1 << 20);
  let seed = 11;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    out[i] = i % 64 < 8 ? 0x20 : seed >>> 24;
  }
  return out;
}

interface Corpus {
  name: string;
  binary: boolean;
  data: () => Uint8Array;
}
const CORPORA: Corpus[] = [
  { name: 'data1.json', binary: false, data: () => corpusFile('data1.json') },
  { name: 'BMP stand-in', binary: true, data: bitmap },
  { name: 'pg2229.txt (Faust)', binary: true, data: () => corpusFile('pg2229.txt') },
  { name: 'data1.html', binary: false, data: () => corpusFile('data1.html') },
  { name: 'PDF stand-in', binary: true, data: noise },
];

/** The next `length` bytes of `data` from `at`, wrapping; text never ends inside a UTF-8 sequence. */
function slice(data: Uint8Array, at: number, length: number, text: boolean): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = data[(at + i) % data.length]!;
  if (!text) return out;
  let start = 0;
  while (start < out.length && (out[start]! & 0xc0) === 0x80) start++;
  let end = out.length;
  // Back up to the start of the last sequence and drop it if it is incomplete.
  let lead = end - 1;
  while (lead > start && (out[lead]! & 0xc0) === 0x80) lead--;
  const need = out[lead]! >= 0xf0 ? 4 : out[lead]! >= 0xe0 ? 3 : out[lead]! >= 0xc0 ? 2 : 1;
  if (lead + need > end) end = lead;
  return out.subarray(start, end);
}

/** The script of one 12.x.y / 13.x.y case: send, wait for the echo, compare, next; close with 1000. */
function compressionCase(
  id: string,
  corpus: Corpus,
  deflateOffer: string,
  deflateAccept: AcceptRule,
  offerText: string,
  len: number,
  fragment: number,
  count: number,
  seconds: number,
): CaseDef {
  const description =
    `Send ${count} compressed messages each of payload size ${len}, auto-fragment to ${fragment} octets. ` +
    `Use ${offerText}; corpus ${corpus.name}.`;
  let data: Uint8Array | null = null;
  let sent = 0;
  let at = 0;
  let current: Uint8Array = new Uint8Array(0);
  const sendNext = (c: Fuzzer): void => {
    current = slice(data!, at, len, !corpus.binary);
    at = (at + len) % data!.length;
    sent++;
    c.sendMessage(current, corpus.binary, fragment > 0 ? fragment : undefined);
  };
  return {
    id,
    description,
    expectation: `Receive echo'ed messages (with payload as sent). Timeout case after ${seconds} secs.`,
    seconds,
    deflateOffer,
    deflateAccept,
    onOpen(c) {
      c.expected.OK = [];
      c.expectedClose = { closedByMe: true, closeCode: [1000], requireClean: true };
      if (!c.compressing && c.isServer) {
        // Autobahn: a client whose offer the case's accept rule cannot take gets UNIMPLEMENTED, not FAILED.
        c.result = 'permessage-deflate was not agreed: the offer lacks what this case asks of the client';
        c.unimplemented = true;
        c.sendClose(1000);
        return;
      }
      if (!c.compressing) {
        c.result = 'permessage-deflate was not agreed';
        c.violations.push('the server declined permessage-deflate');
        c.sendClose(1000);
        return;
      }
      data ??= corpus.data();
      sent = 0;
      at = 0;
      sendNext(c);
      c.continueLater(seconds, () => {
        c.violations.push(`timeout after ${sent - 1} of ${count} echoes`);
        c.sendClose(1000);
      });
    },
    onMessage(c, payload, binary) {
      if (binary !== corpus.binary || Buffer.compare(payload, current) !== 0) {
        c.violations.push(`echo ${sent} differs from what was sent (${payload.length} vs ${current.length} bytes)`);
        c.sendClose(1000);
        return;
      }
      if (sent < count) return sendNext(c);
      c.received.push(['message', new Uint8Array(0), binary]); // one event for the whole run
      c.expected.OK = c.received.slice();
      c.sendClose(1000);
    },
  };
}

/** Groups 12 and 13: all 90 + 126 cases, or in `quick` form 4 cases per subgroup with 10 messages each. */
export function compressionCases(quick: boolean): CaseDef[] {
  const pick = (n: number): boolean => !quick || QUICK_CASES.includes(n);
  const count = quick ? QUICK_COUNT : COUNT;
  const out: CaseDef[] = [];
  CORPORA.forEach((corpus, g) => {
    SIZES.forEach(([len, fragment, seconds], i) => {
      if (pick(i + 1))
        out.push(
          compressionCase(
            `12.${g + 1}.${i + 1}`,
            corpus,
            offer(),
            GROUP13_ACCEPTS[0]!,
            'the default offer',
            len,
            fragment,
            count,
            seconds,
          ),
        );
    });
  });
  GROUP13_OFFERS.forEach((deflateOffer, g) => {
    SIZES.forEach(([len, fragment, seconds], i) => {
      if (pick(i + 1)) {
        out.push(
          compressionCase(
            `13.${g + 1}.${i + 1}`,
            CORPORA[0]!,
            deflateOffer,
            GROUP13_ACCEPTS[g]!,
            `offer "${deflateOffer}"`,
            len,
            fragment,
            count,
            seconds,
          ),
        );
      }
    });
  });
  return out;
}

// ------------------------------------------------------------------------------------------------ the codec

/** What the server agreed to, from its `Sec-WebSocket-Extensions` (RFC 7692 §7.1). */
export interface Agreement {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

/**
 * Read a response's `Sec-WebSocket-Extensions`: the agreement, null when absent, or a string saying why the
 * response is unacceptable (an unknown parameter or extension, a value out of range).
 */
export function readAgreement(field: string | undefined): Agreement | null | string {
  if (field === undefined || field.trim() === '') return null;
  const extensions = field.split(',').map((e) => e.split(';').map((p) => p.trim()));
  if (extensions.length !== 1 || extensions[0]![0] !== 'permessage-deflate') return `unexpected extensions ${field}`;
  const agreement: Agreement = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  for (const param of extensions[0]!.slice(1)) {
    const [name, value] = param.split('=').map((s) => s.trim());
    const bits = Number(value);
    if (name === 'server_no_context_takeover' && value === undefined) agreement.serverNoContextTakeover = true;
    else if (name === 'client_no_context_takeover' && value === undefined) agreement.clientNoContextTakeover = true;
    else if (name === 'server_max_window_bits' && bits >= 8 && bits <= 15) agreement.serverMaxWindowBits = bits;
    else if (name === 'client_max_window_bits' && bits >= 8 && bits <= 15) agreement.clientMaxWindowBits = bits;
    else return `bad parameter ${param}`;
  }
  return agreement;
}

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const HISTORY = 32768;

/**
 * The fuzzer's permessage-deflate, on Node's zlib: one-shot calls with the previous messages as the
 * dictionary, which is what context takeover means (RFC 7692 §7.2.3.2: a message may refer to earlier ones).
 */
export class ZlibDeflate {
  private sentHistory = Buffer.alloc(0);
  private receivedHistory = Buffer.alloc(0);
  private readonly ourBits: number;
  private readonly theirBits: number;
  private readonly ourTakeover: boolean;
  private readonly theirTakeover: boolean;

  constructor(agreement: Agreement, fuzzerIsServer: boolean) {
    this.ourBits = Math.max(9, fuzzerIsServer ? agreement.serverMaxWindowBits : agreement.clientMaxWindowBits);
    // The peer's agreed window, not 15: a peer that refers further back than it agreed to fails the inflate.
    this.theirBits = fuzzerIsServer ? agreement.clientMaxWindowBits : agreement.serverMaxWindowBits;
    this.ourTakeover = !(fuzzerIsServer ? agreement.serverNoContextTakeover : agreement.clientNoContextTakeover);
    this.theirTakeover = !(fuzzerIsServer ? agreement.clientNoContextTakeover : agreement.serverNoContextTakeover);
  }

  /** RFC 7692 §7.2.1: DEFLATE with a sync flush, its `00 00 ff ff` removed. */
  compress(data: Uint8Array): Uint8Array {
    const dictionary =
      this.ourTakeover && this.sentHistory.length > 0 ? this.sentHistory.subarray(-(1 << this.ourBits)) : undefined;
    const out = deflateRawSync(data, { windowBits: this.ourBits, dictionary, finishFlush: constants.Z_SYNC_FLUSH });
    if (this.ourTakeover) this.sentHistory = Buffer.concat([this.sentHistory, data]).subarray(-HISTORY);
    return out.length === 0 ? Uint8Array.of(0) : out.subarray(0, out.length - 4);
  }

  /** RFC 7692 §7.2.2: append `00 00 ff ff` and inflate. Throws on corrupt data. */
  decompress(payload: Uint8Array): Uint8Array {
    const dictionary = this.theirTakeover && this.receivedHistory.length > 0 ? this.receivedHistory : undefined;
    const out = inflateRawSync(Buffer.concat([payload, TAIL]), {
      windowBits: this.theirBits,
      dictionary,
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    if (this.theirTakeover) this.receivedHistory = Buffer.concat([this.receivedHistory, out]).subarray(-HISTORY);
    return out;
  }
}

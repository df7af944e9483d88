/**
 * The fuzzer's seed corpus: every frame stream of the conformance catalogue (test/runtimes/catalogue.mjs, the
 * Autobahn groups plus the UTF-8 vectors), built once masked (what a server decodes) and once unmasked (what a
 * client decodes), with mask keys fixed by case and frame so that every process builds the same bytes; HTTP
 * upgrade requests and responses; Sec-WebSocket-Extensions and Sec-WebSocket-Protocol values.
 */
import { readFileSync } from 'node:fs';
import { acceptKey, buildRejectResponse, buildUpgradeRequest, buildUpgradeResponse } from '../../src/index.js';
import { fromRoot } from '../autobahn/paths.js';
import { build, catalogue, utf8Cases, type CatalogueCase } from '../runtimes/catalogue.mjs';

export interface Corpus {
  /** Frame streams by the role that decodes them: 'server' streams are masked, 'client' streams are not. */
  frames: { server: Uint8Array[]; client: Uint8Array[] };
  /** HTTP/1.1 upgrade requests (heads only) for KEY, and responses to them. */
  requests: Uint8Array[];
  responses: Uint8Array[];
  extensions: string[];
  protocols: string[];
}

/** The Sec-WebSocket-Key of every request in the corpus (RFC 6455 §1.3's example nonce). */
export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** A mask key that depends only on where the frame is in the catalogue; never all-zero (unless the case says). */
function maskFor(caseIndex: number, frameIndex: number): Uint8Array {
  const k = (Math.imul(caseIndex * 64 + frameIndex + 1, 0x9e3779b1) | 0x01010101) >>> 0;
  return new Uint8Array([k & 0xff, (k >>> 8) & 0xff, (k >>> 16) & 0xff, k >>> 24]);
}

function frameStreams(cases: readonly CatalogueCase[], role: 'server' | 'client'): Uint8Array[] {
  const out: Uint8Array[] = [];
  cases.forEach((c, i) => {
    if (c.roles && !c.roles.includes(role)) return;
    const masked = role === 'server';
    const withKey = (spec: CatalogueCase['frames'][number], f: number): typeof spec =>
      spec.mask === undefined && masked ? { ...spec, mask: maskFor(i, f) } : spec;
    const specs = c.frames.map(withKey);
    out.push(build(specs, masked).bytes);
  });
  return out;
}

const EXTENSIONS = [
  'permessage-deflate',
  'permessage-deflate; client_max_window_bits',
  'permessage-deflate; client_max_window_bits=15; server_no_context_takeover, permessage-deflate',
  'x-foo; level="3", x-bar;a=b;c',
  'x-webkit-deflate-frame',
  'a; b="c\\"d"',
  ' , permessage-deflate ;\tserver_max_window_bits = 10 ,',
  '',
];
const PROTOCOLS = [
  'chat',
  'chat, superchat',
  'v10.stomp, v11.stomp, v12.stomp',
  ' a ,, b ',
  'graphql-transport-ws',
  '',
];

function requests(): string[] {
  const base = buildUpgradeRequest({ host: 'example.com:8080', path: '/chat?room=1', key: KEY }).request;
  const full = buildUpgradeRequest({
    host: 'example.com',
    key: KEY,
    protocols: ['chat', 'superchat'],
    origin: 'https://example.com',
    headers: { 'Sec-WebSocket-Extensions': EXTENSIONS[2]!, 'User-Agent': 'fuzz/1.0' },
  }).request;
  const hand = [
    'GET / HTTP/1.1',
    'host: a',
    'upgrade: WebSocket',
    'connection: keep-alive, Upgrade',
    `sec-websocket-key:  ${KEY}\t`,
    'sec-websocket-version: 13',
    'Sec-WebSocket-Protocol: chat',
    'Sec-WebSocket-Protocol: superchat',
    '',
    '',
  ].join('\r\n');
  return [base, full, hand, 'POST /x HTTP/1.0\r\nHost: a\r\n\r\n'];
}

function responses(): string[] {
  const accept = acceptKey(KEY);
  return [
    buildUpgradeResponse({ accept, protocol: undefined }),
    buildUpgradeResponse({ accept, protocol: 'chat' }, { 'Sec-WebSocket-Extensions': 'permessage-deflate' }),
    'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n' +
      `sec-websocket-accept: ${accept}\r\n\r\n`,
    buildRejectResponse({ status: 426, reason: 'Upgrade Required', headers: { 'Sec-WebSocket-Version': '13' } }),
  ];
}

let cached: Corpus | null = null;

/** Built once per process. */
export function corpus(): Corpus {
  if (cached) return cached;
  const vectors = JSON.parse(readFileSync(fromRoot('test', 'fixtures', 'utf8-cases.json'), 'utf8'));
  const cases = [...catalogue(), ...utf8Cases(vectors)];
  cached = {
    frames: { server: frameStreams(cases, 'server'), client: frameStreams(cases, 'client') },
    requests: requests().map(ascii),
    responses: responses().map(ascii),
    extensions: EXTENSIONS,
    protocols: PROTOCOLS,
  };
  return cached;
}

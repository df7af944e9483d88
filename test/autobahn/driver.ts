/**
 * The two fuzzing modes of Autobahn|Testsuite over loopback TCP:
 *
 * - `fuzzServer` — "fuzzingclient": the driver connects to the server under test once per case (masked frames)
 *   and plays the case against it.
 * - `fuzzClient` — "fuzzingserver": the driver listens on 127.0.0.1 and the client under test connects once per
 *   case to `/runCase?case=N&agent=NAME` (unmasked frames), as `ws/test/autobahn.js` does; the driver hands the
 *   agent each URL in turn instead of the agent asking `/getCaseCount`.
 *
 * The opening handshake on the driver's side uses node:crypto and its own parsing, not wsframe's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readAgreement, readOffers, type Agreement } from './compression.js';
import { Fuzzer, type CaseDef, type CaseResult } from './fuzzer.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const accept = (key: string): string =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

export interface RunOptions {
  /** Multiplier for pauses and timers (quick mode < 1). */
  timeScale: number;
  /** Called after every case (progress output). */
  onCase?: (result: CaseResult) => void;
}

/** Hard cap for one case: its own longest timer, scaled, plus slack for the closing handshake. */
const hardTimeout = (def: CaseDef, scale: number): number => def.seconds * 1000 * scale + 5000;

function failed(def: CaseDef, why: string): CaseResult {
  return {
    id: def.id,
    description: def.description,
    expectation: def.expectation,
    status: 'FAILED',
    behavior: 'FAILED',
    behaviorClose: 'FAILED',
    result: why,
    resultClose: 'The WebSocket opening handshake was never completed!',
    expected: {},
    expectedClose: { closedByMe: false, closeCode: [], requireClean: false },
    received: [],
    closedByMe: false,
    droppedByMe: false,
    wasClean: false,
    remoteCloseCode: null,
    localCloseCode: null,
    violations: [],
    durationMs: 0,
  };
}

/** Run the fuzzer on an open socket until the case ends, or destroy the socket at the hard timeout. */
async function play(fuzzer: Fuzzer, socket: Socket, def: CaseDef, scale: number): Promise<CaseResult> {
  const timer = setTimeout(
    () => {
      fuzzer.violations.push(`case still running after ${hardTimeout(def, scale)} ms (hard timeout)`);
      socket.destroy();
    },
    hardTimeout(def, scale),
  );
  try {
    return await fuzzer.finished;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Open a TCP connection and do the client's opening handshake (offering `deflateOffer` if given); resolves to the
 * socket, any bytes after the head, and the permessage-deflate agreement the server answered with.
 */
function openAsClient(
  port: number,
  host: string,
  path: string,
  deflateOffer?: string,
): Promise<{ socket: Socket; head: Buffer; deflate: Agreement | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    const key = randomBytes(16).toString('base64');
    let buffer = Buffer.alloc(0);
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('no handshake response within 5 s'), 5000);
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return buffer.length > 16384 ? fail('handshake response too long') : undefined;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      const [status, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers = new Map(
        lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      if (!/^HTTP\/1\.1 101 /.test(status!)) return fail(`handshake answered ${status}`);
      if (headers.get('sec-websocket-accept') !== accept(key)) return fail('bad Sec-WebSocket-Accept');
      if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return fail('bad Upgrade header');
      const agreement = readAgreement(headers.get('sec-websocket-extensions'));
      if (typeof agreement === 'string') return fail(agreement);
      if (agreement !== null && deflateOffer === undefined) return fail('an extension accepted that was not offered');
      resolve({ socket, head: buffer.subarray(end + 4), deflate: agreement ?? undefined });
    };
    const onError = (error: Error): void => fail(error.message);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('connect', () => {
      socket.setNoDelay(true);
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nUser-Agent: wsframe-fuzzingclient\r\n` +
          (deflateOffer ? `Sec-WebSocket-Extensions: ${deflateOffer}\r\n` : '') +
          '\r\n',
      );
    });
  });
}

/** fuzzingclient mode: play every case against the server at ws://host:port/. */
export async function fuzzServer(
  target: { host: string; port: number },
  cases: CaseDef[],
  options: RunOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const def of cases) {
    let result: CaseResult;
    try {
      const { socket, head, deflate } = await openAsClient(target.port, target.host, '/', def.deflateOffer);
      const fuzzer = new Fuzzer({ socket, isServer: false, def, timeScale: options.timeScale, head, deflate });
      result = await play(fuzzer, socket, def, options.timeScale);
    } catch (error) {
      result = failed(def, `opening handshake failed: ${(error as Error).message}`);
    }
    results.push(result);
    options.onCase?.(result);
  }
  return results;
}

/** A client under test: connect to `url`, echo every message, resolve when the connection is gone. */
export type ClientAgent = (url: string) => Promise<unknown>;

/** fuzzingserver mode: listen on 127.0.0.1, let `agent` connect once per case, play the case against it. */
export async function fuzzClient(
  agentName: string,
  agent: ClientAgent,
  cases: CaseDef[],
  options: RunOptions,
): Promise<CaseResult[]> {
  const waiting = new Map<number, (fuzzer: { fuzzer: Fuzzer; socket: Socket } | Error) => void>();
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = Number(url.searchParams.get('case'));
    const def = cases[n - 1];
    const deliver = waiting.get(n);
    const key = String(req.headers['sec-websocket-key'] ?? '');
    if (
      url.pathname !== '/runCase' ||
      !def ||
      !deliver ||
      req.headers['sec-websocket-version'] !== '13' ||
      Buffer.from(key, 'base64').length !== 16
    ) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    waiting.delete(n);
    // Groups 12–13: answer the client's permessage-deflate offers by the case's accept rule (RFC 7692 §5).
    const offered = req.headers['sec-websocket-extensions'];
    const response = def.deflateAccept?.(readOffers(Array.isArray(offered) ? offered.join(',') : offered)) ?? null;
    const agreement = response === null ? null : readAgreement(response);
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept(key)}\r\n` +
        (response === null ? '' : `Sec-WebSocket-Extensions: ${response}\r\n`) +
        '\r\n',
    );
    const deflate = agreement === null || typeof agreement === 'string' ? undefined : agreement;
    const fuzzer = new Fuzzer({ socket, isServer: true, def, timeScale: options.timeScale, head, deflate });
    deliver({ fuzzer, socket });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const results: CaseResult[] = [];
  try {
    for (let n = 1; n <= cases.length; n++) {
      const def = cases[n - 1]!;
      const connected = new Promise<{ fuzzer: Fuzzer; socket: Socket } | Error>((resolve) => {
        waiting.set(n, resolve);
        setTimeout(() => resolve(new Error('the client never connected')), 5000).unref();
      });
      const agentDone = agent(`ws://127.0.0.1:${port}/runCase?case=${n}&agent=${encodeURIComponent(agentName)}`).catch(
        () => undefined,
      );
      const opened = await connected;
      waiting.delete(n);
      const result =
        opened instanceof Error
          ? failed(def, opened.message)
          : await play(opened.fuzzer, opened.socket, def, options.timeScale);
      // The agent should notice the closed connection at once; don't let a stuck agent hold up the run.
      await Promise.race([agentDone, new Promise((r) => setTimeout(r, 2000).unref())]);
      results.push(result);
      options.onCase?.(result);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return results;
}

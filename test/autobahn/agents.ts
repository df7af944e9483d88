/**
 * The peers under test. Servers: the wsframe echo server from examples/ (on each backend) and ws's
 * WebSocketServer with an echo handler (what ws/test/autobahn-server.js does). Clients: the wsframe client from
 * examples/ (on each backend) and ws's WebSocket with an echo handler (ws/test/autobahn.js).
 */
import { pathToFileURL } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { allCases } from './cases.js';
import { compressionCases } from './compression.js';
import { fuzzClient, fuzzServer, type ClientAgent } from './driver.js';
import type { CaseResult } from './fuzzer.js';
import { fromRoot } from './paths.js';
import type { AgentReport } from './report.js';

interface EchoServerModule {
  startEchoServer(options: {
    port: number;
    host?: string;
    backend?: string;
  }): Promise<{ port: number; close(): Promise<void> }>;
}
interface ClientModule {
  connect(
    url: string,
    options: {
      backend?: string;
      perMessageDeflate?: unknown;
      onEvent?: (event: { type: string; data?: unknown }, client: { send(data: unknown): boolean }) => void;
    },
  ): { closed: Promise<unknown> };
}
const example = async <T>(name: string): Promise<T> =>
  (await import(pathToFileURL(fromRoot('examples', name)).href)) as T;

interface RunningServer {
  port: number;
  close(): Promise<void>;
}

async function wsframeServer(backend: string): Promise<RunningServer> {
  const { startEchoServer } = await example<EchoServerModule>('echo-server.mjs');
  return startEchoServer({ port: 0, backend });
}

async function wsServer(): Promise<RunningServer> {
  // permessage-deflate on (ws's default is off), so that groups 12–13 check the driver against zlib-backed ws.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    ws.on('error', () => {});
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

async function wsframeClient(backend: string): Promise<ClientAgent> {
  const { connect } = await example<ClientModule>('client.mjs');
  const { deflate } = (await import(pathToFileURL(fromRoot('dist', 'deflate.js')).href)) as {
    deflate(options: { threshold: number }): unknown;
  };
  // The default offer (`permessage-deflate; client_max_window_bits`, as browsers send it); every echo compressed,
  // so that the client's compressor is what groups 12–13 check.
  const perMessageDeflate = deflate({ threshold: 0 });
  return (url) =>
    connect(url, {
      backend,
      perMessageDeflate,
      onEvent(event, client) {
        if (event.type === 'text' || event.type === 'binary') client.send(event.data);
      },
    }).closed;
}

function wsClient(): ClientAgent {
  return (url) =>
    new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('error', () => {});
      ws.on('close', resolve);
    });
}

/** Everything the driver can test: `<implementation>-<mode>[-<backend>]`. */
export const AGENTS = [
  'wsframe-server-wasm',
  'wsframe-server-js',
  'wsframe-client-wasm',
  'wsframe-client-js',
  'ws-server',
  'ws-client',
] as const;
export type AgentName = (typeof AGENTS)[number];

export interface RunAgentOptions {
  quick: boolean;
  /** Only these case ids (or prefixes like '6.4.'); default all. */
  only?: (id: string) => boolean;
  /**
   * Which groups: `'core'` (1–7, 9, 10), `'compression'` (12–13, permessage-deflate) or `'all'` (default).
   */
  groups?: 'core' | 'compression' | 'all';
  onCase?: (result: CaseResult) => void;
}

/** Quick mode: pauses and timers at a quarter (min. enough for loopback), group 9 scaled down in cases.ts. */
export const timeScale = (quick: boolean): number => (quick ? 0.25 : 1);

export async function runAgent(name: AgentName, options: RunAgentOptions): Promise<AgentReport> {
  const [implementation, mode, backend = 'auto'] = name.split('-') as [string, 'server' | 'client', string?];
  const groups = options.groups ?? 'all';
  const cases = [
    ...(groups !== 'compression' ? allCases(options.quick) : []),
    ...(groups !== 'core' ? compressionCases(options.quick) : []),
  ].filter((c) => options.only?.(c.id) ?? true);
  const run = { timeScale: timeScale(options.quick), onCase: options.onCase };
  let results: CaseResult[];
  if (mode === 'server') {
    const server = implementation === 'ws' ? await wsServer() : await wsframeServer(backend);
    try {
      results = await fuzzServer({ host: '127.0.0.1', port: server.port }, cases, run);
    } finally {
      await server.close();
    }
  } else {
    const agent = implementation === 'ws' ? wsClient() : await wsframeClient(backend);
    results = await fuzzClient(name, agent, cases, run);
  }
  return { agent: name, mode, quick: options.quick, date: new Date().toISOString(), node: process.version, results };
}

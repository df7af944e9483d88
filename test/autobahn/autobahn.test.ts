/**
 * The Autobahn-style driver (test/autobahn/) over loopback TCP, quick form: groups 1–7 and 10 in full, group 9 at
 * a quarter size (but 9.3.1/9.4.1 with their 65,536 fragments), pauses shortened. Every case must be OK —
 * INFORMATIONAL only for 7.1.6, 7.13.1, 7.13.2, as the catalogue says — for the wsframe echo server and the
 * wsframe client (examples/), on both backends. As a check of the driver itself, `ws` must score what Autobahn
 * reports for it — NON-STRICT on 6.4.1–6.4.4 (it validates UTF-8 per message, not as bytes arrive) and, with
 * ws 8.23's default `maxFragments` of 16,384, 1008 on the 65,536-fragment cases 9.3.1/9.4.1 — and deliberately
 * broken servers must fail where they should.
 *
 * Reports land in build/autobahn/ (JSON + markdown). The full run: `npm run autobahn`.
 * WSFRAME_AUTOBAHN=full runs this file with the full group 9 too.
 */
import { describe, expect, it } from 'vitest';
import { runAgent, type AgentName } from './agents.js';
import { allCases } from './cases.js';
import { compressionCases } from './compression.js';
import { fuzzServer } from './driver.js';
import type { CaseResult } from './fuzzer.js';
import { startMutant, type Fault } from './mutants.js';
import { fromRoot } from './paths.js';
import { summaryLines, writeReport } from './report.js';

const quick = process.env.WSFRAME_AUTOBAHN !== 'full';
const TIMEOUT = quick ? 90_000 : 900_000;
const INFORMATIONAL = ['7.1.6', '7.13.1', '7.13.2'];
const WS_NON_STRICT = ['6.4.1', '6.4.2', '6.4.3', '6.4.4'];
/** ws ≥ 8.22 caps a message at 16,384 fragments by default (its `maxFragments` option): 1008 on 65,536. */
const WS_FAILED = ['9.3.1', '9.4.1'];
const CASE_COUNT = 301;

const byStatus = (results: CaseResult[], status: string): string[] =>
  results.filter((r) => r.status === status).map((r) => r.id);
const explain = (results: CaseResult[]): string[] =>
  results
    .filter((r) => r.status === 'FAILED' || r.status === 'NON-STRICT')
    .map((r) => `${r.id} ${r.status}: ${r.result} / ${r.resultClose} / got ${r.received.join('; ')}`);

async function run(agent: AgentName): Promise<CaseResult[]> {
  const report = await runAgent(agent, { quick, groups: 'core' });
  writeReport(fromRoot('build', 'autobahn'), report);
  console.log(`${agent}${quick ? ' (quick)' : ''}: ${summaryLines(report.results).join(' | ')}`);
  return report.results;
}

it('has the catalogue: 301 cases in groups 1–7, 9, 10', () => {
  const cases = allCases(quick);
  expect(cases).toHaveLength(CASE_COUNT);
  expect(new Set(cases.map((c) => c.id)).size).toBe(CASE_COUNT);
  const groups = Object.fromEntries(
    [...new Set(cases.map((c) => c.id.split('.')[0]))].map((g) => [
      g,
      cases.filter((c) => c.id.split('.')[0] === g).length,
    ]),
  );
  expect(groups).toEqual({ 1: 16, 2: 11, 3: 7, 4: 10, 5: 20, 6: 145, 7: 37, 9: 54, 10: 1 });
});

describe('wsframe passes every case', () => {
  for (const agent of [
    'wsframe-server-wasm',
    'wsframe-server-js',
    'wsframe-client-wasm',
    'wsframe-client-js',
  ] as const) {
    it(
      `${agent}: all OK, INFORMATIONAL only for 7.1.6 and 7.13.x`,
      async () => {
        const results = await run(agent);
        expect(results).toHaveLength(CASE_COUNT);
        expect(explain(results)).toEqual([]);
        expect(byStatus(results, 'INFORMATIONAL')).toEqual(INFORMATIONAL);
      },
      TIMEOUT,
    );
  }
});

describe('permessage-deflate: groups 12 and 13 against servers (quick: 4 cases per subgroup, 10 messages each)', () => {
  const COMPRESSION_COUNT = quick ? 48 : 216;
  for (const agent of ['wsframe-server-wasm', 'wsframe-server-js', 'ws-server'] as const) {
    it(
      `${agent}: all OK`,
      async () => {
        const report = await runAgent(agent, { quick, groups: 'compression' });
        console.log(`${agent} groups 12–13${quick ? ' (quick)' : ''}: ${summaryLines(report.results).join(' | ')}`);
        expect(report.results.map((r) => r.id.split('.')[0])).toEqual([
          ...Array((COMPRESSION_COUNT * 5) / 12).fill('12'),
          ...Array((COMPRESSION_COUNT * 7) / 12).fill('13'),
        ]);
        expect(explain(report.results)).toEqual([]);
        expect(byStatus(report.results, 'OK')).toHaveLength(COMPRESSION_COUNT);
      },
      TIMEOUT,
    );
  }
});

describe('permessage-deflate: groups 12 and 13 against clients (quick: 4 cases per subgroup, 10 messages each)', () => {
  const COMPRESSION_COUNT = quick ? 48 : 216;
  // Both clients offer `permessage-deflate; client_max_window_bits` (browsers' offer, ws's default): without
  // `client_no_context_takeover` in the offer, Autobahn's accept rules of 13.2, 13.5 and 13.6 decline it.
  const unimplemented = (id: string): boolean => /^13\.[256]\./.test(id);
  for (const agent of ['wsframe-client-wasm', 'wsframe-client-js', 'ws-client'] as const) {
    it(
      `${agent}: all OK but UNIMPLEMENTED on 13.2, 13.5 and 13.6 (its offer cannot be asked for no takeover)`,
      async () => {
        const report = await runAgent(agent, { quick, groups: 'compression' });
        console.log(`${agent} groups 12–13${quick ? ' (quick)' : ''}: ${summaryLines(report.results).join(' | ')}`);
        expect(report.results).toHaveLength(COMPRESSION_COUNT);
        expect(explain(report.results)).toEqual([]);
        const ids = report.results.map((r) => r.id);
        expect(byStatus(report.results, 'UNIMPLEMENTED')).toEqual(ids.filter(unimplemented));
        expect(byStatus(report.results, 'OK')).toEqual(ids.filter((id) => !unimplemented(id)));
      },
      TIMEOUT,
    );
  }
});

describe('ws scores as Autobahn reports for it (a check of the driver)', () => {
  for (const agent of ['ws-server', 'ws-client'] as const) {
    it(
      `${agent}: NON-STRICT on 6.4.1–6.4.4 (not fail-fast), FAILED on 9.3.1/9.4.1 (its maxFragments default), else OK`,
      async () => {
        const results = await run(agent);
        expect(byStatus(results, 'FAILED')).toEqual(WS_FAILED);
        for (const id of WS_FAILED)
          expect(results.find((r) => r.id === id)).toMatchObject({ remoteCloseCode: 1008, closedByMe: false });
        expect(byStatus(results, 'NON-STRICT')).toEqual(WS_NON_STRICT);
        expect(
          results
            .filter((r) => r.status === 'NON-STRICT')
            .every((r) => r.behavior === 'NON-STRICT' && r.behaviorClose === 'OK'),
        ).toBe(true);
        expect(byStatus(results, 'INFORMATIONAL')).toEqual(INFORMATIONAL);
      },
      TIMEOUT,
    );
  }
});

describe('the driver fails broken servers', () => {
  const mutants: [Fault, string[], Record<string, string>][] = [
    // Without pongs the ping cases fail; 2.5 and the unsolicited-pong cases do not need one.
    [
      'no-pong',
      ['2.1', '2.5', '2.7', '2.11', '5.6'],
      { '2.1': 'FAILED', '2.5': 'OK', '2.7': 'OK', '2.11': 'FAILED', '5.6': 'FAILED' },
    ],
    // Bad text gets echoed: the fuzzer itself has to fail the connection, and the close reason is not checked.
    [
      'no-utf8-validation',
      ['6.3.2', '6.4.4', '6.6.1', '6.6.2', '7.5.1'],
      { '6.3.2': 'FAILED', '6.4.4': 'FAILED', '6.6.1': 'FAILED', '6.6.2': 'OK', '7.5.1': 'FAILED' },
    ],
    // RFC 6455 §7.1.1: the server should close TCP first; if the client has to, clean cases become UNCLEAN.
    ['keeps-tcp-open', ['1.1.1', '3.1', '7.1.1'], { '1.1.1': 'FAILED', '3.1': 'NON-STRICT', '7.1.1': 'FAILED' }],
    // 1005 must never be sent (RFC 6455 §7.4.1).
    ['sends-1005', ['7.3.1', '7.3.3'], { '7.3.1': 'FAILED', '7.3.3': 'OK' }],
    // Groups 12–13 need permessage-deflate agreed: a server that declines it fails them.
    ['no-deflate', ['1.1.1', '12.1.1', '13.7.1'], { '1.1.1': 'OK', '12.1.1': 'FAILED', '13.7.1': 'FAILED' }],
  ];
  for (const [fault, ids, expected] of mutants) {
    it(`${fault}: ${Object.entries(expected)
      .map(([id, s]) => `${id} ${s}`)
      .join(', ')}`, async () => {
      const server = await startMutant(fault);
      try {
        const cases = [...allCases(true), ...compressionCases(true)].filter((c) => ids.includes(c.id));
        const results = await fuzzServer({ host: '127.0.0.1', port: server.port }, cases, { timeScale: 0.25 });
        const got = Object.fromEntries(results.filter((r) => r.id in expected).map((r) => [r.id, r.status]));
        expect(got).toEqual(expected);
        if (fault === 'keeps-tcp-open')
          expect(results.find((r) => r.id === '3.1')!.behaviorClose).toBe('FAILED BY CLIENT');
        if (fault === 'sends-1005')
          expect(results.find((r) => r.id === '7.3.1')!.violations).toEqual(['invalid close code 1005 on the wire']);
      } finally {
        await server.close();
      }
    }, 60_000);
  }
});

/**
 * Autobahn-like report: per agent a JSON file with every case and a markdown file with the per-group summary,
 * the cases that were not OK, and the full table (case, expected, observed, behaviour, close, status).
 *
 * Status = the worse of the two Autobahn columns: behaviour FAILED or close FAILED/UNCLEAN → FAILED; behaviour
 * NON-STRICT or close WRONG CODE / FAILED BY CLIENT → NON-STRICT; INFORMATIONAL cases stay INFORMATIONAL, and so
 * do UNIMPLEMENTED ones (a client whose permessage-deflate offer a 13.x case cannot accept, as Autobahn reports it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { CaseResult, Status } from './fuzzer.js';

export const STATUSES: readonly Status[] = ['OK', 'NON-STRICT', 'INFORMATIONAL', 'UNIMPLEMENTED', 'FAILED'];

export interface AgentReport {
  agent: string;
  /** 'server' (fuzzingclient mode) or 'client' (fuzzingserver mode). */
  mode: 'server' | 'client';
  quick: boolean;
  date: string;
  node: string;
  results: CaseResult[];
}

/** Top-level group of a case id ('6.4.1' → '6'). */
export const groupOf = (id: string): string => id.split('.')[0]!;

/** Counts per group and status, e.g. { '1': { OK: 16 }, '6': { OK: 141, 'NON-STRICT': 4 } }. */
export function summarize(results: readonly CaseResult[]): Record<string, Partial<Record<Status, number>>> {
  const out: Record<string, Partial<Record<Status, number>>> = {};
  for (const r of results) {
    const g = (out[groupOf(r.id)] ??= {});
    g[r.status] = (g[r.status] ?? 0) + 1;
  }
  return out;
}

/** One line per group: "6: 141 OK, 4 NON-STRICT". */
export function summaryLines(results: readonly CaseResult[]): string[] {
  return Object.entries(summarize(results)).map(
    ([group, counts]) =>
      `${group}: ${STATUSES.filter((s) => counts[s])
        .map((s) => `${counts[s]} ${s}`)
        .join(', ')}`,
  );
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const observed = (r: CaseResult): string =>
  `${r.received.length ? r.received.join('; ') : 'nothing'}; close: ${r.closedByMe ? 'fuzzer first' : 'peer first'}, peer code ${r.remoteCloseCode ?? 'none'}, ${r.wasClean ? 'clean' : 'unclean'}${r.droppedByMe ? ', fuzzer dropped TCP' : ''}`;
const expectedText = (r: CaseResult): string =>
  `${
    Object.entries(r.expected)
      .map(([k, v]) => `${k}: ${v.length ? v.join('; ') : 'nothing'}`)
      .join(' / ') || r.expectation
  }; close: ${r.expectedClose.closedByMe ? 'fuzzer first' : 'peer first'}, code ${r.expectedClose.closeCode.join('/')}${r.expectedClose.requireClean ? ', clean' : ''}`;

export function markdown(report: AgentReport): string {
  const { results } = report;
  const lines = [
    `# Autobahn-style report: ${report.agent} (${report.mode}${report.quick ? ', quick' : ''})`,
    '',
    `${report.date}, Node ${report.node}. Autobahn|Testsuite groups 1–7, 9, 10; ${results.length} cases.`,
    '',
    '| group | OK | NON-STRICT | INFORMATIONAL | FAILED |',
    '|---|---|---|---|---|',
    ...Object.entries(summarize(results)).map(
      ([g, c]) => `| ${g} | ${c.OK ?? 0} | ${c['NON-STRICT'] ?? 0} | ${c.INFORMATIONAL ?? 0} | ${c.FAILED ?? 0} |`,
    ),
    '',
  ];
  const notOk = results.filter((r) => r.status !== 'OK');
  if (notOk.length) {
    lines.push('## Not OK', '');
    for (const r of notOk)
      lines.push(
        `- **${r.id}** ${r.status} (behaviour ${r.behavior}, close ${r.behaviorClose}): ${r.result} ${r.resultClose}.${r.violations.length ? ` Violations: ${r.violations.join('; ')}.` : ''}`,
      );
    lines.push('');
  }
  lines.push(
    '## All cases',
    '',
    '| case | description | expected | observed | behaviour | close | status | ms |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    lines.push(
      `| ${r.id} | ${cell(r.description)} | ${cell(expectedText(r))} | ${cell(observed(r))} | ${r.behavior} | ${r.behaviorClose} | ${r.status} | ${r.durationMs} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Write `<dir>/<agent>.json` and `.md`; returns the markdown path. */
export function writeReport(dir: string, report: AgentReport): string {
  mkdirSync(dir, { recursive: true });
  const base = `${dir}/${report.agent}`;
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(`${base}.md`, markdown(report));
  return `${base}.md`;
}

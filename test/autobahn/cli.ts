/**
 * `npm run autobahn` — the full driver run (bundled with esbuild, run by node):
 *
 *   node build/autobahn/cli.mjs [--quick] [--agents=wsframe-server-wasm,ws-client] [--cases=6.4.,7.] [--out=DIR]
 *
 * Writes `<out>/<agent>.json|.md` (default out: build/autobahn) and prints the per-group summary. Exit code 1 if
 * any wsframe case is FAILED or NON-STRICT.
 */
import { AGENTS, runAgent, type AgentName } from './agents.js';
import { fromRoot } from './paths.js';
import { summaryLines, writeReport } from './report.js';

const args = new Map(
  process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0]!, a.split('=')[1] ?? 'true']),
);
const quick = args.get('quick') === 'true';
const agents = (args.get('agents')?.split(',') ?? [...AGENTS]) as AgentName[];
const prefixes = args.get('cases')?.split(',');
const out = args.get('out') ?? fromRoot('build', 'autobahn');
for (const a of agents) if (!AGENTS.includes(a)) throw new Error(`unknown agent ${a}; known: ${AGENTS.join(', ')}`);

let bad = 0;
for (const agent of agents) {
  const started = Date.now();
  process.stdout.write(`${agent}${quick ? ' (quick)' : ''}: `);
  const report = await runAgent(agent, {
    quick,
    only: prefixes ? (id) => prefixes.some((p) => id === p || id.startsWith(p.endsWith('.') ? p : `${p}.`)) : undefined,
    onCase: (r) =>
      process.stdout.write(
        { OK: '.', INFORMATIONAL: 'i', UNIMPLEMENTED: 'u', 'NON-STRICT': 'n' }[r.status as string] ?? 'F',
      ),
  });
  const path = writeReport(out, report);
  console.log(
    `\n  ${summaryLines(report.results).join('\n  ')}\n  ${((Date.now() - started) / 1000).toFixed(1)} s, report: ${path}`,
  );
  for (const r of report.results) {
    if (r.status !== 'OK') console.log(`  ${r.id} ${r.status}: ${r.result} ${r.resultClose}`);
    if (agent.startsWith('wsframe') && (r.status === 'FAILED' || r.status === 'NON-STRICT')) bad++;
  }
}
process.exit(bad > 0 ? 1 : 0);

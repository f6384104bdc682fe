/**
 * The bench's bot process (spawned by bench/workers/run.ts; not meant to be run by hand): the engine without a
 * worker, as `opsgate start --no-worker` wires it, over the generated sites. It requests one lab-move-dir run
 * per site at once, follows every site's event stream (as the Slack follower does), approves each gate as the
 * bench approver, and samples its own RSS until every run finished. Prints one JSON line.
 */
import { loadAppSetup } from '../../src/wiring/app-setup.ts';
import { createLogger, openRuntime } from '../../src/wiring/main.ts';
import { createOpsMetrics } from '../../src/adapters/ops/ops-metrics.ts';
import { BENCH_APPROVER, BENCH_REQUESTER } from './bench-sites.ts';

const setup = await loadAppSetup();
if (!setup.ok) throw new Error(setup.error);
const rt = await openRuntime({ ...setup.value, log: createLogger('warn'), metrics: createOpsMetrics('bot') });
const { engine, events } = rt;
const sites = rt.sites.list();
let maxRss = process.memoryUsage().rss;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 100);
const started = Date.now();
const runIds = new Map<string, string>();
for (const s of sites) {
  const r = await engine.request({
    site: s.name,
    runbook: 'lab-move-dir',
    args: { host: s.hosts[0] ?? '', base: '/tmp/opsgate-bench' },
    requester: BENCH_REQUESTER,
  });
  if (!r.ok) throw new Error(`${s.name}: ${r.error.message}`);
  runIds.set(s.name, r.value.runId);
}
const outcomes = await Promise.all(
  sites.map(async (s) => {
    let last = '0';
    for (;;) {
      const batch = await events.read(s.name, last, { blockMs: 1000 });
      for (const { id, event } of batch) {
        last = id;
        if (event.runId !== runIds.get(s.name)) continue;
        if (event.type === 'gate.opened') {
          await engine.decide({
            gateId: event.gate.id,
            user: BENCH_APPROVER,
            userGroups: [],
            choice: 'approve',
            planHash: event.gate.planHash,
          });
        }
        if (event.type === 'run.finished' || event.type === 'run.stopped')
          return event.type === 'run.finished' ? event.outcome : 'stopped';
      }
    }
  }),
);
const seconds = (Date.now() - started) / 1000;
clearInterval(sampler);
maxRss = Math.max(maxRss, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({ runs: outcomes.length, completed: outcomes.filter((o) => o === 'completed').length, seconds, maxRssMb: Math.round(maxRss / 1048576) })}\n`,
);
await rt.close();

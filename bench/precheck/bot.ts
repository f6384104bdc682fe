/**
 * The precheck bench's bot process (spawned by bench/precheck/run.ts; not meant to be run by hand): the engine
 * without a worker, as `opsgate start --no-worker` wires it. It requests one /precheck of the generated site, follows
 * the site's event stream (as the Slack follower does) until the run finished, and prints one JSON line: the wall
 * time from the request to `run.finished`, its own CPU over that time, the outcome and the steps finished.
 */
import { loadAppSetup } from '../../src/wiring/app-setup.ts';
import { createLogger, openRuntime } from '../../src/wiring/main.ts';
import { PRECHECK_RUNBOOK } from '../../src/runbooks/xizang/precheck/precheck.ts';
import { BENCH_REQUESTER, PRECHECK_SITE } from './precheck-site.ts';

const setup = await loadAppSetup();
if (!setup.ok) throw new Error(setup.error);
const rt = await openRuntime({ ...setup.value, log: createLogger('warn') });
const last = await rt.events.latestId(PRECHECK_SITE);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const r = await rt.engine.request({
  site: PRECHECK_SITE,
  runbook: PRECHECK_RUNBOOK,
  args: {},
  requester: BENCH_REQUESTER,
});
if (!r.ok) throw new Error(r.error.message);
let cursor = last;
let outcome = '';
let steps = 0;
while (outcome === '') {
  for (const { id, event } of await rt.events.read(PRECHECK_SITE, cursor, { blockMs: 1000 })) {
    cursor = id;
    if (event.runId !== r.value.runId) continue;
    if (event.type === 'step.finished') steps++;
    if (event.type === 'run.finished') outcome = event.outcome;
    if (event.type === 'gate.opened') outcome = `stopped at a gate of ${event.gate.stepId}`;
  }
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ runId: r.value.runId, outcome, steps, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
await rt.close();

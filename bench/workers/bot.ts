/**
 * The bench's bot process (spawned by bench/workers/run.ts; not meant to be run by hand): the engine without a
 * worker, as `opsgate start --no-worker` wires it, over the generated sites. It requests one lab-move-dir run
 * per site at once, follows every site's event stream as the Slack follower does (one blocking read of 500 ms per
 * site at a time, on the runtime's event reader), approves each gate as the bench approver, and samples its own
 * RSS until every run finished. For each gate it records the time from its decision (just before
 * `engine.decide`) to the `step.started` of the gated step (that event's time, written by a worker on this
 * machine's clock), how long `engine.decide` itself took, and how long a
 * gate's opening took to reach the bot through its event stream. Prints one JSON line.
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
const runIds = await Promise.all(
  sites.map(async (s) => {
    const r = await engine.request({
      site: s.name,
      runbook: 'lab-move-dir',
      args: { host: s.hosts[0] ?? '', base: '/tmp/opsgate-bench' },
      requester: BENCH_REQUESTER,
    });
    if (!r.ok) throw new Error(`${s.name}: ${r.error.message}`);
    return r.value.runId;
  }),
);
/** Milliseconds from a decision to the start of the step it let through, one per gate. */
const decisionToStartMs: number[] = [];
/** Milliseconds from a gate's opening (its event's time, from a worker) to the bot reading it from the stream. */
const gateSeenMs: number[] = [];
/** Milliseconds `engine.decide` took, the bot's share of the time from decision to step start. */
const decideMs: number[] = [];
/** Why a run did not complete: the step and the reason its failure gate gave. */
const failures: string[] = [];
const outcomes = await Promise.all(
  sites.map(async (s, i) => {
    const runId = runIds[i];
    const decidedAt = new Map<string, number>();
    let last = '0';
    for (;;) {
      const batch = await events.read(s.name, last, { blockMs: 500, count: 100 });
      for (const { id, event } of batch) {
        last = id;
        if (event.runId !== runId) continue;
        if (event.type === 'gate.opened') {
          gateSeenMs.push(Date.now() - event.at);
          // A failure's gate (retry, roll-back, abort) is answered abort: the run counts as not completed.
          const approve = event.gate.choices.includes('approve');
          if (approve) decidedAt.set(event.gate.stepId, Date.now());
          else failures.push(`${s.name} ${event.gate.stepId}: ${event.context.reason ?? event.gate.kind}`);
          const d = await engine.decide({
            gateId: event.gate.id,
            user: approve ? BENCH_APPROVER : BENCH_REQUESTER,
            userGroups: [],
            choice: approve ? 'approve' : 'abort',
            planHash: event.gate.planHash,
          });
          if (!d.ok) throw new Error(`${s.name}: ${d.error.message}`);
          const t0 = decidedAt.get(event.gate.stepId);
          if (t0 !== undefined) decideMs.push(Date.now() - t0);
        }
        const t0 = event.type === 'step.started' ? decidedAt.get(event.stepId) : undefined;
        if (event.type === 'step.started' && t0 !== undefined) {
          decisionToStartMs.push(event.at - t0);
          decidedAt.delete(event.stepId);
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
  `${JSON.stringify({
    runs: outcomes.length,
    completed: outcomes.filter((o) => o === 'completed').length,
    seconds,
    maxRssMb: Math.round(maxRss / 1048576),
    decisionToStartMs,
    decideMs,
    gateSeenMs,
    failures,
  })}\n`,
);
await rt.close();

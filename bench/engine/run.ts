/**
 * Engine benchmark: `npx tsx bench/engine/run.ts [--steps N] [--decisions M]`.
 * - per-step overhead: a run of N plain steps through the real Redis stores, audit log and BullMQ queue, with an
 *   instant in-process runner; a step's time (from the end of the previous step to its own end) minus the time
 *   spent in the runner, against calling the runner directly for the same three calls;
 * - decision to step start: M gated steps; from `engine.decide` to the `step.started` event of that step.
 * Prints medians and p99; the last line is one JSON object. Uses the local Redis (REDIS_URL) under a unique prefix.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RedisGateStore } from '../../src/approvals/redis-gate-store.ts';
import { RedisAuditLog } from '../../src/audit/redis-audit-log.ts';
import { createEngine } from '../../src/engine/create-engine.ts';
import { silentLog, type EngineDeps } from '../../src/engine/engine-deps.ts';
import { siteDirectory } from '../../src/engine/engine-site.ts';
import { RedisSiteLock } from '../../src/lock/redis-site-lock.ts';
import { systemClock } from '../../src/ports/clock.ts';
import { randomIds } from '../../src/ports/ids.ts';
import { BullRunQueue } from '../../src/queue/bull-run-queue.ts';
import { startSiteWorkers } from '../../src/queue/start-site-workers.ts';
import { createRunbookRegistry } from '../../src/runbooks/runbook-registry.ts';
import { RedisEventStream } from '../../src/store/redis-event-stream.ts';
import { RedisRunStore } from '../../src/store/redis-run-store.ts';
import { InstantRemote, TimedEvents, benchRunbook, benchSite, stats } from './bench-setup.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const STEPS = arg('steps', 200);
const DECISIONS = arg('decisions', 50);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomUUID()}:`;
const redis = new Redis(url, { maxRetriesPerRequest: null });
const bull = new Redis(url, { maxRetriesPerRequest: null });
const remote = new InstantRemote();
const events = new TimedEvents(new RedisEventStream(redis, prefix));
const queue = new BullRunQueue({ connection: bull, prefix: `${prefix}bull` });
const deps: EngineDeps = {
  runs: new RedisRunStore(redis, prefix),
  queue,
  gates: new RedisGateStore({ redis, prefix }),
  audit: new RedisAuditLog({ redis, prefix }),
  lock: new RedisSiteLock({ redis, prefix }),
  events,
  sites: siteDirectory([benchSite]),
  runbooks: createRunbookRegistry([benchRunbook]),
  openRemote: async () => remote,
  clock: systemClock,
  ids: randomIds,
  log: silentLog,
};
const engine = createEngine(deps);
const workers = startSiteWorkers({ engine, sites: ['bench'], connection: bull, prefix: `${prefix}bull`, log: silentLog });

try {
  await workers.ready;
  // Direct: the three runner calls of a step (precondition, command, verification), without the engine.
  const direct: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    for (const command of ['test -e /tmp', 'true', 'test -e /tmp']) await remote.fanOut(['h1'], () => ({ command }));
    direct.push(performance.now() - t0);
  }

  const r = await engine.request({ site: 'bench', runbook: 'bench', args: { steps: STEPS, gated: 0 }, requester: 'U_REQ' });
  if (!r.ok) throw new Error(r.error.message);
  const runId = r.value.runId;
  await events.when((e) => e.type === 'run.finished' && e.runId === runId);
  const finished = events.log.filter((l) => l.event.runId === runId && l.event.type === 'step.finished').map((l) => l.t);
  const planned = events.log.find((l) => l.event.runId === runId && l.event.type === 'run.planned')?.t ?? 0;
  const perStep = finished.map((t, i) => t - (i === 0 ? planned : (finished[i - 1] ?? 0)));
  const runnerPerStep = remote.runnerMs / STEPS;
  const overhead = perStep.map((ms) => ms - runnerPerStep);

  const r2 = await engine.request({ site: 'bench', runbook: 'bench', args: { steps: 0, gated: DECISIONS }, requester: 'U_REQ' });
  if (!r2.ok) throw new Error(r2.error.message);
  const latency: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const stepId = `g${i}`;
    const runId2 = r2.value.runId;
    await events.when((e) => e.type === 'gate.opened' && e.runId === runId2 && e.gate.stepId === stepId);
    const gate = (await deps.gates.pendingForRun(runId2)).find((g) => g.stepId === stepId);
    if (gate === undefined) throw new Error(`no gate for ${stepId}`);
    const t0 = performance.now();
    const d = await engine.decide({ gateId: gate.id, user: 'U_APP', userGroups: [], choice: 'approve', planHash: gate.planHash });
    if (!d.ok) throw new Error(d.error.message);
    const t1 = await events.when((e) => e.type === 'step.started' && e.runId === runId2 && e.stepId === stepId);
    latency.push(t1 - t0);
  }

  const result = {
    bench: 'engine',
    steps: STEPS,
    decisions: DECISIONS,
    direct_runner_ms: stats(direct),
    engine_step_ms: stats(perStep),
    step_overhead_ms: stats(overhead),
    decision_to_start_ms: stats(latency),
    goals: { step_overhead_p50_ms: 10, decision_to_start_p50_ms: 100 },
  };
  process.stdout.write(`runner called directly, per step (3 calls): p50 ${result.direct_runner_ms.p50} ms, p99 ${result.direct_runner_ms.p99} ms\n`);
  process.stdout.write(`step through the engine (queue + state + audit + events): p50 ${result.engine_step_ms.p50} ms, p99 ${result.engine_step_ms.p99} ms\n`);
  process.stdout.write(`per-step overhead: p50 ${result.step_overhead_ms.p50} ms, p99 ${result.step_overhead_ms.p99} ms (goal p50 <= 10 ms)\n`);
  process.stdout.write(`decision to step start: p50 ${result.decision_to_start_ms.p50} ms, p99 ${result.decision_to_start_ms.p99} ms (goal p50 <= 100 ms)\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await workers.close();
  await queue.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await Promise.all([redis.quit(), bull.quit()]);
}

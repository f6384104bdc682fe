/**
 * Engine benchmark: `npx tsx bench/engine/run.ts [--steps N] [--decisions M] [--site-file FILE --host NAME]`.
 * - per-step overhead: a run of N plain steps (precondition, command, verification) through the real Redis
 *   stores, audit log and BullMQ queue; a step's time (end of the previous step to its own end) minus the time
 *   spent inside the runner, next to the runner called directly for the same calls (open, 3 calls, close);
 * - decision to step start: M gated steps; from `engine.decide` to that step's `step.started` event.
 * The runner answers in-process at once by default; with `--site-file` it is the SSH runner on a host of that
 * site (e.g. the lab's). Prints medians and p99; the last line is one JSON object. Uses REDIS_URL (default the
 * local Redis) under a unique prefix, removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { deleteKeysUnder } from '../../test/support/redis-test-keys.ts';
import { RedisGateStore } from '../../src/adapters/redis/redis-gate-store.ts';
import { RedisAuditLog } from '../../src/adapters/redis/redis-audit-log.ts';
import { createEngine } from '../../src/core/engine/create-engine.ts';
import { silentLog, type EngineDeps } from '../../src/core/engine/engine-deps.ts';
import { siteDirectory, toSite, type Site } from '../../src/core/sites/site.ts';
import { RedisSiteLock } from '../../src/adapters/redis/redis-site-lock.ts';
import { systemClock } from '../../src/adapters/system/system-clock.ts';
import { randomIds } from '../../src/adapters/system/random-ids.ts';
import type { RemoteSession } from '../../src/core/ports/remote.ts';
import { BullRunQueue } from '../../src/adapters/bullmq/bull-run-queue.ts';
import { sshConfigOf } from '../../src/wiring/ssh-hosts-from-site.ts';
import { startSiteWorkers } from '../../src/adapters/bullmq/start-site-workers.ts';
import { createRunbookRegistry } from '../../src/core/engine/runbook-registry.ts';
import { createSshSession } from '../../src/runners/ssh/create-ssh-session.ts';
import { loadSite } from '../../src/adapters/files/load-site.ts';
import { RedisEventStream } from '../../src/adapters/redis/redis-event-stream.ts';
import { RedisRunStore } from '../../src/adapters/redis/redis-run-store.ts';
import { InstantRemote, TimedEvents, benchPolicy, benchRunbook, benchSite, stats, timedOpener } from './bench-setup.ts';
import { systemSleep } from '../../src/adapters/system/system-sleep.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const STEPS = Number(arg('steps') ?? 200);
const DECISIONS = Number(arg('decisions') ?? 50);
const siteFile = arg('site-file');

async function runner(): Promise<{ site: Site; host: string; open: () => Promise<RemoteSession>; label: string }> {
  if (siteFile === undefined) {
    const instant = new InstantRemote();
    return { site: benchSite, host: 'h1', open: async () => instant, label: 'in-process instant runner' };
  }
  const loaded = await loadSite(siteFile, { env: process.env });
  if (!loaded.ok) throw new Error(`site file ${siteFile}: ${loaded.error.map((p) => p.message).join('; ')}`);
  const host = arg('host') ?? loaded.value.site.hosts[0]?.name ?? '';
  const spoolDir = mkdtempSync(join(tmpdir(), 'opsgate-bench-'));
  const site = { ...toSite(loaded.value.site, loaded.value.baseDir), policy: benchPolicy };
  const setup = await sshConfigOf(site, process.env);
  return {
    site,
    host,
    open: async () => createSshSession({ hosts: setup.hosts, secrets: setup.secrets, spoolDir }),
    label: `SSH runner on ${host}`,
  };
}

const { site, host, open, label } = await runner();
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomUUID()}:`;
const redis = new Redis(url, { maxRetriesPerRequest: null });
const bull = new Redis(url, { maxRetriesPerRequest: null });
const meter = { ms: 0 };
const events = new TimedEvents(new RedisEventStream(redis, prefix), meter);
const queue = new BullRunQueue({ connection: bull, prefix: `${prefix}bull` });
const deps: EngineDeps = {
  runs: new RedisRunStore(redis, prefix),
  queue,
  gates: new RedisGateStore({ redis, prefix }),
  audit: new RedisAuditLog({ redis, prefix }),
  lock: new RedisSiteLock({ redis, prefix }),
  events,
  sites: siteDirectory([site]),
  runbooks: createRunbookRegistry([benchRunbook]),
  openRemote: timedOpener(open, meter),
  clock: systemClock,
  sleep: systemSleep,
  ids: randomIds,
  log: silentLog,
};
const engine = createEngine(deps);
const workers = startSiteWorkers({
  engine,
  sites: [site.name],
  connection: bull,
  prefix: `${prefix}bull`,
  log: silentLog,
});

try {
  await workers.ready;
  const direct: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    const s = await open();
    for (const command of ['test -e /tmp', 'true', 'test -e /tmp']) await s.fanOut([host], () => ({ command }));
    await s.close();
    direct.push(performance.now() - t0);
  }

  const cpu0 = process.cpuUsage();
  const r = await engine.request({
    site: site.name,
    runbook: 'bench',
    args: { steps: STEPS, gated: 0, host },
    requester: 'U_REQ',
  });
  if (!r.ok) throw new Error(r.error.message);
  const runId = r.value.runId;
  await events.when((e) => e.type === 'run.finished' && e.runId === runId);
  const cpu = process.cpuUsage(cpu0);
  // This process's own CPU per step (engine, BullMQ client, JSON): what is left when the machine is idle.
  const cpuPerStepMs = Math.round(((cpu.user + cpu.system) / 1000 / STEPS) * 100) / 100;
  const mine = events.log.filter((l) => l.event.runId === runId);
  const marks = [
    mine.find((l) => l.event.type === 'run.planned'),
    ...mine.filter((l) => l.event.type === 'step.finished'),
  ].flatMap((l) => (l ? [l] : []));
  const perStep = marks.slice(1).map((m, i) => m.t - (marks[i]?.t ?? m.t));
  const overhead = marks
    .slice(1)
    .map((m, i) => m.t - (marks[i]?.t ?? m.t) - (m.runnerMs - (marks[i]?.runnerMs ?? m.runnerMs)));

  const r2 = await engine.request({
    site: site.name,
    runbook: 'bench',
    args: { steps: 0, gated: DECISIONS, host },
    requester: 'U_REQ',
  });
  if (!r2.ok) throw new Error(r2.error.message);
  const runId2 = r2.value.runId;
  const latency: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const stepId = `g${i}`;
    await events.when((e) => e.type === 'gate.opened' && e.runId === runId2 && e.gate.stepId === stepId);
    const gate = (await deps.gates.pendingForRun(runId2)).find((g) => g.stepId === stepId);
    if (gate === undefined) throw new Error(`no gate for ${stepId}`);
    const t0 = performance.now();
    const d = await engine.decide({
      gateId: gate.id,
      user: 'U_APP',
      userGroups: [],
      choice: 'approve',
      planHash: gate.planHash,
    });
    if (!d.ok) throw new Error(d.error.message);
    latency.push(
      (await events.when((e) => e.type === 'step.started' && e.runId === runId2 && e.stepId === stepId)) - t0,
    );
  }
  await events.when((e) => e.type === 'run.finished' && e.runId === runId2);

  const result = {
    bench: 'engine',
    runner: label,
    steps: STEPS,
    decisions: DECISIONS,
    direct_runner_ms: stats(direct),
    engine_step_ms: stats(perStep),
    step_overhead_ms: stats(overhead),
    decision_to_start_ms: stats(latency),
    engine_process_cpu_ms_per_step: cpuPerStepMs,
    load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
    goals: { step_overhead_p50_ms: 10, decision_to_start_p50_ms: 100 },
  };
  const line = (what: string, s: { p50: number; p99: number }, goal = '') =>
    process.stdout.write(`${what}: p50 ${s.p50} ms, p99 ${s.p99} ms${goal}\n`);
  process.stdout.write(`runner: ${label}\n`);
  line('runner called directly, per step (open, 3 calls, close)', result.direct_runner_ms);
  line('step through the engine', result.engine_step_ms);
  line('per-step overhead (queue + state + audit + events)', result.step_overhead_ms, ' (goal p50 <= 10 ms)');
  line('decision to step start', result.decision_to_start_ms, ' (goal p50 <= 100 ms)');
  process.stdout.write(
    `CPU of this process per step: ${cpuPerStepMs} ms; machine load average: ${result.load_average_1m}\n`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await workers.close();
  await queue.close();
  await deleteKeysUnder(redis, prefix);
  await Promise.all([redis.quit(), bull.quit()]);
}

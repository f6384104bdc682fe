import { afterEach, describe, expect, it } from 'vitest';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { BASE, SITE, effectCounts, ev, pathExists } from '../engine/engine-lab.ts';
import { useEngineTest } from '../engine/engine-test.ts';
import { sample, scrape, startOpsWorker, type OpsWorker } from './ops-worker.ts';

const REQUESTER = 'U_OPS_TEST';

describe('a worker in operation: health, metrics and SIGTERM', () => {
  const ctx = useEngineTest();
  let worker: OpsWorker | undefined;

  afterEach(() => {
    worker?.child.kill('SIGKILL');
    worker = undefined;
  });

  const request = async (holdSeconds: number) => {
    const r = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE, holdSeconds },
      requester: REQUESTER,
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.runId;
  };
  const approve = (gate: Gate) =>
    ctx.rt.engine.decide({
      gateId: gate.id,
      user: ctx.approver,
      userGroups: [],
      choice: 'approve',
      planHash: gate.planHash,
    });
  const servingNow = async () => (await ctx.rt.ops.registry.servingCounts([SITE], Date.now())).get(SITE);

  it('answers /healthz and /metrics, and the metrics move when a run completes', async () => {
    worker = await startOpsWorker(ctx.t);
    const health = await fetch(`${worker.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, redis: 'reachable', workers: { xizang: 1 } });
    const before = await scrape(worker.url);
    expect(sample(before, 'opsgate_runs_finished_total', { site: SITE, outcome: 'completed' })).toBe(0);

    const runId = await request(0);
    await approve((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate);
    expect((await ctx.watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');

    const after = await scrape(worker.url);
    expect(sample(after, 'opsgate_runs_finished_total', { site: SITE, outcome: 'completed' })).toBe(1);
    expect(sample(after, 'opsgate_step_duration_seconds_count', { site: SITE, status: 'succeeded' })).toBe(4);
    expect(sample(after, 'opsgate_remote_command_duration_seconds_count', { site: SITE })).toBe(4);
    expect(sample(after, 'opsgate_gate_wait_seconds_count', { site: SITE, choice: 'approve' })).toBe(0); // decided by the bot, not this worker
    expect(sample(after, 'opsgate_workers_live', { site: SITE })).toBe(1);
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(worker.stderr()).toMatch(/"runId":"run_[0-9a-f]+","stepId":"move-dir"/);
  });

  it('on SIGTERM in the middle of a step, lets the step finish, takes no next step, leaves the registry and exits 0', async () => {
    worker = await startOpsWorker(ctx.t);
    const runId = await request(3);
    await approve((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate);
    await ctx.watch.waitFor(ev('step.started', 'move-dir', runId));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.out.text).toMatch(/SIGTERM: finishing the running steps/);
    expect((await ctx.watch.waitFor(ev('step.finished', 'move-dir', runId))).status).toBe('succeeded');
    const run = (await ctx.rt.engine.getRun(runId))?.run;
    expect(run?.steps['move-dir']?.status).toBe('succeeded');
    expect(run?.steps['record-end']?.status ?? 'pending').toBe('pending');
    expect(await servingNow()).toBe(0);

    worker = await startOpsWorker(ctx.t);
    expect((await ctx.watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');
    expect(await effectCounts()).toEqual({ 'record-start': 1, 'move-dir': 1, 'record-end': 1 });
  });

  it('on SIGTERM, records a step that outlasts the grace time as interrupted, never as half-finished', async () => {
    worker = await startOpsWorker(ctx.t, { OPSGATE_SHUTDOWN_GRACE_MS: '500' });
    const runId = await request(6);
    await approve((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate);
    await ctx.watch.waitFor(ev('step.started', 'move-dir', runId));
    worker.child.kill('SIGTERM');
    const interrupted = await ctx.watch.waitFor(ev('step.interrupted', 'move-dir', runId));
    expect(interrupted.summary).toMatch(/^the worker was shut down \(SIGTERM\) before the step finished\. /);
    expect(await worker.exited).toBe(0);
    expect(worker.out.text).toMatch(/1 step\(s\) did not finish in time: recorded as interrupted/);
    const gate = await ctx.watch.waitFor(
      (e) => ev('gate.opened', 'move-dir', runId)(e) && e.gate.kind === 'interrupted',
      30_000,
    );
    expect(gate.type).toBe('gate.opened');
    expect(ctx.watch.seen.some((e) => ev('step.finished', 'move-dir', runId)(e))).toBe(false);
    expect((await ctx.rt.engine.getRun(runId))?.run.steps['move-dir']?.status).toBe('interrupted');
    await new Promise((r) => setTimeout(r, 6000)); // whatever the host was doing is over now
    expect(await pathExists(`${BASE}/data_bak/file`)).toBe(true);
    expect((await effectCounts())['move-dir']).toBe(1);
  });
});

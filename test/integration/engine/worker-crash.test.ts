import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { siteQueueName } from '../../../src/adapters/bullmq/bull-run-queue.ts';
import type { Gate } from '../../../src/core/ports/gates.ts';
import { BASE, SITE, effectCounts, ev, killHard, pathExists, spawnWorker } from './engine-lab.ts';
import { useEngineTest } from './engine-test.ts';

const REQUESTER = 'U_ENGINE_TEST';

describe('durable runs: a worker killed with -9', () => {
  const ctx = useEngineTest();
  let worker: ChildProcess | undefined;

  afterEach(async () => {
    if (worker) await killHard(worker);
    worker = undefined;
  });

  const restart = async () => {
    if (worker) await killHard(worker);
    worker = await spawnWorker(ctx.t);
  };
  const decide = (gate: Gate, choice: Gate['choices'][number], user = ctx.approver) =>
    ctx.rt.engine.decide({ gateId: gate.id, user, userGroups: [], choice, planHash: gate.planHash });

  it('at every step boundary: the run continues after each restart and no step runs twice', async () => {
    const queue = new Queue(siteQueueName(SITE), { connection: ctx.rt.bull.connection, prefix: ctx.rt.bull.prefix });
    try {
      await queue.pause();
      worker = await spawnWorker(ctx.t);
      const r = await ctx.rt.engine.request({
        site: SITE,
        runbook: 'lab-move-dir',
        args: { base: BASE },
        requester: REQUESTER,
      });
      if (!r.ok) throw new Error(r.error.message);
      const runId = r.value.runId;
      await restart(); // boundary: planned, nothing started
      // Let exactly one step through: resume, pause again as soon as it has started, kill once it has finished.
      const oneStep = async (stepId: string) => {
        await queue.resume();
        await ctx.watch.waitFor(ev('step.started', stepId, runId));
        await queue.pause();
        const done = await ctx.watch.waitFor(ev('step.finished', stepId, runId));
        expect(done.status).toBe('succeeded');
        await restart();
      };
      await oneStep('inspect');
      await oneStep('record-start');
      const gate = (await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate;
      await restart(); // boundary: waiting at the gate holds no worker
      expect((await ctx.rt.engine.getRun(runId))?.run.steps['move-dir']?.status).toBe('gated');
      expect((await decide(gate, 'approve')).ok).toBe(true);
      await oneStep('move-dir');
      await queue.resume();
      const finished = await ctx.watch.waitFor(ev('run.finished', undefined, runId));
      expect(finished.outcome).toBe('completed');
      await restart(); // boundary: after the end, nothing more happens
      expect(await effectCounts()).toEqual({ 'record-start': 1, 'move-dir': 1, 'record-end': 1 });
      expect(await pathExists(`${BASE}/data_bak/file`)).toBe(true);
      expect(await pathExists(`${BASE}/data`)).toBe(false);
      expect((await ctx.rt.deps.audit.verify(SITE)).ok).toBe(true);
      expect(await ctx.rt.deps.lock.holder(SITE)).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('inside a destructive step: the step is marked interrupted, probed and never re-run on its own', async () => {
    worker = await spawnWorker(ctx.t);
    const r = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE, holdSeconds: 3 },
      requester: REQUESTER,
    });
    if (!r.ok) throw new Error(r.error.message);
    const runId = r.value.runId;
    await decide((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate, 'approve');
    await ctx.watch.waitFor(ev('step.started', 'move-dir', runId));
    await new Promise((res) => setTimeout(res, 1000));
    await restart(); // killed while `sleep 3 && mv …` runs on the host
    const interrupted = await ctx.watch.waitFor(ev('step.interrupted', 'move-dir', runId));
    expect(interrupted.summary).toMatch(/Verification passes|Preconditions still hold|partly done/);
    const opened = await ctx.watch.waitFor(
      (e) => ev('gate.opened', 'move-dir', runId)(e) && e.gate.kind === 'interrupted',
      30_000,
    );
    const gate = opened.type === 'gate.opened' ? opened.gate : undefined;
    if (gate === undefined) throw new Error('no interrupted gate');
    expect(gate.choices).toEqual(['retry', 'mark-done', 'roll-back', 'abort']);
    await new Promise((res) => setTimeout(res, 4000)); // whatever the host was doing is over now
    expect(await (await effectCounts())['move-dir']).toBe(1);
    const moved = await pathExists(`${BASE}/data_bak/file`);
    expect((await decide(gate, moved ? 'mark-done' : 'retry')).ok).toBe(true);
    expect((await ctx.watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');
    expect(await effectCounts()).toEqual({ 'record-start': 1, 'move-dir': moved ? 1 : 2, 'record-end': 1 });
    expect(await pathExists(`${BASE}/data_bak/file`)).toBe(true);
  });

  it('rejection stops the run where it is; a rollback then undoes the completed steps behind a new gate', async () => {
    worker = await spawnWorker(ctx.t);
    const first = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE },
      requester: REQUESTER,
    });
    if (!first.ok) throw new Error(first.error.message);
    await decide((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', first.value.runId))).gate, 'reject');
    const stopped = await ctx.watch.waitFor(ev('run.stopped', 'move-dir', first.value.runId));
    expect(stopped.rollbackOffered).toBe(true);
    expect(await effectCounts()).toEqual({ 'record-start': 1 });
    expect((await ctx.rt.engine.abort({ runId: first.value.runId, user: REQUESTER, userGroups: [] })).ok).toBe(true);

    const second = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE },
      requester: REQUESTER,
    });
    if (!second.ok) throw new Error(second.error.message);
    const runId = second.value.runId;
    await decide((await ctx.watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate, 'approve');
    expect((await ctx.watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');
    expect((await ctx.rt.engine.rollback({ runId, requester: REQUESTER })).ok).toBe(true);
    const gate = (await ctx.watch.waitFor(ev('gate.opened', 'restore-dir', runId))).gate;
    expect(gate.kind).toBe('rollback');
    await decide(gate, 'approve');
    expect(
      (await ctx.watch.waitFor((e) => e.type === 'run.finished' && e.runId === runId && e.outcome === 'rolled-back'))
        .type,
    ).toBe('run.finished');
    expect(await pathExists(`${BASE}/data/file`)).toBe(true);
    expect(await pathExists(`${BASE}/data_bak`)).toBe(false);
    expect(await effectCounts()).toEqual({ 'record-start': 2, 'move-dir': 1, 'record-end': 1, 'restore-dir': 1 });
  });
});

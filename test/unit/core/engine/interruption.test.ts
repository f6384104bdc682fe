import { describe, expect, it } from 'vitest';
import { classifyDelivery } from '../../../../src/core/engine/handle-step-job.ts';
import type { NextAction } from '../../../../src/core/engine/next-action.ts';
import type { StepState } from '../../../../src/core/plan/run-state.ts';
import type { ActionStep } from '../../../../src/core/plan/step-schema.ts';
import { BASE, HOST, harness } from './harness.ts';

/**
 * Starts a lab-move-dir run, approves the move and lets the worker "die" inside `mv` (the job handler is left
 * hanging); returns the run and the job, for a test to re-deliver it.
 */
async function dieInsideMove(h: ReturnType<typeof harness>) {
  const runId = await h.start();
  await h.decide(h.lastGate(), 'approve');
  h.remote.hang = / && mv /;
  const job = h.queue.waiting.shift()!;
  void h.engine.handleJob(job);
  await new Promise((r) => setTimeout(r, 20));
  return { runId, job };
}

/**
 * The worker dies inside `mv` after the move went through; re-delivered, the step is interrupted; a person chooses
 * roll-back.
 */
async function rollBackAfterMoveInterrupted(h: ReturnType<typeof harness>): Promise<string> {
  const { runId, job } = await dieInsideMove(h);
  h.remote.hang = undefined;
  await h.remote.exec(HOST, { command: `mv ${BASE}/data ${BASE}/data_bak` }); // the move completed on the host
  await h.engine.handleJob(job);
  await h.decide(h.lastGate(), 'roll-back');
  await h.drain();
  return runId;
}

const step = (kind: 'check' | 'action') => ({ id: 's', kind, destructive: false }) as unknown as ActionStep;
const exec = (attempt = 1): NextAction => ({ type: 'execute', stepId: 's', attempt, phase: 'forward' });
const job = (attempt = 1) => ({ site: 'lab', runId: 'r', stepId: 's', attempt });
const st = (status: StepState['status'], attempt = 1): StepState => ({ status, attempt });

describe('classifyDelivery', () => {
  it.each<[string, NextAction, 'check' | 'action', StepState, number, string]>([
    ['runs a step cleared to run', exec(), 'action', st('ready'), 1, 'run'],
    ['runs a pending step the plan says to execute', exec(), 'check', st('pending'), 1, 'run'],
    [
      'reconciles an action found running (never re-runs it on its own)',
      exec(),
      'action',
      st('running'),
      1,
      'reconcile',
    ],
    ['re-runs a check found running, since it only reads', exec(), 'check', st('running'), 1, 'run'],
    ['drops a job of an older attempt', exec(2), 'action', st('ready', 2), 1, 'drop'],
    [
      'drops a job for a step the plan is not at',
      { type: 'wait', stepId: 's', gateId: 'g' },
      'action',
      st('gated'),
      1,
      'drop',
    ],
    [
      'drops a job when the run waits on a decision',
      { type: 'await-decision', stepId: 's', reason: 'interrupted', phase: 'forward' },
      'action',
      st('interrupted'),
      1,
      'drop',
    ],
  ])('%s', (_name, next, kind, state, attempt, expected) => {
    expect(classifyDelivery(next, step(kind), state, job(attempt))).toBe(expected);
  });
});

describe('engine: an interrupted destructive step', () => {
  it('is marked interrupted on re-delivery, probed, and waits for a person instead of running again', async () => {
    const h = harness();
    const { runId, job } = await dieInsideMove(h);
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']?.status).toBe('running');
    // The move went through on the host although nobody recorded it (the process died after the command).
    h.remote.hang = undefined;
    h.remote.paths.get(HOST)!.delete(`${BASE}/data`);
    h.remote.paths.get(HOST)!.delete(`${BASE}/data/file`);
    h.remote.touch(HOST, `${BASE}/data_bak`, `${BASE}/data_bak/file`);

    expect(await h.engine.handleJob(job)).toBe('reconcile'); // BullMQ re-delivers the stalled job
    await h.drain();
    const st = (await h.engine.getRun(runId))!.run.steps['move-dir'];
    expect(st?.status).toBe('interrupted');
    expect(st?.summary).toContain(
      `Verification passes (${BASE}/data is absent on ${HOST}, ${BASE}/data_bak exists on ${HOST}): the step completed`,
    );
    expect(h.remote.ran(/ && mv /)).toBe(1);
    expect(h.events.of('step.interrupted')).toHaveLength(1);
    expect(h.lastGate()).toMatchObject({ kind: 'interrupted', choices: ['retry', 'mark-done', 'roll-back', 'abort'] });

    await h.decide(h.lastGate(), 'mark-done');
    await h.drain();
    const { run } = (await h.engine.getRun(runId))!;
    expect(run.outcome).toBe('completed');
    expect(run.statusLine).toContain('marked done by a person: move-dir');
    expect(h.remote.ran(/ && mv /)).toBe(1);
  });

  it('runs the step again only when a person chooses retry, as a new attempt', async () => {
    const h = harness();
    const { runId, job } = await dieInsideMove(h);
    h.remote.hang = undefined;
    await h.engine.handleJob(job);
    // `mv` had been sent: however the probes look, the step may be partly done (it may still be running there).
    expect((await h.engine.getRun(runId))!.run.steps['move-dir']?.summary).toContain('may be partly done');
    expect(h.lastGate().choices).toEqual(['retry', 'mark-done', 'roll-back', 'abort']);
    await h.decide(h.lastGate(), 'retry');
    await h.drain();
    expect(h.remote.ran(/ && mv /)).toBe(2);
    expect((await h.engine.getRun(runId))!.run.steps['move-dir']).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(await h.engine.handleJob(job)).toBe('drop');
  });

  it('treats a connection lost during a destructive step as an interruption', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    const job = h.queue.waiting.shift()!;
    const realExec = h.remote.exec.bind(h.remote);
    h.remote.exec = async (host, req) => {
      if (/ && mv /.test(req.command)) throw new Error(`${host}: connection lost`);
      return realExec(host, req);
    };
    expect(await h.engine.handleJob(job)).toBe('reconcile');
    const st = (await h.engine.getRun(runId))!.run.steps['move-dir'];
    expect(st?.status).toBe('interrupted');
    expect(st?.summary).toContain('the connection failed while the step ran');
  });
});

describe('engine: a session that cannot be opened', () => {
  it('fails a check plainly, naming the cause, and waits for a decision', async () => {
    const h = harness();
    h.deps.openRemote = async () => {
      throw new Error('secret file ssh-key is unreadable');
    };
    const r = await h.engine.request({ site: 'lab', runbook: 'lab-move-dir', args: {}, requester: 'U_REQ' });
    await h.drain();
    const st = (await h.engine.getRun(r.ok ? r.value.runId : ''))!.run.steps['inspect'];
    expect(st).toMatchObject({ status: 'failed', failedAt: 'transport', summary: 'secret file ssh-key is unreadable' });
    expect(h.lastGate()).toMatchObject({ stepId: 'inspect', kind: 'failure' });
  });
});

describe('engine: rollback', () => {
  it('undoes completed steps in reverse, gating each destructive rollback step again, and frees the site', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
    const r = await h.engine.rollback({ runId, requester: 'U_APP' });
    expect(r.ok).toBe(true);
    await h.drain();
    expect(h.events.of('rollback.started')[0]).toMatchObject({
      covers: ['move-dir'],
      irreversible: [{ stepId: 'record-end' }, { stepId: 'record-start' }],
    });
    const gate = h.lastGate();
    expect(gate).toMatchObject({ stepId: 'restore-dir', kind: 'rollback', requester: 'U_APP' });
    // Four eyes again: the person who asked for the rollback may not approve it.
    expect((await h.decide(gate, 'approve', 'U_APP')).ok).toBe(false);
    await h.decide(gate, 'approve', 'U_APP2');
    await h.drain();
    const { run } = (await h.engine.getRun(runId))!;
    expect(run.outcome).toBe('rolled-back');
    expect(h.remote.exists(HOST, `${BASE}/data/file`)).toBe(true);
    expect(h.remote.exists(HOST, `${BASE}/data_bak`)).toBe(false);
    expect(h.effects()).toEqual(['record-start', 'move-dir', 'record-end', 'restore-dir']);
    expect(await h.lock.holder('lab')).toBeUndefined();
    expect((await h.audit.read('lab', { runId })).map((a) => a.type)).toEqual(
      expect.arrayContaining(['rollback.started', 'rollback.finished']),
    );
  });

  it('rolls back from an interruption when a person chooses roll-back', async () => {
    const h = harness();
    const runId = await rollBackAfterMoveInterrupted(h);
    await h.decide(h.lastGate(), 'approve', 'U_APP2');
    await h.drain();
    expect((await h.engine.getRun(runId))!.run.outcome).toBe('rolled-back');
    expect(h.remote.exists(HOST, `${BASE}/data/file`)).toBe(true);
  });

  it('refuses to roll back a run that is still going', async () => {
    const h = harness();
    const runId = await h.start();
    const r = await h.engine.rollback({ runId, requester: 'U_APP' });
    expect(r.ok ? '' : r.error.code).toBe('NOT_ROLLBACKABLE');
  });
});

describe('engine: two deliveries of one job at the same time', () => {
  it('starts the destructive step once; the other delivery drops', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    const job = h.queue.waiting.shift()!;
    // Two workers get the same job (a stalled-job re-delivery racing the first): both read the step as ready.
    const results = await Promise.all([h.engine.handleJob(job), h.engine.handleJob(job)]);
    await h.drain();
    expect(results.filter((d) => d === 'run')).toHaveLength(1);
    expect(h.remote.ran(/ && mv /)).toBe(1);
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']?.status).toBe('succeeded');
  });
});

describe('engine: resuming a run whose failure gate was answered roll-back', () => {
  it('does not apply the decision again: the rollback keeps its course and nothing is announced twice', async () => {
    const h = harness();
    const runId = await rollBackAfterMoveInterrupted(h);
    const rollbackGate = h.lastGate();
    expect(rollbackGate).toMatchObject({ kind: 'rollback', stepId: 'restore-dir' });
    const before = (await h.engine.getRun(runId))!.run.rollback;
    // The worker's periodic resume, a while later, while the rollback waits at its gate.
    h.advance(5_000);
    await h.engine.resume(['lab']);
    await h.engine.resume(['lab']);
    await h.drain();
    expect((await h.engine.getRun(runId))!.run.rollback).toEqual(before);
    expect(h.events.of('gate.decided').filter((e) => e.choice === 'roll-back')).toHaveLength(1);
    expect(h.events.of('rollback.started')).toHaveLength(1);
    await h.decide(h.lastGate(), 'approve', 'U_APP2');
    await h.drain();
    expect((await h.engine.getRun(runId))!.run.outcome).toBe('rolled-back');
  });
});

import { describe, expect, it } from 'vitest';
import { APPROVER, BASE, HOST, OTHER_APPROVER, REQUESTER, harness } from './harness.ts';
import { decideGate } from '../../../../src/approvals/decide-gate.ts';

describe('engine: a run of lab-move-dir', () => {
  it("runs the check and the harmless action, then stops at the destructive step's gate with its commands", async () => {
    const h = harness();
    const runId = await h.start();
    expect(h.effects()).toEqual(['record-start']);
    const gate = h.lastGate();
    expect(gate).toMatchObject({
      runId,
      stepId: 'move-dir',
      kind: 'approval',
      requester: REQUESTER,
      choices: ['approve', 'reject'],
    });
    const ctx = h.events.of('gate.opened')[0]?.context;
    expect(ctx?.targets).toEqual([
      { host: HOST, commands: [`echo move-dir >> ${BASE}/effects.log && sleep 0 && mv ${BASE}/data ${BASE}/data_bak`] },
    ]);
    expect(h.remote.ran(/ && mv /)).toBe(0);
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']?.status).toBe('gated');
  });

  it('executes the step once after a second person approves, finishes, and releases the site lock', async () => {
    const h = harness();
    const runId = await h.start();
    const decided = await h.decide(h.lastGate(), 'approve');
    expect(decided.ok).toBe(true);
    await h.drain();
    expect(h.effects()).toEqual(['record-start', 'move-dir', 'record-end']);
    expect(h.remote.exists(HOST, `${BASE}/data_bak/file`)).toBe(true);
    expect(h.remote.exists(HOST, `${BASE}/data`)).toBe(false);
    const { run } = (await h.engine.getRun(runId))!;
    expect(run.outcome).toBe('completed');
    expect(run.steps['move-dir']).toMatchObject({ status: 'succeeded', approvedBy: APPROVER });
    expect(await h.lock.holder('lab')).toBeUndefined();
    expect(h.events.types().at(-1)).toBe('run.finished');
  });

  it('audits each finished step with exit codes and output digests, never the output', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
    const records = await h.audit.read('lab', { runId });
    const moved = records.find((r) => r.type === 'step.finished' && r.stepId === 'move-dir');
    expect(moved?.data).toMatchObject({
      status: 'succeeded',
      hosts: [{ host: HOST, exitCode: 0, stdoutSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }],
    });
    expect(moved?.planHash).toBe(h.events.of('gate.opened')[0]?.gate.planHash);
    expect(JSON.stringify(records)).not.toContain('drwxr-xr-x');
    expect(records.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'run.requested',
        'lock.taken',
        'run.planned',
        'gate.opened',
        'gate.decided',
        'step.started',
        'lock.released',
        'run.finished',
      ]),
    );
    expect((await h.audit.verify('lab')).ok).toBe(true);
  });

  it('refuses approval from the requester and runs nothing', async () => {
    const h = harness();
    await h.start();
    const r = await h.decide(h.lastGate(), 'approve', REQUESTER);
    expect(r.ok ? 'decided' : r.error.code).toBe('REQUESTER');
    await h.drain();
    expect(h.effects()).toEqual(['record-start']);
  });

  it('refuses a decision made on another plan hash', async () => {
    const h = harness();
    await h.start();
    const gate = h.lastGate();
    const r = await h.engine.decide({
      gateId: gate.id,
      user: APPROVER,
      userGroups: [],
      choice: 'approve',
      planHash: 'f'.repeat(64),
    });
    expect(r.ok ? 'decided' : r.error.code).toBe('PLAN_CHANGED');
  });

  it('stops the run where it is on rejection, says so plainly, and offers rollback', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'reject');
    await h.drain();
    const { run } = (await h.engine.getRun(runId))!;
    expect(run.outcome).toBe('rejected');
    expect(run.statusLine).toBe(
      `the run stopped at step move-dir: rejected by ${APPROVER}; nothing after it ran; it can be rolled back`,
    );
    expect(h.events.of('run.stopped')[0]).toMatchObject({ stepId: 'move-dir', rollbackOffered: true });
    expect(h.effects()).toEqual(['record-start']);
    expect((await h.lock.holder('lab'))?.runId).toBe(runId);
  });

  it('refuses a second run on a busy site, naming the holder, its run and start time', async () => {
    const h = harness();
    const first = await h.start();
    const r = await h.engine.request({ site: 'lab', runbook: 'lab-move-dir', args: {}, requester: 'U_OTHER' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({
      code: 'SITE_BUSY',
      heldBy: { runId: first, requester: REQUESTER, since: 1_000_000 },
    });
    expect(r.error.message).toContain(`run ${first} by ${REQUESTER} holds it since 1970-01-01T00:16:40.000Z`);
  });

  it('renders a dry run without taking the lock or running anything', async () => {
    const h = harness();
    const r = await h.engine.request({
      site: 'lab',
      runbook: 'lab-move-dir',
      args: {},
      requester: REQUESTER,
      dryRun: true,
    });
    expect(r.ok && r.value.rendered).toContain(`on ${HOST}: echo move-dir`);
    await h.drain();
    expect(h.remote.calls).toEqual([]);
    expect(await h.lock.holder('lab')).toBeUndefined();
  });

  it('refuses bad runbook arguments with a message naming the argument', async () => {
    const h = harness();
    const r = await h.engine.request({
      site: 'lab',
      runbook: 'lab-move-dir',
      args: { base: 'relative/path' },
      requester: REQUESTER,
    });
    expect(r.ok ? '' : r.error.message).toMatch(/RUNBOOK_ARGS_INVALID: .*base: an absolute path/);
    expect(await h.lock.holder('lab')).toBeUndefined();
  });

  it('fails a step whose precondition no longer holds, changes nothing and asks a person what to do', async () => {
    const h = harness();
    h.remote.touch(HOST, `${BASE}/data_bak`);
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
    const st = (await h.engine.getRun(runId))!.run.steps['move-dir'];
    expect(st).toMatchObject({ status: 'failed', failedAt: 'precondition' });
    expect(st?.summary).toContain(`${BASE}/data_bak exists`);
    expect(h.effects()).toEqual(['record-start']);
    expect(h.lastGate()).toMatchObject({ kind: 'failure', choices: ['retry', 'roll-back', 'abort'] });
  });

  it('fails closed when a gate expires: the run stops as if rejected', async () => {
    const h = harness();
    const runId = await h.start();
    h.advance(61_000);
    expect(await h.engine.expireGates()).toBe(1);
    await h.drain();
    const { run } = (await h.engine.getRun(runId))!;
    expect(run.outcome).toBe('rejected');
    expect(run.statusLine).toContain('its gate expired');
    expect(h.effects()).toEqual(['record-start']);
  });

  it('aborts on request of the requester and frees the site', async () => {
    const h = harness();
    const runId = await h.start();
    const r = await h.engine.abort({ runId, user: REQUESTER, userGroups: [] });
    expect(r.ok && r.value.outcome).toBe('aborted');
    expect(await h.lock.holder('lab')).toBeUndefined();
    expect((await h.engine.abort({ runId, user: 'U_STRANGER', userGroups: [] })).ok).toBe(false);
  });

  it('resumes a run whose queued step was lost, and enqueues nothing twice when resumed again', async () => {
    const h = harness();
    const runId = await h.start();
    await h.decide(h.lastGate(), 'approve');
    h.queue.waiting.length = 0; // the job is gone (a Redis without persistence, a job dropped after its retries)
    expect(await h.engine.resume(['lab'])).toBe(1);
    expect(await h.engine.resume(['lab'])).toBe(1);
    expect(h.queue.waiting).toEqual([{ site: 'lab', runId, stepId: 'move-dir', attempt: 1 }]);
    await h.drain();
    expect((await h.engine.getRun(runId))?.run.outcome).toBe('completed');
    expect(h.effects()).toEqual(['record-start', 'move-dir', 'record-end']);
  });

  it('applies on resume a decision recorded by a process that died before applying it', async () => {
    const h = harness();
    const runId = await h.start();
    const gate = h.lastGate();
    await decideGate(h.gates, {
      gateId: gate.id,
      user: APPROVER,
      userGroups: [],
      choice: 'approve',
      planHash: gate.planHash,
      now: 1_000_000,
    });
    await h.drain();
    expect(h.effects()).toEqual(['record-start']);
    await h.engine.resume(['lab']);
    await h.drain();
    expect((await h.engine.getRun(runId))?.run.outcome).toBe('completed');
    expect(h.effects()).toEqual(['record-start', 'move-dir', 'record-end']);
  });

  it('drops a duplicate delivery of a step that already finished', async () => {
    const h = harness();
    const runId = await h.start();
    const before = h.remote.calls.length;
    expect(await h.engine.handleJob({ site: 'lab', runId, stepId: 'record-start', attempt: 1 })).toBe('drop');
    expect(h.remote.calls.length).toBe(before);
  });

  it('reports a stale lock whose run is gone and lets only an approver release it', async () => {
    const h = harness();
    await h.lock.acquire({ site: 'lab', runId: 'run_gone', requester: REQUESTER, since: 5 });
    const stale = await h.engine.staleLocks();
    expect(stale).toEqual([
      { holder: expect.objectContaining({ runId: 'run_gone' }), reason: 'run run_gone does not exist' },
    ]);
    expect((await h.engine.releaseStaleLock({ site: 'lab', user: REQUESTER, userGroups: [] })).ok).toBe(false);
    expect((await h.engine.releaseStaleLock({ site: 'lab', user: OTHER_APPROVER, userGroups: [] })).ok).toBe(true);
    expect(await h.lock.holder('lab')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createChatEngine } from '../../../../src/core/engine/create-chat-engine.ts';
import { DEFAULT_COMMAND_RUNBOOKS } from '../../../../src/core/engine/command-runbooks.ts';
import type { RunRequest } from '../../../../src/core/ports/chat-engine.ts';
import { APPROVER, BASE, harness, HOST, labSite, REQUESTER } from './harness.ts';
import { siteDirectory } from '../../../../src/core/sites/site.ts';

const CHANNEL = 'CLAB';
const policy = {
  starters: { users: [REQUESTER], groups: [] },
  approvers: { users: [APPROVER], groups: [] },
  approvalsNeeded: 1,
  requesterMayApprove: false,
  expiry: '1m',
};

/** The adapter over a real engine on in-memory fakes; `/upgrade lab redis` runs the lab-move-dir runbook. */
function setup() {
  const h = harness();
  const chat = createChatEngine({
    engine: h.engine,
    gates: h.gates,
    audit: h.audit,
    sites: siteDirectory([{ ...labSite, channel: CHANNEL, starters: policy.starters }]),
    runbooks: { ...DEFAULT_COMMAND_RUNBOOKS, 'upgrade redis': 'lab-move-dir' },
  });
  const upgrade = (requester: string): RunRequest => ({
    command: { name: 'upgrade', site: 'lab', phase: 'redis', dryRun: false },
    requester,
    channel: CHANNEL,
  });
  return { h, chat, upgrade };
}

describe('the ChatEngine adapter over the engine', () => {
  it('starts the runbook bound to the command and reports the run in /runs', async () => {
    const { h, chat, upgrade } = setup();
    const r = await chat.requestRun(upgrade(REQUESTER));
    expect(r.ok).toBe(true);
    await h.drain();
    const runs = await chat.listRuns({ sites: ['lab'] });
    expect(runs).toMatchObject([
      { id: r.ok ? r.value.runId : '', site: 'lab', state: 'waiting', requester: REQUESTER },
    ]);
  });

  it('refuses a run from someone the site does not list as a starter', async () => {
    const { chat, upgrade } = setup();
    expect(await chat.requestRun(upgrade('USTRANGER'))).toEqual({
      ok: false,
      error: {
        code: 'NOT_A_STARTER',
        message: "USTRANGER may not start runs at lab: the site's policy names who may (policy.starters)",
      },
    });
  });

  it('refuses a command bound to no registered runbook with the engine message', async () => {
    const { chat } = setup();
    const r = await chat.requestRun({
      command: { name: 'upgrade', site: 'lab', phase: 'kafka', dryRun: false },
      requester: REQUESTER,
      channel: CHANNEL,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'PLAN_INVALID', message: expect.stringMatching(/no runbook named upgrade-kafka/) as unknown },
    });
  });

  it('returns the dry-run plan with every command per host', async () => {
    const { chat, upgrade } = setup();
    const r = await chat.dryRunPlan(upgrade(REQUESTER));
    expect(r.ok && r.value.text).toMatch(/on fdfs-3: echo move-dir >> \/app\/opsgate-test\/effects\.log/);
  });

  it('decides a gate from its short hash, and shows who decided with the exact commands', async () => {
    const { h, chat, upgrade } = setup();
    await chat.requestRun(upgrade(REQUESTER));
    await h.drain();
    const gate = h.lastGate();
    const r = await chat.decide({
      gateId: gate.id,
      planHash: gate.planHash.slice(0, 12),
      choice: 'approve',
      user: APPROVER,
      userGroups: [],
      channel: CHANNEL,
    });
    expect(r).toMatchObject({
      ok: true,
      value: { status: 'decided', gate: { stepId: 'move-dir', decision: { choice: 'approve', by: APPROVER } } },
    });
    expect(r.ok && r.value.gate.targets[0]?.commands[0]).toMatch(
      /mv \/app\/opsgate-test\/data \/app\/opsgate-test\/data_bak$/,
    );
  });

  it('lists the gate a run waits at with who may decide it, until it is decided (for the Home tab)', async () => {
    const { h, chat, upgrade } = setup();
    await chat.requestRun(upgrade(REQUESTER));
    await h.drain();
    const gate = h.lastGate();
    const pending = await chat.pendingGates({ sites: ['lab'] });
    expect(pending).toMatchObject([
      {
        gate: { id: gate.id, stepId: 'move-dir', requester: REQUESTER, status: 'pending' },
        policy: { approvers: expect.arrayContaining([APPROVER]), requesterMayApprove: false },
        approvedBy: [],
      },
    ]);
    expect(await chat.pendingGates({ sites: ['elsewhere'] })).toEqual([]);
    await chat.decide({
      gateId: gate.id,
      planHash: gate.planHash,
      choice: 'reject',
      user: APPROVER,
      userGroups: [],
      channel: CHANNEL,
    });
    expect(await chat.pendingGates({ sites: ['lab'] })).toEqual([]);
  });

  it('refuses a decision from another channel, on a changed plan, and by the requester, deciding nothing', async () => {
    const { h, chat, upgrade } = setup();
    await chat.requestRun(upgrade(REQUESTER));
    await h.drain();
    const gate = h.lastGate();
    const base = {
      gateId: gate.id,
      planHash: gate.planHash.slice(0, 12),
      choice: 'approve' as const,
      user: APPROVER,
      userGroups: [],
      channel: CHANNEL,
    };
    expect(await chat.decide({ ...base, channel: 'COTHER' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_CHANNEL' },
    });
    expect(await chat.decide({ ...base, planHash: '0123456789ab' })).toMatchObject({
      ok: false,
      error: { code: 'PLAN_CHANGED' },
    });
    expect(await chat.decide({ ...base, planHash: gate.planHash.slice(0, 4) })).toMatchObject({
      ok: false,
      error: { code: 'PLAN_CHANGED' },
    });
    expect(await chat.decide({ ...base, user: REQUESTER })).toMatchObject({ ok: false, error: { code: 'REQUESTER' } });
    expect((await h.gates.get(gate.id))?.status).toBe('pending');
  });

  it("rolls back a run paused at a failure gate by choosing that gate's Roll back, and refuses the requester choosing it", async () => {
    const { h, chat, upgrade } = setup();
    h.remote.touch(HOST, `${BASE}/data_bak`);
    const r = await chat.requestRun(upgrade(REQUESTER));
    const runId = r.ok ? r.value.runId : '';
    await h.drain();
    const approval = h.lastGate();
    await chat.decide({
      gateId: approval.id,
      planHash: approval.planHash.slice(0, 12),
      choice: 'approve',
      user: APPROVER,
      userGroups: [],
      channel: CHANNEL,
    });
    await h.drain();
    const failure = h.lastGate();
    expect(failure).toMatchObject({ kind: 'failure', stepId: 'move-dir' });

    const self = await chat.requestRollback({ runId, requester: REQUESTER, channel: CHANNEL });
    expect(self).toMatchObject({ ok: false, error: { code: 'REQUESTER' } });
    expect((await h.gates.get(failure.id))?.status).toBe('pending');

    const byApprover = await chat.requestRollback({ runId, requester: APPROVER, channel: CHANNEL });
    expect(byApprover).toMatchObject({
      ok: true,
      value: {
        runId,
        viaGate: { status: 'decided', gate: { stepId: 'move-dir', decision: { choice: 'roll-back', by: APPROVER } } },
      },
    });
    await h.drain();
    expect((await h.engine.getRun(runId))?.run.rollback).toMatchObject({ requestedBy: APPROVER });
  });

  it('refuses /rollback of a run while it runs a step, naming the step', async () => {
    const { h, chat, upgrade } = setup();
    const r = await chat.requestRun(upgrade(REQUESTER));
    const runId = r.ok ? r.value.runId : '';
    await h.drain();
    const run = (await h.runs.get(runId))!;
    await h.runs.update(
      { ...run, version: run.version + 1, steps: { ...run.steps, 'move-dir': { status: 'running', attempt: 1 } } },
      run.version,
    );
    const res = await chat.requestRollback({ runId, requester: APPROVER, channel: CHANNEL });
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'NOT_ROLLBACKABLE', message: expect.stringMatching(/is running step move-dir/) as unknown },
    });
  });

  it('exports the audit records of one run as JSON lines', async () => {
    const { h, chat, upgrade } = setup();
    const r = await chat.requestRun(upgrade(REQUESTER));
    await h.drain();
    const runId = r.ok ? r.value.runId : '';
    const exported = await chat.exportAudit(runId);
    const lines = exported.ok
      ? exported.value.content
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { runId: string; type: string })
      : [];
    expect(exported.ok && exported.value.filename).toBe(`audit-${runId}.jsonl`);
    expect(lines[0]).toMatchObject({ runId, type: 'run.requested' });
    expect(lines.every((l) => l.runId === runId)).toBe(true);
  });
});

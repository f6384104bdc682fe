import { beforeEach, describe, expect, it } from 'vitest';
import { dispatchCommand } from '../../../src/commands/dispatch-command.ts';
import { encodeActionRef, actionIdFor } from '../../../src/commands/action-ref.ts';
import { handleGateAction, type GateActionDeps } from '../../../src/commands/gate-action-handler.ts';
import type { CommandDeps } from '../../../src/core/ports/chat-engine.ts';
import type { Site } from '../../../src/core/sites/site.ts';
import { FakeChatEngine } from '../../support/slack/fake-chat-engine.ts';
import { chatSite } from '../../support/chat-site.ts';

const sites: Site[] = [
  chatSite('xizang', 'CXIZANG', { obClusters: ['obc1'], approverGroups: ['SAPPROVERS'] }),
  chatSite('lhasa', 'CLHASA'),
];
const inXizang = { user: 'UOPERATOR', channel: 'CXIZANG' };
let engine: FakeChatEngine;
let deps: CommandDeps;

beforeEach(() => {
  engine = new FakeChatEngine();
  deps = { engine, sites };
});

describe('command handlers', () => {
  it('requests a precheck run for the requester from the site channel', async () => {
    const reply = await dispatchCommand(deps, inXizang, '/precheck xizang');
    expect(reply).toMatchObject({ kind: 'accepted', runId: 'run_0000000000000001' });
    expect(engine.calls).toEqual([
      {
        method: 'requestRun',
        arg: { command: { name: 'precheck', site: 'xizang' }, requester: 'UOPERATOR', channel: 'CXIZANG' },
      },
    ]);
  });

  it("refuses a command from another channel than the site's and runs nothing", async () => {
    const reply = await dispatchCommand(deps, { user: 'UOPERATOR', channel: 'CLHASA' }, '/upgrade xizang redis');
    expect(reply).toEqual({
      kind: 'refused',
      text: 'Commands for site xizang are only accepted in its channel <#CXIZANG>.',
    });
    expect(engine.calls).toEqual([]);
  });

  it('answers an unknown site with the valid ones, without calling the engine', async () => {
    const reply = await dispatchCommand(deps, inXizang, '/precheck tibet');
    expect(reply).toEqual({ kind: 'refused', text: 'Unknown site "tibet". Valid sites: lhasa, xizang.' });
    expect(engine.calls).toEqual([]);
  });

  it('posts the plan instead of running for --dry-run', async () => {
    const reply = await dispatchCommand(deps, inXizang, '/upgrade xizang ob obc1 --to 4.3.5.5 --dry-run');
    expect(reply).toMatchObject({
      kind: 'plan',
      channel: 'CXIZANG',
      title: 'Dry run: upgrade ob obc1 to 4.3.5.5 at xizang',
      text: engine.planText,
    });
    expect(engine.calls.map((c) => c.method)).toEqual(['dryRunPlan']);
  });

  it('passes an engine refusal (site locked) on to the requester', async () => {
    engine.refuseRuns = { code: 'SITE_LOCKED', message: 'Site xizang is busy with run run_1 of <@UOTHER>.' };
    expect(await dispatchCommand(deps, inXizang, '/upgrade xizang kafka')).toEqual({
      kind: 'refused',
      text: 'Site xizang is busy with run run_1 of <@UOTHER>.',
    });
  });

  it('rolls back and exports the audit of a run only from its site channel', async () => {
    const started = await dispatchCommand(deps, inXizang, '/precheck xizang');
    const runId = started.kind === 'accepted' ? started.runId : undefined;
    expect(await dispatchCommand(deps, { user: 'U1', channel: 'CLHASA' }, `/rollback ${runId}`)).toMatchObject({
      kind: 'refused',
    });
    expect(await dispatchCommand(deps, inXizang, `/rollback ${runId}`)).toMatchObject({ kind: 'accepted' });
    expect(await dispatchCommand(deps, inXizang, `/audit ${runId}`)).toMatchObject({
      kind: 'audit',
      export: { filename: `audit-${runId}.jsonl` },
    });
    expect(await dispatchCommand(deps, inXizang, '/audit run_ffffffffffffffff')).toMatchObject({
      kind: 'refused',
      text: expect.stringContaining('no run'),
    });
  });

  it("lists the runs of the channel's sites, and refuses /runs outside any site channel", async () => {
    await dispatchCommand(deps, inXizang, '/precheck xizang');
    expect(await dispatchCommand(deps, inXizang, '/runs')).toMatchObject({
      kind: 'runs',
      sites: ['xizang'],
      runs: [{ site: 'xizang' }],
    });
    expect(await dispatchCommand(deps, { user: 'U1', channel: 'CRANDOM' }, '/runs')).toMatchObject({ kind: 'refused' });
  });

  it("passes the requester's starter groups to the engine, and refuses when they cannot be resolved", async () => {
    const withStarters: CommandDeps = {
      engine,
      sites: [chatSite('xizang', 'CXIZANG', { starterGroups: ['SOPS'] })],
      groupsOf: async (u, c) => (u === 'UOPS' ? c.filter((g) => g === 'SOPS') : []),
    };
    await dispatchCommand(withStarters, { user: 'UOPS', channel: 'CXIZANG' }, '/upgrade xizang redis --dry-run');
    expect(engine.calls[0]?.arg).toMatchObject({ requester: 'UOPS', requesterGroups: ['SOPS'] });
    const broken: CommandDeps = {
      ...withStarters,
      groupsOf: async () => {
        throw new Error('ratelimited');
      },
    };
    expect(await dispatchCommand(broken, { user: 'UOPS', channel: 'CXIZANG' }, '/precheck xizang')).toMatchObject({
      kind: 'refused',
      text: expect.stringContaining('nothing was started'),
    });
    expect(engine.calls).toHaveLength(1);
  });

  it('switches user only in the console', async () => {
    expect(await dispatchCommand(deps, inXizang, '/as UAPPROVER1', { console: true })).toEqual({
      kind: 'switch-user',
      user: 'UAPPROVER1',
    });
    expect(await dispatchCommand(deps, inXizang, '/as UAPPROVER1')).toMatchObject({ kind: 'refused' });
  });
});

describe('handleGateAction', () => {
  const planHash = 'abcdef0123456789abcdef';
  const gateDeps = (groupsOf: GateActionDeps['groupsOf']): GateActionDeps => ({ ...deps, groupsOf });
  const click = (
    user: string,
    choice: 'approve' | 'reject' = 'approve',
    value = encodeActionRef({ gateId: 'gate1', planHash }),
  ) => ({ actionId: actionIdFor(choice), value, user, channel: 'CXIZANG', messageTs: '1.2' });

  beforeEach(() => {
    engine.gates.set('gate1', {
      id: 'gate1',
      runId: 'run_1',
      site: 'xizang',
      stepId: 's1',
      stepTitle: 'restart redis',
      kind: 'approval',
      status: 'pending',
      planHash,
      requester: 'UOPERATOR',
      choices: ['approve', 'reject'],
      targets: [],
      expiresAt: 0,
      approvers: [],
      approverGroups: ['SAPPROVERS'],
    });
  });

  it('lets a member of the approver group decide, passing the groups and the short plan hash', async () => {
    const res = await handleGateAction(
      gateDeps(async (u) => (u === 'UAPPROVER1' ? ['SAPPROVERS'] : [])),
      click('UAPPROVER1'),
    );
    expect(res).toMatchObject({
      ok: true,
      value: { status: 'decided', gate: { decision: { by: 'UAPPROVER1', choice: 'approve' } } },
    });
    expect(engine.calls[0]?.arg).toMatchObject({
      gateId: 'gate1',
      planHash: planHash.slice(0, 12),
      userGroups: ['SAPPROVERS'],
      messageTs: '1.2',
    });
  });

  it('refuses with the reason when the clicker is not an approver', async () => {
    const res = await handleGateAction(
      gateDeps(async () => []),
      click('URANDOM'),
    );
    expect(res).toEqual({ ok: false, error: 'You are not an approver for site xizang.' });
  });

  it('fails closed when the user groups cannot be resolved', async () => {
    const res = await handleGateAction(
      gateDeps(async () => {
        throw new Error('ratelimited');
      }),
      click('UAPPROVER1'),
    );
    expect(res).toMatchObject({
      ok: false,
      error: expect.stringContaining('could not check your account and user groups'),
    });
    expect(engine.calls).toEqual([]);
  });

  it('refuses an account the vetter turns down before asking the engine', async () => {
    const deps2: GateActionDeps = {
      ...gateDeps(async () => ['SAPPROVERS']),
      vetUser: async (u) => (u === 'UBOT2' ? 'Bots cannot decide gates.' : undefined),
    };
    expect(await handleGateAction(deps2, click('UBOT2'))).toEqual({ ok: false, error: 'Bots cannot decide gates.' });
    expect(engine.calls).toEqual([]);
  });

  it('puts /rollback through the same account and group checks as a click, before the engine', async () => {
    const runId = 'run_00000000000000b1';
    engine.runs.set(runId, {
      id: runId,
      site: 'xizang',
      title: 'upgrade',
      state: 'failed',
      requester: 'UOPERATOR',
      startedAt: 0,
    });
    const vetted: CommandDeps = {
      ...deps,
      groupsOf: async () => ['SAPPROVERS'],
      vetUser: async (u) => (u === 'UGUEST' ? 'Guest accounts cannot decide gates.' : undefined),
    };
    expect(await dispatchCommand(vetted, { user: 'UGUEST', channel: 'CXIZANG' }, `/rollback ${runId}`)).toEqual({
      kind: 'refused',
      text: 'Guest accounts cannot decide gates. Nothing was rolled back.',
    });
    const unknown: CommandDeps = {
      ...vetted,
      vetUser: async () => {
        throw new Error('users.info: ratelimited');
      },
    };
    expect(
      await dispatchCommand(unknown, { user: 'UAPPROVER1', channel: 'CXIZANG' }, `/rollback ${runId}`),
    ).toMatchObject({ kind: 'refused', text: expect.stringContaining('nothing was rolled back') });
    expect(engine.calls).toEqual([]);
    expect(
      await dispatchCommand(vetted, { user: 'UAPPROVER1', channel: 'CXIZANG' }, `/rollback ${runId}`),
    ).toMatchObject({ kind: 'accepted' });
    expect(engine.calls).toEqual([
      {
        method: 'requestRollback',
        arg: { runId, requester: 'UAPPROVER1', channel: 'CXIZANG', requesterGroups: ['SAPPROVERS'] },
      },
    ]);
  });

  it('refuses a forged button value and an unknown action without asking the engine', async () => {
    const deps2 = gateDeps(async () => ['SAPPROVERS']);
    expect(await handleGateAction(deps2, click('UAPPROVER1', 'approve', 'approve; rm -rf /'))).toMatchObject({
      ok: false,
    });
    expect(await handleGateAction(deps2, { ...click('UAPPROVER1'), actionId: 'opsgate.gate.sudo' })).toMatchObject({
      ok: false,
    });
    expect(await handleGateAction(deps2, { ...click('UAPPROVER1'), channel: 'CRANDOM' })).toMatchObject({ ok: false });
    expect(engine.calls).toEqual([]);
  });

  it('counts a double click once', async () => {
    const deps2 = gateDeps(async () => ['SAPPROVERS']);
    expect((await handleGateAction(deps2, click('UAPPROVER1'))).ok).toBe(true);
    expect(await handleGateAction(deps2, click('UAPPROVER1'))).toMatchObject({
      ok: false,
      error: expect.stringContaining('already decided'),
    });
  });
});

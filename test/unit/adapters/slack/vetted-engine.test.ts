import { describe, expect, it } from 'vitest';
import { vettedEngine } from '../../../../src/adapters/slack/vetted-engine.ts';
import { FakeChatEngine } from '../../../support/slack/fake-chat-engine.ts';

const PLAN_HASH = '9f2c0123456789abcdef';

function engineWithGate(): FakeChatEngine {
  const engine = new FakeChatEngine();
  engine.gates.set('gate_1', {
    id: 'gate_1',
    runId: 'run_1',
    site: 'xizang',
    stepId: 's1',
    stepTitle: 'restart',
    kind: 'failure',
    status: 'pending',
    planHash: PLAN_HASH,
    requester: 'UOPERATOR',
    choices: ['retry', 'roll-back', 'abort'],
    targets: [],
    expiresAt: 0,
    approvers: [],
    approverGroups: ['SAPPROVERS'],
  });
  return engine;
}
const vet = async (u: string) => (u === 'UGUEST' ? 'Guest accounts cannot decide gates.' : undefined);

describe('vettedEngine: the engine the Slack handlers get', () => {
  it('refuses a decision and a rollback by a vetted-out account even if a handler forgot to vet', async () => {
    const engine = engineWithGate();
    const guarded = vettedEngine(engine, vet);
    const decision = {
      gateId: 'gate_1',
      planHash: PLAN_HASH,
      choice: 'roll-back' as const,
      user: 'UGUEST',
      userGroups: ['SAPPROVERS'],
      channel: 'CXIZANG',
    };
    expect(await guarded.decide(decision)).toEqual({
      ok: false,
      error: { code: 'USER_REFUSED', message: 'Guest accounts cannot decide gates.' },
    });
    expect(
      await guarded.requestRollback({
        runId: 'run_1',
        requester: 'UGUEST',
        channel: 'CXIZANG',
        requesterGroups: ['SAPPROVERS'],
      }),
    ).toMatchObject({ ok: false, error: { code: 'USER_REFUSED' } });
    expect(engine.calls).toEqual([]);
    expect(engine.gates.get('gate_1')?.status).toBe('pending');
    // The same rollback by an approver whose account passes goes through the gate.
    expect(
      await guarded.requestRollback({
        runId: 'run_1',
        requester: 'UAPPROVER1',
        channel: 'CXIZANG',
        requesterGroups: ['SAPPROVERS'],
      }),
    ).toMatchObject({ ok: true, value: { viaGate: { status: 'decided' } } });
    expect(engine.gates.get('gate_1')?.decision).toMatchObject({ choice: 'roll-back', by: 'UAPPROVER1' });
  });

  it('fails closed when Slack cannot say who the person is', async () => {
    const engine = engineWithGate();
    const guarded = vettedEngine(engine, async () => {
      throw new Error('users.info: ratelimited');
    });
    expect(
      await guarded.requestRollback({ runId: 'run_1', requester: 'UAPPROVER1', channel: 'CXIZANG' }),
    ).toMatchObject({ ok: false, error: { code: 'USER_UNVERIFIED' } });
    expect(engine.calls).toEqual([]);
  });
});

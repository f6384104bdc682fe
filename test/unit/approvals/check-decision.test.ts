import { describe, expect, it } from 'vitest';
import { applyDecision, checkDecision } from '../../../src/approvals/check-decision.ts';
import { newGate } from '../../../src/approvals/new-gate.ts';
import type { DecideInput, Gate, OpenGateInput } from '../../../src/core/ports/gates.ts';

const opening: OpenGateInput = {
  site: 'xizang',
  runId: 'run_1',
  stepId: 'move',
  kind: 'approval',
  planHash: 'p1',
  requester: 'U_REQ',
  choices: ['approve', 'reject'],
  policy: {
    approvers: ['U_A', 'U_B'],
    approverGroups: [],
    approvalsNeeded: 2,
    requesterMayApprove: false,
    expiresAfterMs: 1000,
  },
  now: 0,
};
const base = newGate('gate_1', opening);
const click = (over: Partial<DecideInput> = {}): DecideInput => ({
  gateId: 'gate_1',
  user: 'U_A',
  userGroups: [],
  choice: 'approve',
  planHash: 'p1',
  now: 10,
  ...over,
});
const outcome = (g: Gate, i: DecideInput) => {
  const r = checkDecision(g, i);
  return r.ok ? r.value.kind : r.error.code;
};
const approvedByA = applyDecision(base, click(), { kind: 'record-approval' });
const decided = applyDecision(approvedByA, click({ user: 'U_B' }), { kind: 'decide' });

describe('checkDecision', () => {
  it.each<[string, Gate, DecideInput, string]>([
    ['first of two approvals', base, click(), 'record-approval'],
    ['second approval by another person', approvedByA, click({ user: 'U_B' }), 'decide'],
    ['the same person approving twice', approvedByA, click(), 'ALREADY_APPROVED'],
    ['a rejection after one approval', approvedByA, click({ user: 'U_B', choice: 'reject' }), 'decide'],
    ['a click on a decided gate', decided, click({ choice: 'reject' }), 'ALREADY_DECIDED'],
    ['a click at the expiry instant', base, click({ now: 1000 }), 'EXPIRED'],
    ['a click on a gate marked expired', { ...base, status: 'expired' }, click({ now: 1 }), 'EXPIRED'],
    ['a click on an old plan', base, click({ planHash: 'p0' }), 'PLAN_CHANGED'],
    ['an answer the gate does not offer', base, click({ choice: 'done' }), 'INVALID_CHOICE'],
    ['the requester approving', base, click({ user: 'U_REQ' }), 'REQUESTER'],
    ['a stranger rejecting', base, click({ user: 'U_X', choice: 'reject' }), 'NOT_AUTHORISED'],
    // State is reported before identity: a stranger clicking a decided gate learns it is decided.
    ['a stranger clicking a decided gate', decided, click({ user: 'U_X' }), 'ALREADY_DECIDED'],
    ['a stranger clicking an expired gate', base, click({ user: 'U_X', now: 5000 }), 'EXPIRED'],
  ])('%s → %s', (_what, gate, input, expected) => {
    expect(outcome(gate, input)).toBe(expected);
  });

  it('records who decided, when, and every approval on the way', () => {
    expect(decided).toMatchObject({ status: 'decided', decision: { choice: 'approve', by: 'U_B', at: 10 } });
    expect(decided.approvals.map((a) => a.by)).toEqual(['U_A', 'U_B']);
  });

  it('tells an approver who clicked twice how many approvals are still needed', () => {
    const r = checkDecision(approvedByA, click());
    expect(r.ok ? '' : r.error.message).toBe(
      'You already approved this; it needs 2 approvals from different people (1 so far).',
    );
  });
});

describe('newGate', () => {
  it.each<[string, Partial<OpenGateInput>, string]>([
    ['no choices', { choices: [] }, 'at least one choice'],
    ['a foreign choice', { choices: ['approve', 'retry'] }, 'choices retry do not fit a approval gate'],
    [
      'zero approvals needed',
      { policy: { ...opening.policy, approvalsNeeded: 0 } },
      'approvalsNeeded must be an integer ≥ 1',
    ],
    ['no expiry', { policy: { ...opening.policy, expiresAfterMs: 0 } }, 'expiresAfterMs must be > 0'],
    ['an empty plan hash', { planHash: '' }, 'planHash must not be empty'],
  ])('refuses %s, naming the site, run and step', (_what, over, message) => {
    expect(() => newGate('g', { ...opening, ...over })).toThrow(
      expect.objectContaining({ code: 'INVALID_GATE', message: expect.stringContaining(message) }),
    );
    expect(() => newGate('g', { ...opening, ...over })).toThrow('xizang/run_1/move');
  });
});

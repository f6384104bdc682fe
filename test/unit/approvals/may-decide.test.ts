import { describe, expect, it } from 'vitest';
import { choicesForKind } from '../../../src/approvals/choices-for-kind.ts';
import { mayDecide } from '../../../src/approvals/may-decide.ts';
import { newGate } from '../../../src/approvals/new-gate.ts';
import type { GateChoice } from '../../../src/core/ports/gates.ts';
import type { GateKind } from '../../../src/core/plan/run-state.ts';

const gate = (requesterMayApprove: boolean, kind: GateKind = 'interrupted') =>
  newGate('gate_1', {
    site: 'xizang',
    runId: 'run_1',
    stepId: 's',
    kind,
    planHash: 'p',
    requester: 'U_REQ',
    choices: choicesForKind(kind),
    policy: {
      approvers: ['U_APP', 'U_REQ'],
      approverGroups: ['S_OPS'],
      approvalsNeeded: 1,
      requesterMayApprove,
      expiresAfterMs: 1000,
    },
    now: 0,
  });

type Row = [
  who: string,
  groups: string[],
  choice: GateChoice,
  selfApproval: boolean,
  expected: 'allowed' | 'REQUESTER' | 'NOT_AUTHORISED',
];

describe('mayDecide', () => {
  const rows: Row[] = [
    ['U_APP', [], 'approve', false, 'allowed'],
    ['U_APP', [], 'reject', false, 'allowed'],
    ['U_GRP', ['S_OPS'], 'retry', false, 'allowed'],
    ['U_GRP', ['S_OTHER', 'S_OPS'], 'mark-done', false, 'allowed'],
    ['U_REQ', [], 'approve', false, 'REQUESTER'],
    ['U_REQ', [], 'roll-back', false, 'REQUESTER'],
    ['U_REQ', ['S_OPS'], 'retry', false, 'REQUESTER'],
    ['U_REQ', [], 'reject', false, 'allowed'],
    ['U_REQ', [], 'abort', false, 'allowed'],
    ['U_REQ', [], 'approve', true, 'allowed'],
    ['U_NOBODY', [], 'approve', false, 'NOT_AUTHORISED'],
    ['U_NOBODY', [], 'reject', false, 'NOT_AUTHORISED'],
    ['U_NOBODY', ['S_DEVS'], 'abort', true, 'NOT_AUTHORISED'],
  ];
  it.each(rows)('%s in %j choosing %s (self-approval %s): %s', (user, userGroups, choice, selfApproval, expected) => {
    const r = mayDecide(gate(selfApproval), { user, userGroups }, choice);
    expect(r.ok ? 'allowed' : r.error.code).toBe(expected);
  });

  it('lets a requester who is not an approver stop their run but not move it forward, even with self-approval', () => {
    const g = { ...gate(true), requester: 'U_OUTSIDER' };
    expect(mayDecide(g, { user: 'U_OUTSIDER', userGroups: [] }, 'abort').ok).toBe(true);
    const r = mayDecide(g, { user: 'U_OUTSIDER', userGroups: [] }, 'retry');
    expect(r.ok ? 'allowed' : r.error.code).toBe('NOT_AUTHORISED');
  });
});

describe('choicesForKind', () => {
  it.each<[GateKind, GateChoice[]]>([
    ['approval', ['approve', 'reject']],
    ['rollback', ['approve', 'reject']],
    ['manual', ['done', 'abort']],
    ['failure', ['retry', 'roll-back', 'abort']],
    ['interrupted', ['retry', 'mark-done', 'roll-back', 'abort']],
  ])('a %s gate offers %j, always including a way to stop', (kind, choices) => {
    expect(choicesForKind(kind)).toEqual(choices);
  });
});

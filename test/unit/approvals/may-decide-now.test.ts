import { describe, expect, it } from 'vitest';
import { mayDecideNow } from '../../../src/approvals/may-decide-now.ts';
import type { PendingGateView } from '../../../src/core/ports/chat-engine.ts';

const NOW = 1_000;
const pending = (over: Partial<PendingGateView['policy']> = {}, approvedBy: string[] = []): PendingGateView => ({
  gate: {
    id: 'g',
    runId: 'r',
    site: 'xizang',
    stepId: 's',
    stepTitle: 's',
    kind: 'approval',
    status: 'pending',
    planHash: 'abcdef0123',
    requester: 'UREQ',
    choices: ['approve', 'reject'],
    targets: [],
    expiresAt: NOW + 1,
  },
  policy: { approvers: ['UNAMED'], approverGroups: ['SAPP'], requesterMayApprove: false, ...over },
  approvedBy,
});

describe('mayDecideNow', () => {
  it.each([
    ['an approver by name', pending(), 'UNAMED', [], true],
    ['an approver by group', pending(), 'UMEMBER', ['SAPP'], true],
    ['someone else', pending(), 'UOTHER', ['SOTHER'], false],
    ['the requester, even in the group', pending(), 'UREQ', ['SAPP'], false],
    ['the requester when self-approval is allowed', pending({ requesterMayApprove: true }), 'UREQ', ['SAPP'], true],
    ['an approver whose approval is already counted', pending({}, ['UNAMED']), 'UNAMED', [], false],
  ])('lists a pending gate for %s: %s', (_who, p, user, groups, expected) => {
    expect(mayDecideNow(p, { user, userGroups: groups }, NOW)).toBe(expected);
  });

  it('lists no gate whose time is up, or that is settled', () => {
    expect(mayDecideNow(pending(), { user: 'UNAMED', userGroups: [] }, NOW + 1)).toBe(false);
    const decided = { ...pending(), gate: { ...pending().gate, status: 'decided' as const } };
    expect(mayDecideNow(decided, { user: 'UNAMED', userGroups: [] }, NOW)).toBe(false);
  });
});

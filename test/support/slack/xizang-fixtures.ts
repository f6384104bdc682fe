import type { Gate } from '../../../src/core/ports/gates.ts';
import { chatSite } from '../chat-site.ts';

/** A logger that drops everything (the Slack chat's `log`). */
export const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The Xizang site as the Slack chat sees it: its channel and the user group of its approvers. */
export const xizangSlackSite = chatSite('xizang', 'CXIZANG', { approverGroups: ['SAPP'] });

/** A pending approval gate of the `restart` step of a Xizang run, approved by one member of SAPP, not the requester. */
export function pendingRestartGate(id: string, runId: string, planHash: string): Gate {
  return {
    id,
    site: 'xizang',
    runId,
    stepId: 'restart',
    kind: 'approval',
    planHash,
    requester: 'UOPERATOR',
    choices: ['approve', 'reject'],
    policy: {
      approvers: [],
      approverGroups: ['SAPP'],
      approvalsNeeded: 1,
      requesterMayApprove: false,
      expiresAfterMs: 600_000,
    },
    openedAt: 0,
    expiresAt: 600_000,
    status: 'pending',
    approvals: [],
  };
}

import type { ApprovalPolicy, GateChoice } from '../core/ports/gates.ts';
import { isStoppingChoice } from './choices-for-kind.ts';

/** What of a gate decides who may answer it. */
export interface AnswerableGate {
  readonly requester: string;
  readonly choices: readonly GateChoice[];
  readonly policy: Pick<ApprovalPolicy, 'approvers' | 'approverGroups' | 'requesterMayApprove' | 'approvalsNeeded'>;
}

/** Who may answer a gate, and what the person looking at it may answer. */
export interface GateAnswerers {
  /** Approvers named by the policy (Slack user ids). */
  readonly approvers: readonly string[];
  /** Approver groups named by the policy (Slack user group ids). */
  readonly approverGroups: readonly string[];
  /** Approvals needed before an approve counts. */
  readonly approvalsNeeded: number;
  /** The requester may not move the run forward: another approver must answer (four eyes). */
  readonly fourEyes: boolean;
  /**
   * The viewer's relation to the gate: `requester` (told another approver must answer, offered nothing),
   * `approver` (offered `offered`), `other` (may not answer), `unknown` (no viewer: everything is offered).
   */
  readonly viewer: 'requester' | 'approver' | 'other' | 'unknown';
  /** The choices to offer the viewer. */
  readonly offered: readonly GateChoice[];
}

/**
 * Who may answer `gate`, from its policy, and which of its choices to offer `viewer` (with their groups, when
 * known). A requester under four eyes is offered no choice: the gate waits for someone else, and offering them
 * buttons they would mostly be refused at misleads. Only what to show; every answer is checked again in full.
 */
export function whoMayAnswer(
  gate: AnswerableGate,
  viewer?: { readonly user: string; readonly groups?: readonly string[] },
): GateAnswerers {
  const base = {
    approvers: gate.policy.approvers,
    approverGroups: gate.policy.approverGroups,
    approvalsNeeded: gate.policy.approvalsNeeded,
    fourEyes: !gate.policy.requesterMayApprove,
  };
  if (viewer === undefined) return { ...base, viewer: 'unknown', offered: gate.choices };
  if (viewer.user === gate.requester && !gate.policy.requesterMayApprove)
    return { ...base, viewer: 'requester', offered: [] };
  // The rules of mayDecide, for every choice at once.
  const approver =
    gate.policy.approvers.includes(viewer.user) ||
    (viewer.groups ?? []).some((g) => gate.policy.approverGroups.includes(g));
  const requester = viewer.user === gate.requester;
  const offered = gate.choices.filter((c) => approver || (requester && isStoppingChoice(c)));
  return { ...base, viewer: offered.length > 0 ? 'approver' : 'other', offered };
}

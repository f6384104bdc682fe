import type { ApprovalPolicy, Gate, GateChoice, GateRefusal } from '../core/ports/gates.ts';
import { err, ok, type Result } from '../core/result.ts';
import { isStoppingChoice } from './choices-for-kind.ts';
import { gateRefusal } from './gate-refusal.ts';

/** The person clicking, as the chat layer resolved them. */
export interface Decider {
  readonly user: string;
  readonly userGroups: readonly string[];
}

/** True when the policy names the user, or one of the user's groups. */
export function isApprover(
  gate: { readonly policy: Pick<ApprovalPolicy, 'approvers' | 'approverGroups'> },
  who: Decider,
): boolean {
  const { approvers, approverGroups } = gate.policy;
  return approvers.includes(who.user) || who.userGroups.some((g) => approverGroups.includes(g));
}

/**
 * Who may give `choice` on `gate`, from the gate's policy alone (no state): approvers may; the requester may
 * stop their own run (`reject`, `abort`) but moves it forward only when the policy allows self-approval;
 * anybody else is refused.
 */
export function mayDecide(gate: Gate, who: Decider, choice: GateChoice): Result<void, GateRefusal> {
  const isRequester = who.user === gate.requester;
  if (isRequester && isStoppingChoice(choice)) return ok(undefined);
  if (isRequester && !gate.policy.requesterMayApprove) return err(gateRefusal('REQUESTER', { gate }));
  if (!isApprover(gate, who)) return err(gateRefusal('NOT_AUTHORISED', { gate }));
  return ok(undefined);
}

import type { PendingGateView } from '../core/ports/chat-engine.ts';
import { isOverdue } from './check-decision.ts';
import { isApprover, type Decider } from './may-decide.ts';

/**
 * Whether a person's Home tab offers a pending gate as theirs to decide now: the gate is still open, they are an
 * approver by the gate's policy, they did not request the run (unless the policy allows self-approval) and their
 * approval is not already counted. Only what to list: a click is checked again in full by the engine, like a
 * click in the thread.
 */
export function mayDecideNow(p: PendingGateView, who: Decider, now: number): boolean {
  if (p.gate.status !== 'pending' || isOverdue(p.gate, now)) return false;
  if (who.user === p.gate.requester && !p.policy.requesterMayApprove) return false;
  if (!isApprover(p, who)) return false;
  return !p.approvedBy.includes(who.user);
}

import type { Gate } from './gates.ts';
import type { GateView } from './views.ts';

/** The part of a gate's policy that says who may answer it: what a gate's view carries so chat can say so. */
export function answerersOf(gate: Pick<Gate, 'policy'>): NonNullable<GateView['answerers']> {
  const { approvers, approverGroups, requesterMayApprove, approvalsNeeded } = gate.policy;
  return { approvers, approverGroups, requesterMayApprove, approvalsNeeded };
}

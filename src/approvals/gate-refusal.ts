import type { Gate, GateChoice, GateRefusal } from '../core/ports/gates.ts';
import { assertNever } from '../core/result.ts';

/** What a refusal needs besides its code to explain itself. */
export interface RefusalContext {
  readonly gate?: Gate;
  readonly choice?: GateChoice;
}

/** Builds a refusal whose message speaks to the person who clicked, and says what they can do instead. */
export function gateRefusal(code: GateRefusal['code'], ctx: RefusalContext = {}): GateRefusal {
  const message = refusalMessage(code, ctx);
  return ctx.gate === undefined ? { code, message } : { code, message, gate: ctx.gate };
}

function refusalMessage(code: GateRefusal['code'], { gate, choice }: RefusalContext): string {
  switch (code) {
    case 'UNKNOWN_GATE':
      return 'This request no longer exists; nothing was recorded.';
    case 'NOT_AUTHORISED':
      return gate === undefined
        ? 'You are not an approver for this site; ask one of its approvers.'
        : `You are not an approver for site ${gate.site}; ask one of its approvers.`;
    case 'REQUESTER':
      return 'You requested this run; another approver must approve it.';
    case 'EXPIRED':
      return gate === undefined
        ? 'This request has expired and counts as a rejection; request the step again.'
        : `This request expired at ${new Date(gate.expiresAt).toISOString()} and counts as a rejection; request the step again.`;
    case 'ALREADY_DECIDED':
      return gate?.decision === undefined
        ? 'This request has already been decided.'
        : `This request was already decided: ${gate.decision.choice} by ${gate.decision.by}.`;
    case 'PLAN_CHANGED':
      return 'The plan of this step changed after you saw it; review the new plan before deciding.';
    case 'INVALID_CHOICE':
      return `"${choice ?? '?'}" is not an answer to this request${gate === undefined ? '' : ` (answers: ${gate.choices.join(', ')})`}.`;
    case 'ALREADY_APPROVED': {
      if (gate === undefined) return 'You already approved this; another approver must approve it too.';
      const needed = gate.policy.approvalsNeeded;
      return `You already approved this; it needs ${needed} approvals from different people (${gate.approvals.length} so far).`;
    }
    default:
      return assertNever(code, 'refusal code');
  }
}

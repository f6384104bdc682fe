import type { Gate, OpenGateInput } from '../core/ports/gates.ts';
import { choicesForKind } from './choices-for-kind.ts';
import { InvalidGateError } from './invalid-gate-error.ts';

/**
 * Builds a pending gate from `input`, refusing input that could never be decided properly: no choices, a
 * choice foreign to the kind, an empty plan hash or requester, a policy needing fewer than one approval or
 * expiring in no time. Both gate stores open gates through this.
 */
export function newGate(id: string, input: OpenGateInput): Gate {
  const where = { site: input.site, runId: input.runId, stepId: input.stepId };
  const fail = (problem: string): never => {
    throw new InvalidGateError(problem, where);
  };
  if (!input.site || !input.runId || !input.stepId) fail('site, runId and stepId must not be empty');
  if (!input.planHash) fail('planHash must not be empty');
  if (!input.requester) fail('requester must not be empty');
  if (input.choices.length === 0) fail('a gate needs at least one choice');
  const valid = choicesForKind(input.kind);
  const foreign = input.choices.filter((c) => !valid.includes(c));
  if (foreign.length > 0)
    fail(`choices ${foreign.join(', ')} do not fit a ${input.kind} gate (valid: ${valid.join(', ')})`);
  const { approvalsNeeded, expiresAfterMs } = input.policy;
  if (!Number.isInteger(approvalsNeeded) || approvalsNeeded < 1)
    fail(`policy.approvalsNeeded must be an integer ≥ 1, got ${approvalsNeeded}`);
  if (!Number.isFinite(expiresAfterMs) || expiresAfterMs <= 0)
    fail(`policy.expiresAfterMs must be > 0, got ${expiresAfterMs}`);
  return {
    id,
    site: input.site,
    runId: input.runId,
    stepId: input.stepId,
    kind: input.kind,
    planHash: input.planHash,
    requester: input.requester,
    choices: [...new Set(input.choices)],
    policy: {
      approvers: [...input.policy.approvers],
      approverGroups: [...input.policy.approverGroups],
      approvalsNeeded,
      requesterMayApprove: input.policy.requesterMayApprove,
      expiresAfterMs,
    },
    openedAt: input.now,
    expiresAt: input.now + expiresAfterMs,
    status: 'pending',
    approvals: [],
  };
}

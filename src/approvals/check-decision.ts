import type { DecideInput, Gate, GateRefusal } from '../core/ports/gates.ts';
import { err, ok, type Result } from '../core/result.ts';
import { gateRefusal } from './gate-refusal.ts';
import { mayDecide } from './may-decide.ts';

/**
 * What an accepted click does: `record-approval` counts one more distinct approval without settling the gate
 * (more are needed); `decide` settles it with this choice.
 */
export type DecisionEffect = { readonly kind: 'record-approval' } | { readonly kind: 'decide' };

/** True when the gate's time is up at `now`, whether or not `expireDue` has marked it yet (fails closed). */
export function isOverdue(gate: Pick<Gate, 'expiresAt'>, now: number): boolean {
  return now >= gate.expiresAt;
}

/**
 * Checks a click against a gate, in the order a person would want to hear about it: the gate's state first
 * (decided, expired), then whether the plan they saw is still the plan, whether the answer fits the gate,
 * whether they may give it, and finally whether they already approved. `decideGate` runs it before the store
 * records the answer; the store repeats the state checks atomically because the state can change under it.
 */
export function checkDecision(gate: Gate, input: DecideInput): Result<DecisionEffect, GateRefusal> {
  const state = checkPending(gate, input);
  if (!state.ok) return state;
  if (!gate.choices.includes(input.choice)) return err(gateRefusal('INVALID_CHOICE', { gate, choice: input.choice }));
  const allowed = mayDecide(gate, input, input.choice);
  if (!allowed.ok) return allowed;
  return checkNotApproved(gate, input);
}

/**
 * The checks that depend on the gate's state, which can change between reading a gate and recording an answer:
 * a gate store repeats exactly these, atomically, when it records (`GateStore.record`).
 */
export function checkGateState(gate: Gate, input: DecideInput): Result<DecisionEffect, GateRefusal> {
  const state = checkPending(gate, input);
  return state.ok ? checkNotApproved(gate, input) : state;
}

function checkPending(gate: Gate, input: DecideInput): Result<void, GateRefusal> {
  if (gate.status === 'decided') return err(gateRefusal('ALREADY_DECIDED', { gate }));
  if (gate.status === 'expired' || isOverdue(gate, input.now)) return err(gateRefusal('EXPIRED', { gate }));
  if (input.planHash !== gate.planHash) return err(gateRefusal('PLAN_CHANGED', { gate }));
  return ok(undefined);
}

/** An approval counts once per person; the gate settles with the last approval needed, or any other answer. */
function checkNotApproved(gate: Gate, input: DecideInput): Result<DecisionEffect, GateRefusal> {
  if (input.choice !== 'approve') return ok({ kind: 'decide' });
  if (gate.approvals.some((a) => a.by === input.user)) return err(gateRefusal('ALREADY_APPROVED', { gate }));
  return ok({ kind: gate.approvals.length + 1 >= gate.policy.approvalsNeeded ? 'decide' : 'record-approval' });
}

/** The gate after an accepted click (pure; the Redis store performs the same change in its script). */
export function applyDecision(gate: Gate, input: DecideInput, effect: DecisionEffect): Gate {
  const approvals =
    input.choice === 'approve' ? [...gate.approvals, { by: input.user, at: input.now }] : gate.approvals;
  if (effect.kind === 'record-approval') return { ...gate, approvals };
  return { ...gate, approvals, status: 'decided', decision: { choice: input.choice, by: input.user, at: input.now } };
}

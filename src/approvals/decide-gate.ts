import type { DecideInput, DecideOutcome, GateRefusal, GateStore } from '../core/ports/gates.ts';
import { err, type Result } from '../core/result.ts';
import { checkDecision } from './check-decision.ts';
import { gateRefusal } from './gate-refusal.ts';

/**
 * Answers a gate: the policy (`checkDecision`: the gate's state, the plan the person saw, the answers offered,
 * who may give them) decides here, server-side, and only an accepted answer reaches the store, which records it
 * atomically and at most once.
 */
export async function decideGate(
  gates: Pick<GateStore, 'get' | 'record'>,
  input: DecideInput,
): Promise<Result<DecideOutcome, GateRefusal>> {
  const gate = await gates.get(input.gateId);
  if (gate === undefined) return err(gateRefusal('UNKNOWN_GATE'));
  const checked = checkDecision(gate, input);
  if (!checked.ok) return checked;
  return gates.record(input);
}

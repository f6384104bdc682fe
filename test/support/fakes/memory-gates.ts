import { applyDecision } from '../../../src/approvals/check-decision.ts';
import { gateRefusal } from '../../../src/approvals/gate-refusal.ts';
import type { DecideInput, DecideOutcome, Gate, GateRefusal, GateStore } from '../../../src/core/ports/gates.ts';
import { err, ok, type Result } from '../../../src/core/result.ts';
import { checkGateState } from '../../../src/approvals/check-decision.ts';

/**
 * An in-memory GateStore for unit tests. `record` repeats the same state checks (`checkGateState`) and change
 * (`applyDecision`) as the Redis store's script and passes the same contract suite, so its refusals and outcomes
 * are the real ones. JavaScript's single thread makes each call atomic, as the Redis script does.
 */
export class MemoryGates implements GateStore {
  private readonly gates = new Map<string, Gate>();
  /** Every record call with its result, in order, for assertions. */
  readonly recordCalls: { input: DecideInput; result: Result<DecideOutcome, GateRefusal> }[] = [];

  async insert(gate: Gate): Promise<void> {
    this.gates.set(gate.id, clone(gate));
  }

  async record(input: DecideInput): Promise<Result<DecideOutcome, GateRefusal>> {
    const result = this.recordNow(input);
    this.recordCalls.push({ input, result });
    return result;
  }

  private recordNow(input: DecideInput): Result<DecideOutcome, GateRefusal> {
    const gate = this.gates.get(input.gateId);
    if (gate === undefined) return err(gateRefusal('UNKNOWN_GATE'));
    const checked = checkGateState(gate, input);
    if (!checked.ok)
      return err({ ...checked.error, ...(checked.error.gate ? { gate: clone(checked.error.gate) } : {}) });
    const next = applyDecision(gate, input, checked.value);
    this.gates.set(gate.id, next);
    return ok({ status: checked.value.kind === 'decide' ? 'decided' : 'recorded', gate: clone(next) });
  }

  async get(gateId: string): Promise<Gate | undefined> {
    const gate = this.gates.get(gateId);
    return gate === undefined ? undefined : clone(gate);
  }

  async expireDue(now: number): Promise<readonly Gate[]> {
    const expired: Gate[] = [];
    for (const gate of this.gates.values()) {
      if (gate.status !== 'pending' || now < gate.expiresAt) continue;
      const next: Gate = { ...gate, status: 'expired' };
      this.gates.set(gate.id, next);
      expired.push(clone(next));
    }
    return expired.sort((a, b) => a.expiresAt - b.expiresAt || byId(a, b));
  }

  async pendingForRun(runId: string): Promise<readonly Gate[]> {
    return [...this.gates.values()]
      .filter((g) => g.runId === runId && g.status === 'pending')
      .sort((a, b) => a.openedAt - b.openedAt || byId(a, b))
      .map(clone);
  }
}

/** Ties broken by id in code-unit order, as a Redis sorted set breaks them. */
function byId(a: Gate, b: Gate): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Callers get copies, so mutating a returned gate cannot change the store (Redis hands out copies too). */
function clone(gate: Gate): Gate {
  return structuredClone(gate);
}

import type { Gate, GateDecision, GateStatus } from '../../core/ports/gates.ts';

/** The parts of a gate that never change after it is opened, stored as one JSON field. */
type FixedPart = Omit<Gate, 'status' | 'approvals' | 'decision'>;

/**
 * The fields of a new gate's Redis hash. The fixed part is one JSON field; the fields the decide script reads
 * or writes (status, expiry, plan hash, approvals needed and counted, run) are separate so that the script can
 * work on them without decoding JSON.
 */
export function gateToHash(gate: Gate): Record<string, string> {
  const { status, approvals, decision: _decision, ...fixed } = gate;
  return {
    fixed: JSON.stringify(fixed),
    status,
    expiresAt: String(gate.expiresAt),
    planHash: gate.planHash,
    needed: String(gate.policy.approvalsNeeded),
    count: String(approvals.length),
    approvals: JSON.stringify(approvals),
    runId: gate.runId,
  };
}

/** Rebuilds a gate from its hash as HGETALL (object) or a script (flat array) returns it; undefined when absent. */
export function gateFromHash(hash: Record<string, string> | readonly string[]): Gate | undefined {
  const fields = Array.isArray(hash) ? pairs(hash) : (hash as Record<string, string>);
  if (fields.fixed === undefined) return undefined;
  const fixed = JSON.parse(fields.fixed) as FixedPart;
  const approvals = JSON.parse(fields.approvals ?? '[]') as Gate['approvals'];
  const gate: Gate = { ...fixed, status: fields.status as GateStatus, approvals };
  return fields.decision === undefined ? gate : { ...gate, decision: JSON.parse(fields.decision) as GateDecision };
}

function pairs(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

import type { Gate, GateChoice } from '../ports/gates.ts';
import { assertNever } from '../result.ts';
import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import { auditOnly, BOT_ACTOR, notify } from './notify.ts';
import { stepState, type RunState, type StepState } from '../plan/run-state.ts';
import { updateRun, withStep } from './update-run.ts';

/** A settled gate's answer as the engine applies it; an expired gate counts as `reject` by nobody. */
export interface SettledGate {
  readonly gate: Gate;
  readonly choice: GateChoice;
  readonly by: string;
  readonly expired: boolean;
}

/**
 * Applies a settled gate to its run, then carries the run forward: approve/done clear the step to run, retry
 * clears it again as a new attempt, mark-done counts it done, roll-back asks for a rollback, reject (and
 * expiry) stop the run where it is, abort ends it (after its cleanup steps, see `abortRun`) and releases the
 * site lock. A gate that is no longer the step's current gate, or of a run being aborted, changes nothing.
 */
export async function applyDecision(deps: EngineDeps, s: SettledGate): Promise<RunState | undefined> {
  const { gate } = s;
  const head = { site: gate.site, runId: gate.runId };
  const now = deps.clock.now();
  // A gate opened by a process that lost the race to record it was never shown: its end changes and says nothing.
  let current = false;
  // A roll-back answer leaves its step failed or interrupted, so the resume of runs finds the gate again: once
  // the run has its rollback, the answer was applied (no gate of a rollback offers roll-back) and is not redone.
  let applied = false;
  const next = await updateRun(deps.runs, gate.runId, now, (r) => {
    const st = stepState(r, gate.stepId);
    current = st.gate?.id === gate.id;
    applied = s.choice === 'roll-back' && r.rollback !== undefined;
    if (!current || applied || (r.outcome !== undefined && r.outcome !== 'rejected') || r.abort !== undefined)
      return undefined;
    return decided(r, st, s, now);
  });
  if (!current || applied) return undefined;
  if (s.expired) await notify(deps, head, { type: 'gate.expired', gateId: gate.id, stepId: gate.stepId });
  else
    await notify(deps, head, {
      type: 'gate.decided',
      gateId: gate.id,
      stepId: gate.stepId,
      choice: s.choice,
      by: s.by,
    });
  if (next === undefined) return undefined;
  if (gate.kind === 'interrupted') {
    await auditOnly(deps, {
      type: 'step.reconciled',
      site: gate.site,
      runId: gate.runId,
      stepId: gate.stepId,
      actor: s.by,
      data: { choice: s.choice },
    });
  }
  if (next.outcome === 'rejected') {
    const rollbackOffered = next.rollback === undefined;
    await notify(deps, head, {
      type: 'run.stopped',
      stepId: gate.stepId,
      statusLine: next.statusLine ?? '',
      rollbackOffered,
    });
  }
  await advanceRun(deps, gate.runId);
  return next;
}

function decided(r: RunState, st: StepState, s: SettledGate, now: number): RunState {
  const { choice, by } = s;
  const id = s.gate.stepId;
  switch (choice) {
    case 'approve':
    case 'done':
      return withStep(r, id, { ...st, status: 'ready', approvedBy: by });
    case 'retry':
      return withStep(r, id, { status: 'ready', attempt: st.attempt + 1, approvedBy: by });
    case 'mark-done':
      return withStep(r, id, { ...st, status: 'marked-done', approvedBy: by });
    case 'roll-back':
      return { ...r, rollback: { requestedBy: by, requestedAt: now } };
    case 'reject': {
      const who = s.expired ? 'its gate expired' : `rejected by ${by}`;
      const where = r.rollback?.covers === undefined ? 'the run' : 'the rollback';
      const statusLine = `${where} stopped at step ${id}: ${who}; nothing after it ran${r.rollback === undefined ? '; it can be rolled back' : ''}`;
      return { ...withStep(r, id, { ...st, status: 'rejected' }), outcome: 'rejected', statusLine };
    }
    case 'abort': {
      const statusLine = `aborted by ${by === BOT_ACTOR ? 'opsgate' : by} at step ${id}`;
      return { ...r, statusLine, abort: { by, at: now, statusLine } };
    }
    default:
      return assertNever(choice, 'gate choice');
  }
}

/**
 * Applies gate decisions the run has not seen: a process that recorded a decision in the gate store and died
 * before applying it leaves the run waiting on a settled gate. Called when runs are resumed.
 */
export async function settleDecidedGates(deps: EngineDeps, run: RunState): Promise<void> {
  // An aborted run takes no more decisions (the abort gate itself stays decided on its step).
  if (run.abort !== undefined) return;
  for (const st of Object.values(run.steps)) {
    if (st.gate === undefined || !['gated', 'failed', 'interrupted'].includes(st.status)) continue;
    const gate = await deps.gates.get(st.gate.id);
    if (gate?.status === 'decided' && gate.decision !== undefined) {
      await applyDecision(deps, { gate, choice: gate.decision.choice, by: gate.decision.by, expired: false });
    } else if (gate?.status === 'expired') {
      await applyDecision(deps, { gate, choice: 'reject', by: BOT_ACTOR, expired: true });
    }
  }
}

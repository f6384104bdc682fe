import { assertNever } from '../result.ts';
import { abortAction } from './cleanup.ts';
import { stepState, type RunState } from '../plan/run-state.ts';
import type { ExecutableStep, Plan, Step } from '../plan/step-schema.ts';
import type { NextAction, NextActionContext, Phase } from './next-action.ts';

/** Whether a step stops at a gate before it runs: destructive or declared gated; every destructive rollback step. */
export function needsApproval(step: ExecutableStep, phase: Phase): boolean {
  return step.destructive || (phase === 'forward' && step.gate !== undefined);
}

/** The next thing to do for `run`, given its `plan`. */
export function planNextAction(plan: Plan, run: RunState, ctx: NextActionContext): NextAction {
  if (run.outcome !== undefined && run.outcome !== 'rejected') return { type: 'finished', outcome: run.outcome };
  if (run.abort !== undefined) return abortAction(plan, run, run.abort);
  if (run.rollback !== undefined && run.rollback.covers === undefined) return { type: 'roll-back' };
  const phase = run.rollback?.covers === undefined ? 'forward' : 'rollback';
  const sequence = phase === 'forward' ? plan.steps : rollbackSequence(plan, run.rollback?.covers ?? []);
  for (const step of sequence) {
    const st = stepState(run, step.id);
    switch (st.status) {
      case 'succeeded':
      case 'marked-done':
        continue;
      case 'pending':
        return pendingAction(step, st.attempt, phase, ctx);
      case 'ready':
      case 'running':
        return { type: 'execute', stepId: step.id, attempt: st.attempt, phase };
      case 'gated':
        return { type: 'wait', stepId: step.id, gateId: st.gate?.id ?? '' };
      case 'failed':
      case 'interrupted':
        if (st.gate !== undefined) return { type: 'wait', stepId: step.id, gateId: st.gate.id };
        return { type: 'await-decision', stepId: step.id, reason: st.status, phase };
      case 'rejected':
        return { type: 'stopped', stepId: step.id, rollbackOffered: phase === 'forward' };
      default:
        return assertNever(st.status, 'step status');
    }
  }
  return { type: 'complete', outcome: phase === 'forward' ? 'completed' : 'rolled-back' };
}

function pendingAction(step: ExecutableStep, attempt: number, phase: Phase, ctx: NextActionContext): NextAction {
  if (step.kind === 'manual' && !(ctx.manualScripted && step.standIn !== undefined)) {
    return { type: 'await-manual', stepId: step.id };
  }
  if (needsApproval(step, phase)) {
    return { type: 'await-approval', stepId: step.id, gateKind: phase === 'forward' ? 'approval' : 'rollback' };
  }
  return { type: 'execute', stepId: step.id, attempt, phase };
}

/** The rollback steps of the covered forward steps, in the order given (already reversed), each list in order. */
export function rollbackSequence(plan: Plan, covers: readonly string[]): readonly ExecutableStep[] {
  return covers.flatMap((id) => {
    const step = plan.steps.find((s) => s.id === id);
    return step === undefined || step.kind === 'check' ? [] : (step.rollback?.steps ?? []);
  });
}

/**
 * The forward steps a rollback undoes, latest first: those that finished or were marked done, and a failed
 * or interrupted one whose commands may have run (a precondition failure, or an interruption before anything was
 * sent, changed nothing). Checks change nothing; irreversible steps are listed apart so that the people deciding
 * see what stays.
 */
export function rollbackCoverage(
  plan: Plan,
  run: RunState,
): { readonly covers: readonly string[]; readonly irreversible: readonly Step[] } {
  const touched = plan.steps.filter((s) => {
    const st = stepState(run, s.id);
    if (st.status === 'succeeded' || st.status === 'marked-done') return true;
    if (st.status === 'interrupted') return st.notStarted !== true;
    return st.status === 'failed' && st.failedAt !== 'precondition';
  });
  const reversed = [...touched].reverse().flatMap((s) => (s.kind === 'check' ? [] : [s]));
  return {
    covers: reversed.filter((s) => s.rollback !== undefined).map((s) => s.id),
    irreversible: reversed.filter((s) => s.irreversible !== undefined),
  };
}

/** Finds a step of the plan, of its rollbacks or of its cleanups by id. */
export function findStep(plan: Plan, stepId: string): ExecutableStep | undefined {
  for (const s of plan.steps) {
    if (s.id === stepId) return s;
    if (s.kind !== 'check') {
      const rb = s.rollback?.steps.find((r) => r.id === stepId);
      if (rb !== undefined) return rb;
    }
    const cl = s.kind === 'action' ? s.cleanup?.steps.find((c) => c.id === stepId) : undefined;
    if (cl !== undefined) return cl;
  }
  return undefined;
}

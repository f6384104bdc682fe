import type { NextAction } from './next-action.ts';
import { stepState, type RunState, type StepState } from '../plan/run-state.ts';
import type { ActionStep, CleanupStep, Plan } from '../plan/step-schema.ts';

/**
 * Cleanup on abort: a forward action step may declare `cleanup: { steps, endedBy }`, what ends the things it
 * started in the background (a probe and its password file). When a run is aborted, the engine waits for a
 * step still running, then runs the cleanup steps of every step that started and whose cleanup is not moot,
 * latest first, through the normal step jobs; then the run ends `aborted` and the site lock is released.
 */

const done = (st: StepState) => st.status === 'succeeded' || st.status === 'marked-done';

/**
 * Whether a step's commands may have run: finished, marked done, interrupted (unless before it sent anything), or
 * failed past its preconditions.
 */
function started(st: StepState): boolean {
  if (st.status === 'interrupted') return st.notStarted !== true;
  return done(st) || (st.status === 'failed' && st.failedAt !== 'precondition');
}

/** A cleanup is moot once a step named in `endedBy` is done, or once the rollback undid its step. */
function moot(step: ActionStep, run: RunState): boolean {
  if ((step.cleanup?.endedBy ?? []).some((id) => done(stepState(run, id)))) return true;
  const undone =
    run.rollback?.covers?.includes(step.id) === true &&
    (step.rollback?.steps ?? []).every((rb) => done(stepState(run, rb.id)));
  return undone;
}

function withCleanup(plan: Plan): ActionStep[] {
  return plan.steps.flatMap((s) => (s.kind === 'action' && s.cleanup !== undefined ? [s] : []));
}

/** The forward steps whose cleanup runs on abort, latest first. */
export function cleanupCoverage(plan: Plan, run: RunState): readonly string[] {
  return withCleanup(plan)
    .filter((s) => started(stepState(run, s.id)) && !moot(s, run))
    .reverse()
    .map((s) => s.id);
}

/** The cleanup steps of the covered forward steps, in the order given, each list in order. */
export function cleanupSequence(plan: Plan, covers: readonly string[]): readonly CleanupStep[] {
  return covers.flatMap((id) => {
    const step = plan.steps.find((s) => s.id === id);
    return step?.kind === 'action' ? (step.cleanup?.steps ?? []) : [];
  });
}

/**
 * The next action of an aborted run. Before the cleanup starts: a step that may change something and is still
 * `running` is waited for (its job finishes and records it; after a crash it is reconciled) when a cleanup may
 * be needed, since its outcome decides what the cleanup covers; otherwise the cleanup starts. Then each cleanup
 * step runs once, in order; a failed one does not stop the others (its failure is stated when the run ends).
 */
export function abortAction(plan: Plan, run: RunState, abort: NonNullable<RunState['abort']>): NextAction {
  if (abort.covers === undefined) {
    const running = runningChange(plan, run);
    if (running !== undefined && (hasCleanup(plan, running.id) || cleanupCoverage(plan, run).length > 0)) {
      return {
        type: 'execute',
        stepId: running.id,
        attempt: running.st.attempt,
        phase: run.rollback?.covers === undefined ? 'forward' : 'rollback',
      };
    }
    return { type: 'start-cleanup' };
  }
  for (const step of cleanupSequence(plan, abort.covers)) {
    const st = stepState(run, step.id);
    if (st.status === 'pending' || st.status === 'ready' || st.status === 'running')
      return { type: 'execute', stepId: step.id, attempt: st.attempt, phase: 'cleanup' };
  }
  return { type: 'complete', outcome: 'aborted' };
}

function hasCleanup(plan: Plan, stepId: string): boolean {
  return withCleanup(plan).some((s) => s.id === stepId);
}

/** A running step that may change something (checks only read: nothing waits for them). */
function runningChange(plan: Plan, run: RunState): { readonly id: string; readonly st: StepState } | undefined {
  const checks = new Set(plan.steps.filter((s) => s.kind === 'check').map((s) => s.id));
  const found = Object.entries(run.steps).find(([id, st]) => st.status === 'running' && !checks.has(id));
  return found === undefined ? undefined : { id: found[0], st: found[1] };
}

/** The end of an aborted run's status line: what the cleanup did, each failure with its reason. */
export function cleanupOutcome(plan: Plan, run: RunState): string {
  const steps = cleanupSequence(plan, run.abort?.covers ?? []);
  if (steps.length === 0) return '';
  const failed = steps.filter((s) => !done(stepState(run, s.id)));
  const ok = steps.filter((s) => done(stepState(run, s.id))).map((s) => s.id);
  const parts = [
    ...(ok.length > 0 ? [`cleanup done: ${ok.join(', ')}`] : []),
    ...failed.map(
      (s) =>
        `cleanup step ${s.id} FAILED (${stepState(run, s.id).summary ?? stepState(run, s.id).status}): check by hand`,
    ),
  ];
  return `; ${parts.join('; ')}`;
}

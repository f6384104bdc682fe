import type { EngineDeps } from './engine-deps.ts';
import { loadRun } from './load-run.ts';
import { findStep } from './plan-next-action.ts';
import { reconcileStep } from './reconcile-step.ts';
import { stepState } from '../plan/run-state.ts';
import type { StepJob } from '../ports/run-store.ts';

/** Why a step was cut short by a shutdown, as people read it in the run's thread. */
export const SHUTDOWN_REASON = 'the worker was shut down (SIGTERM) before the step finished';

/**
 * Records the steps a stopping worker could not finish in its grace time: an action or manual step becomes
 * `interrupted` (probed, then a person decides), exactly as after a crash but said plainly and at once; a check
 * only reads, so it is left `running` and the next worker runs it again. Returns the ids of interrupted steps.
 */
export async function interruptOverdueSteps(
  deps: EngineDeps,
  jobs: readonly StepJob[],
  why = SHUTDOWN_REASON,
): Promise<readonly string[]> {
  const interrupted: string[] = [];
  for (const job of jobs) {
    const loaded = await loadRun(deps, job.runId);
    const step = loaded === undefined ? undefined : findStep(loaded.plan, job.stepId);
    if (loaded === undefined || step === undefined || step.kind === 'check') continue;
    const st = stepState(loaded.run, job.stepId);
    if (st.status !== 'running' || st.attempt !== job.attempt) continue;
    await reconcileStep(deps, loaded, step, job.attempt, why);
    interrupted.push(`${job.runId}/${job.stepId}`);
  }
  return interrupted;
}

import type { RunState } from '../plan/run-state.ts';
import { stepState } from '../plan/run-state.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import type { EngineDeps } from './engine-deps.ts';
import { updateRun, withStep } from './update-run.ts';

/**
 * Whether a delivery records where the step's commands went before it sends them: for every step that is
 * reconciled when found `running` after a crash (not a check, not a cleanup step, both simply run again), and
 * that sends something of the engine's (not a manual step a person does, where the site does not script it).
 * What it records is what lets a step that sent nothing be offered again as not started.
 */
export function tracksSends(step: ExecutableStep, cleanup: boolean, manualScripted: boolean): boolean {
  if (step.kind === 'check' || cleanup) return false;
  return step.kind === 'action' || (manualScripted && step.standIn !== undefined && step.standIn.length > 0);
}

/**
 * A `beforeSend` for one delivery of a step: records `sentTo` on the step, compare-and-set on the step still
 * being this delivery's (`running`, same attempt); false once it is not (a surviving process took it over after
 * this worker was taken for dead), and then nothing may be sent. `onRecorded` gets the run as written.
 */
export function recordSends(
  deps: Pick<EngineDeps, 'runs' | 'clock'>,
  runId: string,
  stepId: string,
  attempt: number,
  onRecorded: (run: RunState) => void,
): (targets: readonly string[]) => Promise<boolean> {
  return async (targets) => {
    const written = await updateRun(deps.runs, runId, deps.clock.now(), (r) => {
      const cur = stepState(r, stepId);
      if (cur.status !== 'running' || cur.attempt !== attempt) return undefined;
      return withStep(r, stepId, { ...cur, sentTo: targets });
    });
    if (written === undefined) return false;
    onRecorded(written);
    return true;
  };
}

import type { RunStore } from '../ports/run-store.ts';
import { RunNotFoundError, RunStateConflictError } from './engine-errors.ts';
import type { RunState } from '../plan/run-state.ts';

const MAX_ATTEMPTS = 20;

/**
 * Applies `change` to a run's state with compare-and-set, re-reading and re-applying it when another process
 * changed the run in between. `change` returns undefined to leave the run as it is (then nothing is written
 * and undefined is returned); it must be a pure function of the state it is given. `known`, a state just read or
 * written by the caller, saves the first read (a stale one only costs a retry).
 */
export async function updateRun(
  runs: RunStore,
  runId: string,
  now: number,
  change: (run: RunState) => RunState | undefined,
  known?: RunState,
): Promise<RunState | undefined> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const run = i === 0 && known !== undefined ? known : await runs.get(runId);
    if (run === undefined) throw new RunNotFoundError(runId);
    const next = change(run);
    if (next === undefined) return undefined;
    const written: RunState = { ...next, version: run.version + 1, updatedAt: now };
    // withStep replaces only the step it changes, so the others are the very objects that were read.
    const changed = Object.keys(written.steps).filter((id) => written.steps[id] !== run.steps[id]);
    if (await runs.update(written, run.version, changed)) return written;
  }
  throw new RunStateConflictError(runId, MAX_ATTEMPTS);
}

/** The run with one step's state replaced. */
export function withStep(run: RunState, stepId: string, step: RunState['steps'][string]): RunState {
  return { ...run, steps: { ...run.steps, [stepId]: step } };
}

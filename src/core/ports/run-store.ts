import type { RunState } from '../plan/run-state.ts';
import type { Plan } from '../plan/step-schema.ts';

/**
 * Durable runs: the state of every run and its plan (JSON), and the queue that carries a run forward one step
 * per job. `src/adapters/redis` implements RunStore; `src/adapters/bullmq` implements RunQueue.
 */
export interface RunStore {
  /** Stores a new run with its plan; the run is active until its outcome is final. */
  create(run: RunState, plan: Plan): Promise<void>;
  get(runId: string): Promise<RunState | undefined>;
  getPlan(runId: string): Promise<Plan | undefined>;
  /**
   * Replaces the state only if its stored `version` is still `expectedVersion` (compare-and-set); false when
   * someone else changed it first. The new state carries `expectedVersion + 1`. `changedSteps` names the steps
   * that differ from the stored version (a store may then write only those); absent, every step is written.
   */
  update(next: RunState, expectedVersion: number, changedSteps?: readonly string[]): Promise<boolean>;
  /** Runs of a site (or of every site), newest first. */
  list(filter?: { readonly site?: string; readonly limit?: number }): Promise<readonly RunState[]>;
  /** Runs not finished yet (including those stopped at a rejection), of some sites or all, oldest first. */
  active(sites?: readonly string[]): Promise<readonly RunState[]>;
}

/** One job: carry run `runId` forward at `stepId`, attempt `attempt`. */
export interface StepJob {
  readonly site: string;
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
}

/** The per-site queue of step jobs; adding a job whose (run, step, attempt) is already queued does nothing. */
export interface RunQueue {
  enqueue(job: StepJob): Promise<void>;
}

import type { RunOutcome } from '../plan/run-state.ts';
/** What the engine should do next for a run; a pure function of the plan and the run's state. */
export type NextAction =
  /** Run the step (again, for `running`: the job handler decides between re-running and reconciling). */
  | { readonly type: 'execute'; readonly stepId: string; readonly attempt: number; readonly phase: Phase }
  /** Open an approval gate (or a rollback gate in the rollback phase) before the step. */
  | { readonly type: 'await-approval'; readonly stepId: string; readonly gateKind: 'approval' | 'rollback' }
  /** Open a manual gate: a person does the step and says "done". */
  | { readonly type: 'await-manual'; readonly stepId: string }
  /** Open a gate for a person to retry, mark done, roll back or abort. */
  | {
      readonly type: 'await-decision';
      readonly stepId: string;
      readonly reason: 'failed' | 'interrupted';
      readonly phase: Phase;
    }
  /** A gate is open: nothing to do until it is decided or expires. */
  | { readonly type: 'wait'; readonly stepId: string; readonly gateId: string }
  /** A rollback was asked for: work out which steps it covers and start it. */
  | { readonly type: 'roll-back' }
  /** The run was aborted and no step it waits for is running: work out which cleanups run and start them. */
  | { readonly type: 'start-cleanup' }
  /** Every step is done (for an aborted run: every cleanup step ran): finish the run. */
  | { readonly type: 'complete'; readonly outcome: 'completed' | 'rolled-back' | 'aborted' }
  /** A gate was rejected (or expired): the run stays where it is; rollback is offered in the forward phase. */
  | { readonly type: 'stopped'; readonly stepId: string; readonly rollbackOffered: boolean }
  /** The run is over. */
  | { readonly type: 'finished'; readonly outcome: Exclude<RunOutcome, 'rejected'> };

export type Phase = 'forward' | 'rollback' | 'cleanup';

/** What the engine needs to know of the site to choose between waiting for a person and a scripted stand-in. */
export interface NextActionContext {
  /** The site scripts its manual tool (the lab's ADM stand-in): manual steps with stand-in commands run them. */
  readonly manualScripted: boolean;
}

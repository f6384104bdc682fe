import type { ObPoll } from './ob-poll.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { runPolls } from './run-polls.ts';

/** Program id of the waits and health checks: polls run in order, each until done or timed out. */
export const WAIT_PROGRAM = 'ob.wait';

/** The args of a wait step: the polls (data, shown in the dry run) and what the failure means for people. */
export interface WaitArgs {
  readonly polls: readonly ObPoll[];
  /** Said when a poll times out: the zone's state and the decision a person has to make. */
  readonly onTimeout: string;
  /** `-t` of the health checker: replaces the per-tenant timeouts when > 0. */
  readonly explicitTimeoutSec?: number;
}

/**
 * Runs the polls in order, reporting progress in the thread, with timeouts scaled by the cluster's tenant count
 * (read once). A timeout is a `fail` finding naming what was last seen and the decision it needs.
 */
export const waitProgram: StepProgram = async (ctx, rawArgs) => {
  const args = rawArgs as unknown as WaitArgs;
  return (await runPolls(ctx, args.polls, args.onTimeout, undefined, args.explicitTimeoutSec)).findings;
};

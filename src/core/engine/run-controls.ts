import { isApprover } from '../../approvals/may-decide.ts';
import { err, ok, type Result } from '../result.ts';
import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import { auditOnly } from './notify.ts';
import { isFinished, type RunState } from '../plan/run-state.ts';
import { updateRun } from './update-run.ts';

/** Why a rollback or abort was refused, with a message for the person who asked. */
export interface ControlRefusal {
  readonly code: 'RUN_NOT_FOUND' | 'NOT_ROLLBACKABLE' | 'SITE_BUSY' | 'NOT_AUTHORISED' | 'ALREADY_FINISHED';
  readonly message: string;
}

/**
 * Asks for a rollback of a run that stopped (rejected), completed or was aborted: the engine then runs the
 * rollback steps of the completed steps in reverse order, each destructive one behind a new gate. A run still
 * going is refused: a paused one is rolled back through its gate's Roll back choice (the chat layer does that
 * for `/rollback`), a running one only once it pauses or is aborted. A finished run takes the site lock
 * again, and is refused while another run holds it. A rollback whose approval was rejected stopped holding the
 * site lock: asking again puts its rejected rollback step back behind a new rollback approval gate.
 */
export async function requestRollback(
  deps: EngineDeps,
  input: { readonly runId: string; readonly requester: string },
): Promise<Result<RunState, ControlRefusal>> {
  const run = await deps.runs.get(input.runId);
  if (run === undefined) return err({ code: 'RUN_NOT_FOUND', message: `no run ${input.runId}` });
  if (run.rollback !== undefined) {
    if (run.outcome === 'rejected' && run.rollback.covers !== undefined) return askRollbackAgain(deps, run);
    return err({
      code: 'NOT_ROLLBACKABLE',
      message: `run ${run.id} has already been rolled back (or is rolling back)`,
    });
  }
  if (run.dryRun || (run.outcome !== 'rejected' && run.outcome !== 'completed' && run.outcome !== 'aborted')) {
    const running = Object.entries(run.steps).find(([, st]) => st.status === 'running')?.[0];
    const why = run.dryRun ? 'a dry run' : running === undefined ? 'still going' : `running step ${running}`;
    return err({
      code: 'NOT_ROLLBACKABLE',
      message: `run ${run.id} is ${why}: roll it back when it pauses at a gate offering Roll back, or abort it first`,
    });
  }
  if (isFinished(run)) {
    const taken = await deps.lock.acquire({
      site: run.site,
      runId: run.id,
      requester: input.requester,
      since: deps.clock.now(),
    });
    if (!taken.ok)
      return err({ code: 'SITE_BUSY', message: `site ${run.site} is busy with run ${taken.error.heldBy.runId}` });
    await auditOnly(deps, { type: 'lock.taken', site: run.site, runId: run.id, actor: input.requester });
  }
  const next = await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    if (r.rollback !== undefined) return undefined;
    const { outcome: _dropped, abort: _aborted, ...rest } = r;
    return { ...rest, rollback: { requestedBy: input.requester, requestedAt: deps.clock.now() } };
  });
  if (next === undefined) return err({ code: 'NOT_ROLLBACKABLE', message: `run ${run.id} is already rolling back` });
  await advanceRun(deps, run.id);
  return ok(next);
}

/**
 * A rollback stopped at a rejected rollback approval still holds the site (the site is half undone): its rejected
 * rollback steps go back to pending, so the engine opens a new rollback approval gate for the first of them.
 */
async function askRollbackAgain(deps: EngineDeps, run: RunState): Promise<Result<RunState, ControlRefusal>> {
  const next = await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    if (r.outcome !== 'rejected' || r.rollback?.covers === undefined) return undefined;
    const steps = Object.fromEntries(
      Object.entries(r.steps).map(([id, st]) => {
        if (st.status !== 'rejected') return [id, st];
        const { gate: _gate, approvedBy: _by, ...rest } = st;
        return [id, { ...rest, status: 'pending' as const }];
      }),
    );
    const { outcome: _outcome, statusLine: _line, ...rest } = r;
    return { ...rest, steps };
  });
  if (next === undefined) return err({ code: 'NOT_ROLLBACKABLE', message: `run ${run.id} is already rolling back` });
  await advanceRun(deps, run.id);
  return ok(next);
}

/**
 * Ends a run where it is. The requester or an approver of the site may abort. Nothing after the current step
 * starts. When the plan has cleanup steps for steps that started (a probe to stop), a step still running finishes
 * and is recorded first, then those cleanup steps run as jobs, and only then does the run end `aborted` and
 * release the site lock; without any, the run ends at once (a step still running finishes and is recorded).
 * Returns the run as it is after the call: `aborted`, or still holding the lock while it cleans up.
 */
export async function abortRun(
  deps: EngineDeps,
  input: { readonly runId: string; readonly user: string; readonly userGroups: readonly string[] },
): Promise<Result<RunState, ControlRefusal>> {
  const run = await deps.runs.get(input.runId);
  if (run === undefined) return err({ code: 'RUN_NOT_FOUND', message: `no run ${input.runId}` });
  const policy = deps.sites.get(run.site)?.policy;
  const approver = policy !== undefined && isApprover({ policy }, input);
  if (input.user !== run.requester && !approver)
    return err({
      code: 'NOT_AUTHORISED',
      message: `only the requester or an approver of ${run.site} may abort run ${run.id}`,
    });
  const running = Object.entries(run.steps).find(([, st]) => st.status === 'running')?.[0];
  const statusLine = `aborted by ${input.user}${running ? ` while step ${running} was running (it finishes and is recorded)` : ''}`;
  const now = deps.clock.now();
  const next = await updateRun(deps.runs, run.id, now, (r) =>
    isFinished(r) || r.abort !== undefined
      ? undefined
      : { ...r, statusLine, abort: { by: input.user, at: now, statusLine } },
  );
  if (next === undefined)
    return err({
      code: 'ALREADY_FINISHED',
      message: `run ${run.id} is already ${run.outcome ?? (run.abort ? 'being aborted' : 'finished')}`,
    });
  await advanceRun(deps, run.id);
  return ok((await deps.runs.get(run.id)) ?? next);
}

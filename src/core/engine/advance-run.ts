import { assertNever } from '../result.ts';
import { abortAction, cleanupCoverage, cleanupOutcome } from './cleanup.ts';
import type { EngineDeps } from './engine-deps.ts';
import { loadRun, type LoadedRun } from './load-run.ts';
import { auditOnly, BOT_ACTOR, notify } from './notify.ts';
import { openGate } from './open-gate.ts';
import { planNextAction, rollbackCoverage } from './plan-next-action.ts';
import { stepState, type RunState } from '../plan/run-state.ts';
import { updateRun } from './update-run.ts';

/**
 * Carries a run forward after any change: enqueues the next step's job, opens the gate it waits on, starts a
 * requested rollback, or finishes the run and releases the site lock. Safe to call twice (job ids and the
 * compare-and-set updates make repeats harmless), which is what lets a restarted process simply call it for
 * every active run. `known` (the run as the caller just wrote it, with its plan and site) saves a read.
 */
export async function advanceRun(deps: EngineDeps, runId: string, known?: LoadedRun): Promise<void> {
  // Starting a rollback or a cleanup changes the phase; the loop then acts on its first step.
  for (let i = 0; i < 3; i++) {
    const loaded = i === 0 && known !== undefined ? known : await loadRun(deps, runId);
    if (loaded === undefined) return;
    const { run, plan, site } = loaded;
    const action = planNextAction(plan, run, { manualScripted: site.manualScripted });
    switch (action.type) {
      case 'execute':
        await deps.queue.enqueue({ site: run.site, runId, stepId: action.stepId, attempt: action.attempt });
        return;
      case 'await-approval':
        await openGate(deps, loaded, action.stepId, action.gateKind);
        return;
      case 'await-manual':
        await openGate(deps, loaded, action.stepId, 'manual');
        return;
      case 'await-decision':
        await openGate(deps, loaded, action.stepId, action.reason === 'failed' ? 'failure' : 'interrupted');
        return;
      case 'roll-back':
        await startRollback(deps, loaded);
        continue;
      case 'start-cleanup':
        await startCleanup(deps, loaded);
        continue;
      case 'complete':
        await completeRun(deps, loaded, action.outcome);
        return;
      case 'wait':
      case 'stopped':
      case 'finished':
        return;
      default:
        return assertNever(action, 'next action');
    }
  }
}

async function startRollback(deps: EngineDeps, { run, plan }: LoadedRun): Promise<void> {
  const { covers, irreversible } = rollbackCoverage(plan, run);
  const started = await updateRun(deps.runs, run.id, deps.clock.now(), (r) =>
    r.rollback === undefined || r.rollback.covers !== undefined
      ? undefined
      : { ...r, phase: 'rollback', rollback: { ...r.rollback, covers } },
  );
  if (started === undefined) return;
  await notify(
    deps,
    { site: run.site, runId: run.id },
    {
      type: 'rollback.started',
      requestedBy: started.rollback?.requestedBy ?? BOT_ACTOR,
      covers,
      irreversible: irreversible.map((s) => ({
        stepId: s.id,
        reason: s.kind === 'check' ? '' : (s.irreversible?.reason ?? ''),
      })),
    },
  );
}

/**
 * Records which forward steps' cleanups an aborted run runs (computed on the state the compare-and-set sees, so
 * a step recorded meanwhile counts) and enters the cleanup phase.
 */
async function startCleanup(deps: EngineDeps, { run, plan }: LoadedRun): Promise<void> {
  await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    if (r.abort === undefined || r.abort.covers !== undefined || abortAction(plan, r, r.abort).type !== 'start-cleanup')
      return undefined;
    return { ...r, phase: 'cleanup', abort: { ...r.abort, covers: cleanupCoverage(plan, r) } };
  });
}

async function completeRun(
  deps: EngineDeps,
  { run, plan }: LoadedRun,
  outcome: 'completed' | 'rolled-back' | 'aborted',
): Promise<void> {
  const statusLine =
    outcome === 'completed'
      ? `completed: ${plan.steps.length} step(s) done${markedDone(
          run,
          plan.steps.map((s) => s.id),
        )}`
      : outcome === 'aborted'
        ? `${run.abort?.statusLine ?? 'aborted'}${cleanupOutcome(plan, run)}`
        : `rolled back: ${(run.rollback?.covers ?? []).join(', ') || 'nothing needed undoing'}`;
  // A rejected run (it holds the site until rolled back or aborted) may end aborted.
  const ends = (r: RunState) => r.outcome === undefined || (outcome === 'aborted' && r.outcome === 'rejected');
  const done = await updateRun(deps.runs, run.id, deps.clock.now(), (r) =>
    ends(r) ? { ...r, outcome, statusLine } : undefined,
  );
  if (done === undefined) return;
  await releaseLock(deps, run.site, run.id, outcome === 'aborted' ? (run.abort?.by ?? BOT_ACTOR) : BOT_ACTOR);
  await notify(deps, { site: run.site, runId: run.id }, { type: 'run.finished', outcome, statusLine });
}

function markedDone(run: LoadedRun['run'], ids: readonly string[]): string {
  const marked = ids.filter((id) => stepState(run, id).status === 'marked-done');
  return marked.length > 0 ? ` (marked done by a person: ${marked.join(', ')})` : '';
}

/** Releases the site lock if the run holds it, and audits the release. */
export async function releaseLock(deps: EngineDeps, site: string, runId: string, actor: string): Promise<void> {
  if (await deps.lock.release(site, runId)) await auditOnly(deps, { type: 'lock.released', site, runId, actor });
}

import type { StepJob } from '../ports/run-store.ts';
import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishedState, type StepOutcome } from './execute-step.ts';
import { executeInSessions } from './execute-in-sessions.ts';
import { loadRun, type LoadedRun } from './load-run.ts';
import { unrecordedEndReason } from './lost-worker-reason.ts';
import { auditOnly, BOT_ACTOR, notify } from './notify.ts';
import { findStep, planNextAction } from './plan-next-action.ts';
import type { NextAction } from './next-action.ts';
import { reconcileStep } from './reconcile-step.ts';
import { recordSends, tracksSends } from './record-sends.ts';
import { isFinished, stepState, type RunState, type StepState } from '../plan/run-state.ts';
import { stepHash } from '../plan/step-hash.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import { updateRun, withStep } from './update-run.ts';
import { batchGroup } from './batch-group.ts';
import { runBatchedSteps } from './run-batched-steps.ts';

/** What a delivered job does: run the step, reconcile a destructive step found started, or nothing. */
export type Delivery = 'run' | 'reconcile' | 'drop';

/**
 * Decides what a delivered job may do; a pure function, tested as a table. A job runs its step only when the
 * run's next action is to execute exactly this step and attempt. A step already `running` means an earlier
 * delivery started it and never recorded the end (a killed worker, a stalled or re-delivered job): a check
 * only reads and a cleanup step is idempotent, so they simply run again; any other step (an action may have
 * changed something even when it is not destructive) is reconciled, never re-run on its own. Anything else (a
 * duplicate, an old attempt, a decided or aborted run) is dropped.
 */
export function classifyDelivery(next: NextAction, step: ExecutableStep, st: StepState, job: StepJob): Delivery {
  if (
    next.type !== 'execute' ||
    next.stepId !== job.stepId ||
    next.attempt !== job.attempt ||
    st.attempt !== job.attempt
  )
    return 'drop';
  if (st.status === 'running') return step.kind === 'check' || next.phase === 'cleanup' ? 'run' : 'reconcile';
  return 'run';
}

/**
 * The job entry point: one step per job. Marks the step `running` (durably, with the `worker` whose heartbeat
 * vouches for it) before anything touches a host, records where its commands go right before sending them,
 * executes it, records the outcome, then carries the run forward. Returns what it did.
 */
export async function handleStepJob(deps: EngineDeps, job: StepJob, worker?: string): Promise<Delivery> {
  const loaded = await loadRun(deps, job.runId);
  if (loaded === undefined || isFinished(loaded.run)) return 'drop';
  const { run, plan, site } = loaded;
  const step = findStep(plan, job.stepId);
  if (step === undefined) return 'drop';
  const st = stepState(run, job.stepId);
  const ctx = { manualScripted: site.manualScripted };
  const next = planNextAction(plan, run, ctx);
  const delivery = classifyDelivery(next, step, st, job);
  if (delivery === 'drop') return 'drop';
  if (delivery === 'reconcile') {
    const beat = st.worker === undefined ? undefined : (await deps.workers?.lastBeats([st.worker]))?.get(st.worker);
    await reconcileStep(deps, loaded, step, job.attempt, unrecordedEndReason(st.worker, beat));
    return 'reconcile';
  }
  const cleanup = next.type === 'execute' && next.phase === 'cleanup';
  // Read-only steps that follow one another share one channel per host (see batch-group.ts).
  const stillRuns = (r: RunState): boolean => {
    const cur = stepState(r, job.stepId);
    return (
      cur.attempt === job.attempt &&
      cur.status === st.status &&
      ['pending', 'ready', 'running'].includes(cur.status) &&
      classifyDelivery(planNextAction(plan, r, ctx), step, cur, job) === 'run'
    );
  };
  if (
    !cleanup &&
    next.type === 'execute' &&
    next.phase === 'forward' &&
    batchGroup(plan, run, step, job.attempt).length > 1
  ) {
    const batched = await runBatchedSteps(deps, loaded, {
      job,
      head: step,
      stillRuns,
      ...(worker !== undefined ? { worker } : {}),
    });
    if (batched !== undefined) return batched;
  }
  const tracked = tracksSends(step, cleanup, site.manualScripted);
  // Compare-and-set on the status this delivery classified, and on the run still wanting this step (an abort
  // recorded meanwhile drops it): when two deliveries of one job race, the loser's retry finds the step already
  // `running` (not the status it saw) and drops, so no step starts twice.
  const started = await updateRun(
    deps.runs,
    run.id,
    deps.clock.now(),
    (r) => {
      const cur = stepState(r, job.stepId);
      if (isFinished(r) || !stillRuns(r)) return undefined;
      return withStep(r, job.stepId, {
        status: 'running',
        attempt: cur.attempt,
        ...(cur.approvedBy ? { approvedBy: cur.approvedBy } : {}),
        startedAt: deps.clock.now(),
        ...(worker !== undefined ? { worker } : {}),
        ...(tracked ? { sentTo: [] } : {}),
      });
    },
    run,
  );
  if (started === undefined) return 'drop';
  const phase = cleanup || started.rollback?.covers === undefined ? 'forward' : 'rollback';
  const head = { site: run.site, runId: run.id };
  const targets = step.targets.kind === 'hosts' ? step.targets.hosts : [step.targets.target];
  // A cleanup step found running is run again (it is idempotent): say so in the audit trail and its summary.
  const rerun =
    cleanup && st.status === 'running'
      ? 'run again after a delivery that never recorded its end (cleanup steps are idempotent); '
      : '';
  if (rerun)
    await auditOnly(deps, {
      ...head,
      type: 'step.reconciled',
      stepId: step.id,
      actor: BOT_ACTOR,
      data: { choice: 'rerun-cleanup' },
    });
  await notify(deps, head, {
    type: 'step.started',
    stepId: step.id,
    title: step.title,
    attempt: job.attempt,
    phase,
    ...(cleanup ? { cleanup } : {}),
    targets,
    stepHash: stepHash(step),
  });
  let latest = started;
  const beforeSend = tracked ? recordSends(deps, run.id, step.id, job.attempt, (r) => (latest = r)) : undefined;
  const outcome = await executeInSessions(deps, loaded, step, beforeSend);
  if (outcome.abandoned === true) {
    deps.log.warn({ runId: run.id, stepId: step.id }, 'step taken over by another process before it sent anything');
    return 'drop';
  }
  // A transport failure of a cleanup step is a failure (stated when the run ends), never a gate.
  if (outcome.failedAt === 'transport' && step.kind !== 'check' && !cleanup) {
    await reconcileStep(
      deps,
      loaded,
      step,
      job.attempt,
      `the connection failed while the step ran (${outcome.summary})`,
    );
    return 'reconcile';
  }
  const recorded = await record(
    deps,
    loaded,
    step,
    job.attempt,
    rerun ? { ...outcome, summary: `${rerun}${outcome.summary}` } : outcome,
    latest,
  );
  await advanceRun(deps, run.id, recorded === undefined ? undefined : { ...loaded, run: recorded });
  return 'run';
}

async function record(
  deps: EngineDeps,
  { run }: LoadedRun,
  step: ExecutableStep,
  attempt: number,
  o: StepOutcome,
  started: RunState,
): Promise<RunState | undefined> {
  const now = deps.clock.now();
  const recorded = await updateRun(
    deps.runs,
    run.id,
    now,
    (r) => {
      const cur = stepState(r, step.id);
      if (cur.status !== 'running' || cur.attempt !== attempt) return undefined;
      return withStep(r, step.id, finishedState(cur, o, now));
    },
    started,
  );
  const head = { site: run.site, runId: run.id };
  if (o.outputs.length > 0)
    await notify(deps, head, { type: 'step.output-summary', stepId: step.id, outputs: o.outputs });
  await notify(deps, head, {
    type: 'step.finished',
    stepId: step.id,
    stepHash: stepHash(step),
    status: o.status,
    ...(o.failedAt ? { failedAt: o.failedAt } : {}),
    hosts: o.hosts,
    probes: o.probes,
    findings: o.findings,
    summary: o.summary,
  });
  return recorded;
}

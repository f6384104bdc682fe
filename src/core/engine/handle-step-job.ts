import { describeError } from '../opsgate-error.ts';
import type { RemoteSession } from '../ports/remote.ts';
import type { StepJob } from '../ports/run-store.ts';
import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import { executeStep, type StepOutcome } from './execute-step.ts';
import { loadRun, type LoadedRun } from './load-run.ts';
import { auditOnly, BOT_ACTOR, notify } from './notify.ts';
import { outputStorer } from './output-storer.ts';
import { findStep, planNextAction } from './plan-next-action.ts';
import type { NextAction } from './next-action.ts';
import { reconcileStep } from './reconcile-step.ts';
import { isFinished, stepState, type RunState, type StepState } from '../plan/run-state.ts';
import { stepHash } from '../plan/step-hash.ts';
import type { ExecutableStep, HostCommand } from '../plan/step-schema.ts';
import { resolveStdinSecrets } from './resolve-stdin-secrets.ts';
import { stdinText } from '../plan/describe-command.ts';
import { updateRun, withStep } from './update-run.ts';
import { bindProgram } from './bind-program.ts';

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
 * The job entry point: one step per job. Marks the step `running` (durably) before anything touches a host,
 * executes it, records the outcome, then carries the run forward. Returns what it did.
 */
export async function handleStepJob(deps: EngineDeps, job: StepJob): Promise<Delivery> {
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
    await reconcileStep(deps, loaded, step, job.attempt, 'the step was started but its end was never recorded');
    return 'reconcile';
  }
  // Compare-and-set on the status this delivery classified, and on the run still wanting this step (an abort
  // recorded meanwhile drops it): when two deliveries of one job race, the loser's retry finds the step already
  // `running` (not the status it saw) and drops, so no step starts twice.
  const started = await updateRun(
    deps.runs,
    run.id,
    deps.clock.now(),
    (r) => {
      const cur = stepState(r, job.stepId);
      if (
        isFinished(r) ||
        cur.attempt !== job.attempt ||
        cur.status !== st.status ||
        !['pending', 'ready', 'running'].includes(cur.status)
      )
        return undefined;
      if (classifyDelivery(planNextAction(plan, r, ctx), step, cur, job) !== 'run') return undefined;
      return withStep(r, job.stepId, {
        status: 'running',
        attempt: cur.attempt,
        ...(cur.approvedBy ? { approvedBy: cur.approvedBy } : {}),
        startedAt: deps.clock.now(),
      });
    },
    run,
  );
  if (started === undefined) return 'drop';
  const cleanup = next.type === 'execute' && next.phase === 'cleanup';
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
  const outcome = await execute(deps, loaded, step);
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
    started,
  );
  await advanceRun(deps, run.id, recorded === undefined ? undefined : { ...loaded, run: recorded });
  return 'run';
}

/** Executes a step; a session that cannot even be opened (bad config, a secret gone) is a transport failure. */
async function execute(deps: EngineDeps, loaded: LoadedRun, step: ExecutableStep): Promise<StepOutcome> {
  try {
    return await executeWithSessions(deps, loaded, step);
  } catch (e) {
    return {
      status: 'failed',
      failedAt: 'transport',
      hosts: [],
      outputs: [],
      probes: [],
      findings: [],
      summary: describeError(e),
    };
  }
}

async function executeWithSessions(deps: EngineDeps, loaded: LoadedRun, step: ExecutableStep): Promise<StepOutcome> {
  const { site, run } = loaded;
  const remote: RemoteSession = await deps.openRemote(site, run.id);
  let secrets: ReadonlyMap<string, string>;
  try {
    secrets = await resolveStdinSecrets(deps.secrets, site.name, step, (v) => remote.learnSecret(v));
  } catch (e) {
    await remote.close().catch(() => undefined);
    // Nothing ran: like an unmet precondition, the step changed nothing.
    return {
      status: 'failed',
      failedAt: 'precondition',
      hosts: [],
      outputs: [],
      probes: [],
      findings: [],
      summary: describeError(e),
    };
  }
  const sqlTarget = step.targets.kind === 'sql' ? step.targets.target : undefined;
  const sqlSession =
    sqlTarget !== undefined && deps.openSql
      ? await deps.openSql(site, sqlTarget).catch(async (e: unknown) => {
          await remote.close().catch(() => undefined);
          throw e;
        })
      : undefined;
  try {
    const evaluator =
      step.kind === 'check' && step.evaluator !== undefined ? deps.runbooks.evaluator(step.evaluator) : undefined;
    const program = bindProgram(deps, loaded, step, remote, sqlSession);
    return await executeStep({
      step,
      remote,
      manualScripted: site.manualScripted,
      ...(sqlTarget !== undefined && sqlSession !== undefined
        ? { sql: { target: sqlTarget, session: sqlSession } }
        : {}),
      ...(evaluator ? { evaluator } : {}),
      ...(program ? { program } : {}),
      ...outputStorer(deps, { site: site.name, runId: loaded.run.id, stepId: step.id }),
      ...(secrets.size > 0 ? { stdin: (c: HostCommand) => stdinText(c, secrets) } : {}),
      clock: deps.clock,
    });
  } finally {
    await Promise.allSettled([remote.close(), sqlSession?.close()]);
  }
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
      return withStep(r, step.id, {
        ...cur,
        status: o.status,
        finishedAt: now,
        hosts: o.hosts,
        probes: o.probes,
        findings: o.findings,
        summary: o.summary,
        ...(o.failedAt ? { failedAt: o.failedAt } : {}),
      });
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

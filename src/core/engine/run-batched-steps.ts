import { describeError } from '../opsgate-error.ts';
import type { HostOutcome, RemoteSession } from '../ports/remote.ts';
import type { StepJob } from '../ports/run-store.ts';
import { isFinished, stepState, type RunState } from '../plan/run-state.ts';
import { stepHash } from '../plan/step-hash.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import { advanceRun } from './advance-run.ts';
import { batchGroup, type BatchMember } from './batch-group.ts';
import type { EngineDeps } from './engine-deps.ts';
import { concludeStep, finishedState, type StepOutcome } from './execute-step.ts';
import type { LoadedRun } from './load-run.ts';
import { notify } from './notify.ts';
import { outputStorer } from './output-storer.ts';
import { fromOutcomes } from './run-commands.ts';
import { defaultProbeHosts } from './run-probes.ts';
import { updateRun, withStep } from './update-run.ts';
import { resolveStdinSecrets } from './resolve-stdin-secrets.ts';
import { sendBatch } from './send-batch.ts';

/** What one delivery that runs a batch is given by the job handler. */
export interface BatchDelivery {
  readonly job: StepJob;
  /** The head step (the job's). */
  readonly head: ExecutableStep;
  /** True while the run, as the compare-and-set sees it, still wants this delivery to run the head. */
  readonly stillRuns: (run: RunState) => boolean;
  /** The worker whose heartbeat vouches for the steps. */
  readonly worker?: string;
}

/**
 * Runs the job's step and the read-only steps after it that `batchGroup` joins to it, over one channel per host
 * (the session's batch mode), each step still a unit of its own: all are marked `running` (with the worker) in one
 * compare-and-set before anything is sent, each gets its own `step.started`, outputs, findings, record and
 * `step.finished`, and all are recorded in one compare-and-set, so no other delivery ever sees one of them
 * finished while the next still runs here. A worker killed mid-batch leaves them `running`: checks, run again
 * as today (the job handed out again re-forms the batch; a lost worker's steps are queued again each). Returns
 * undefined, having changed nothing, when the session has no batch mode (the caller runs the step alone).
 */
export async function runBatchedSteps(
  deps: EngineDeps,
  loaded: LoadedRun,
  d: BatchDelivery,
): Promise<'run' | 'drop' | undefined> {
  const { run, plan, site } = loaded;
  let remote: RemoteSession;
  try {
    remote = await deps.openRemote(site, run.id);
  } catch {
    return undefined; // the step run alone reports the failure as it always has
  }
  try {
    const batch = remote.fanOutBatch?.bind(remote);
    if (batch === undefined) return undefined;
    // Secrets for stdin are resolved (and learned for redaction) before anything is marked: a step whose secret is
    // missing is left to run alone, where it fails as a precondition as it always has.
    const secrets = new Map<string, ReadonlyMap<string, string>>();
    for (const m of batchGroup(plan, run, d.head, d.job.attempt)) {
      try {
        secrets.set(
          m.step.id,
          await resolveStdinSecrets(deps.secrets, site.name, m.step, (v) => remote.learnSecret(v)),
        );
      } catch {
        break;
      }
    }
    if (!secrets.has(d.head.id)) return undefined;
    const now = deps.clock.now();
    let members: readonly BatchMember[] = [];
    const started = await updateRun(
      deps.runs,
      run.id,
      now,
      (r) => {
        if (isFinished(r) || !d.stillRuns(r)) return undefined;
        const group = batchGroup(plan, r, d.head, d.job.attempt);
        const resolved = group.findIndex((m) => !secrets.has(m.step.id));
        members = resolved < 0 ? group : group.slice(0, resolved);
        return members.reduce((next, m) => {
          const cur = stepState(r, m.step.id);
          return withStep(next, m.step.id, {
            status: 'running',
            attempt: m.attempt,
            ...(cur.approvedBy ? { approvedBy: cur.approvedBy } : {}),
            startedAt: now,
            ...(d.worker !== undefined ? { worker: d.worker } : {}),
          });
        }, r);
      },
      run,
    );
    if (started === undefined) return 'drop';
    const head = { site: run.site, runId: run.id };
    for (const m of members)
      await notify(deps, head, {
        type: 'step.started',
        stepId: m.step.id,
        title: m.step.title,
        attempt: m.attempt,
        phase: 'forward',
        targets: m.step.targets.kind === 'hosts' ? m.step.targets.hosts : [m.step.targets.target],
        stepHash: stepHash(m.step),
      });
    const perStep = await sendBatch(remote, batch, members, secrets);
    const outcomes: StepOutcome[] = [];
    for (const [i, m] of members.entries())
      outcomes.push(await outcomeOf(deps, loaded, m.step, perStep[i] ?? [], remote));
    const recorded = await recordAll(deps, run.id, members, outcomes, started);
    for (const [i, m] of members.entries()) {
      const o = outcomes[i];
      if (o === undefined) continue;
      if (o.outputs.length > 0)
        await notify(deps, head, { type: 'step.output-summary', stepId: m.step.id, outputs: o.outputs });
      await notify(deps, head, {
        type: 'step.finished',
        stepId: m.step.id,
        stepHash: stepHash(m.step),
        status: o.status,
        ...(o.failedAt ? { failedAt: o.failedAt } : {}),
        hosts: o.hosts,
        probes: o.probes,
        findings: o.findings,
        summary: o.summary,
      });
    }
    await advanceRun(deps, run.id, recorded === undefined ? undefined : { ...loaded, run: recorded });
    return 'run';
  } finally {
    await remote.close().catch(() => undefined);
  }
}

/** One member's outcome from its own results: its evaluator, its outputs kept under its own step id. */
async function outcomeOf(
  deps: EngineDeps,
  { site, run }: LoadedRun,
  step: ExecutableStep,
  outcomes: readonly HostOutcome[],
  remote: RemoteSession,
): Promise<StepOutcome> {
  try {
    const evaluator =
      step.kind === 'check' && step.evaluator !== undefined ? deps.runbooks.evaluator(step.evaluator) : undefined;
    const { storeOutput } = outputStorer(deps, { site: site.name, runId: run.id, stepId: step.id });
    const ran = await fromOutcomes(outcomes, storeOutput);
    return await concludeStep({ step, ...(evaluator ? { evaluator } : {}) }, [], ran, {
      hosts: defaultProbeHosts(step),
      remote,
    });
  } catch (e) {
    const summary = describeError(e);
    return { status: 'failed', failedAt: 'transport', hosts: [], outputs: [], probes: [], findings: [], summary };
  }
}

/** Records every member's outcome in one compare-and-set (each only while still this delivery's). */
async function recordAll(
  deps: EngineDeps,
  runId: string,
  members: readonly BatchMember[],
  outcomes: readonly StepOutcome[],
  started: RunState,
): Promise<RunState | undefined> {
  const now = deps.clock.now();
  return updateRun(
    deps.runs,
    runId,
    now,
    (r) => {
      let next = r;
      for (const [i, m] of members.entries()) {
        const cur = stepState(r, m.step.id);
        const o = outcomes[i];
        if (o === undefined || cur.status !== 'running' || cur.attempt !== m.attempt) continue;
        next = withStep(next, m.step.id, finishedState(cur, o, now));
      }
      return next === r ? undefined : next;
    },
    started,
  );
}

import { stepState, type RunState, type StepState } from '../plan/run-state.ts';
import { assertNever } from '../result.ts';
import type { WorkerBeat } from '../ports/worker-registry.ts';
import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import { classifyDelivery } from './handle-step-job.ts';
import { loadRun } from './load-run.ts';
import { lostWorkerReason } from './lost-worker-reason.ts';
import { notify } from './notify.ts';
import { findStep, planNextAction } from './plan-next-action.ts';
import { reconcileStep } from './reconcile-step.ts';
import { updateRun, withStep } from './update-run.ts';

/** Which steps of lost workers this process looks after, and when a worker nobody remembers counts as gone. */
export interface NoticeLostWorkersInput {
  /**
   * Sites whose queues this process serves (it can reach their hosts to probe): it takes their steps over even
   * while another worker of the site lives. A site no live worker serves is taken over by whoever notices.
   */
  readonly served: readonly string[];
  /** How long a step may run on a worker with no heartbeat on record before that worker counts as gone. */
  readonly graceMs: number;
}

/** A step taken over: reconciled (probed, a person decides) or, for a check or a cleanup step, queued again. */
export interface LostStep {
  readonly runId: string;
  readonly stepId: string;
  readonly worker: string;
  readonly taken: 'reconciled' | 'requeued';
}

interface Suspect {
  readonly run: RunState;
  readonly stepId: string;
  readonly st: StepState;
  readonly worker: string;
}

/**
 * Finds steps still `running` on a worker whose heartbeat has expired (killed, its host gone) and takes them
 * over at once, instead of waiting for the queue to hand their job out again: an action or manual step is
 * reconciled like any step found started (probed; offered as not started when it sent nothing, else retry, mark
 * done, roll back), a check or a cleanup step is queued again as a new attempt. The thread says which worker,
 * when it was last heard of and which step. Every process may call this as often as it likes: the
 * compare-and-set on the step lets exactly one of them take each step over. Returns what this call took over.
 */
export async function noticeLostWorkers(deps: EngineDeps, input: NoticeLostWorkersInput): Promise<LostStep[]> {
  const registry = deps.workers;
  if (registry === undefined) return [];
  const now = deps.clock.now();
  const runs = (await deps.runs.active()).filter((r) => deps.sites.get(r.site) !== undefined);
  const running = runs.flatMap((run) =>
    Object.entries(run.steps).flatMap(([stepId, st]): Suspect[] =>
      st.status === 'running' && st.worker !== undefined ? [{ run, stepId, st, worker: st.worker }] : [],
    ),
  );
  if (running.length === 0) return [];
  const live = new Set((await registry.live(now)).map((w) => w.id));
  const suspects = running.filter((s) => !live.has(s.worker));
  if (suspects.length === 0) return [];
  const beats = await registry.lastBeats(suspects.map((s) => s.worker));
  const serving = await registry.servingCounts([...new Set(suspects.map((s) => s.run.site))], now);
  const lost: LostStep[] = [];
  for (const s of suspects) {
    const beat = beats.get(s.worker);
    const gone = beat !== undefined ? beat.expiresAt <= now : now - (s.st.startedAt ?? now) >= input.graceMs;
    // A worker of the site probes from inside the site's network: it takes the step over, unless none is left.
    const mine = input.served.includes(s.run.site) || (serving.get(s.run.site) ?? 0) === 0;
    if (!gone || !mine) continue;
    const taken = await takeOver(deps, s, beat, now);
    if (taken === undefined) continue;
    deps.log.warn(
      { runId: s.run.id, stepId: s.stepId, worker: s.worker, lastBeat: beat?.lastBeat, taken },
      'worker lost: its step taken over',
    );
    lost.push({ runId: s.run.id, stepId: s.stepId, worker: s.worker, taken });
  }
  return lost;
}

async function takeOver(
  deps: EngineDeps,
  s: Suspect,
  beat: WorkerBeat | undefined,
  now: number,
): Promise<LostStep['taken'] | undefined> {
  const loaded = await loadRun(deps, s.run.id);
  const step = loaded === undefined ? undefined : findStep(loaded.plan, s.stepId);
  if (loaded === undefined || step === undefined) return undefined;
  const st = stepState(loaded.run, s.stepId);
  if (st.status !== 'running' || st.attempt !== s.st.attempt || st.worker !== s.worker) return undefined;
  const next = planNextAction(loaded.plan, loaded.run, { manualScripted: loaded.site.manualScripted });
  const job = { site: loaded.run.site, runId: loaded.run.id, stepId: s.stepId, attempt: st.attempt };
  const why = lostWorkerReason(s.worker, beat, s.stepId, st.startedAt, now);
  const classified = classifyDelivery(next, step, st, job);
  // A check running behind the step the run executes next was started with it in one batch (batch-group.ts):
  // like that step, it is queued again.
  const batched = classified === 'drop' && step.kind === 'check' && next.type === 'execute' && next.phase === 'forward';
  const delivery = batched ? 'run' : classified;
  switch (delivery) {
    case 'reconcile':
      return (await reconcileStep(deps, loaded, step, st.attempt, why)) ? 'reconciled' : undefined;
    case 'run': {
      const again = step.kind === 'check' ? 'A check only reads' : 'A cleanup step is idempotent';
      const summary = `${why}. ${again}: it runs again as attempt ${st.attempt + 1}.`;
      return (await runAgain(deps, loaded.run.id, s, summary)) ? 'requeued' : undefined;
    }
    case 'drop':
      return undefined;
    default:
      return assertNever(delivery, 'delivery');
  }
}

/** Queues a check or a cleanup step again as a new attempt (the lost job, when handed out again, is dropped). */
async function runAgain(deps: EngineDeps, runId: string, s: Suspect, summary: string): Promise<boolean> {
  const again = await updateRun(deps.runs, runId, deps.clock.now(), (r) => {
    const cur = stepState(r, s.stepId);
    if (cur.status !== 'running' || cur.attempt !== s.st.attempt || cur.worker !== s.worker) return undefined;
    return withStep(r, s.stepId, {
      status: 'ready',
      attempt: cur.attempt + 1,
      ...(cur.approvedBy !== undefined ? { approvedBy: cur.approvedBy } : {}),
      summary,
    });
  });
  if (again === undefined) return false;
  await notify(deps, { site: again.site, runId }, { type: 'step.interrupted', stepId: s.stepId, probes: [], summary });
  await advanceRun(deps, runId);
  return true;
}

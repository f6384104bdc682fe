import { describeError, isOpsgateError } from '../opsgate-error.ts';
import type { SiteLockHolder } from '../ports/site-lock.ts';
import { err, ok, type Result } from '../result.ts';
import { advanceRun } from './advance-run.ts';
import { checkRequirements } from './check-requirements.ts';
import type { EngineDeps } from './engine-deps.ts';
import { auditOnly, notify } from './notify.ts';
import { renderPlan } from './render-plan.ts';
import type { RunState } from '../plan/run-state.ts';
import { planHash, stepHash } from '../plan/step-hash.ts';
import type { Plan } from '../plan/step-schema.ts';

export interface RunRequestInput {
  readonly site: string;
  readonly runbook: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Slack user id of the person asking. */
  readonly requester: string;
  /** Plan and render only: nothing runs, the site lock is not taken. */
  readonly dryRun?: boolean;
}

export interface RunAccepted {
  readonly runId: string;
  readonly planHash: string;
  /** The dry-run text: every command per host. */
  readonly rendered: string;
  readonly dryRun: boolean;
}

/** Why a run was not started, with a message fit for the person who asked. */
export interface RunRefusal {
  readonly code: 'SITE_UNKNOWN' | 'PLAN_INVALID' | 'REQUIREMENT_UNMET' | 'SITE_BUSY';
  readonly message: string;
  readonly heldBy?: SiteLockHolder;
}

/**
 * Plans a run and starts it: reads the runbook's facts (read-only, e.g. a cluster's version), builds and
 * validates the runbook's plan, checks its admission requirements against
 * earlier runs (e.g. a fresh precheck; refused without taking the lock; a dry run skips them), takes the site lock (one
 * active run per
 * site; a second request is refused with the holder, its run and start time), stores run and plan, and
 * enqueues the first step or opens its gate. A dry run stores the plan for reference and stops there.
 */
export async function requestRun(deps: EngineDeps, input: RunRequestInput): Promise<Result<RunAccepted, RunRefusal>> {
  const site = deps.sites.get(input.site);
  if (site === undefined) return err({ code: 'SITE_UNKNOWN', message: `no site named ${input.site}` });
  let plan: Plan;
  try {
    const openSql = deps.openSql;
    plan = await deps.runbooks.preparePlan(input.runbook, site, input.args, {
      ...(openSql === undefined ? {} : { openSql: (target: string) => openSql(site, target) }),
      ...(deps.files === undefined ? {} : { files: deps.files }),
    });
  } catch (e) {
    if (!isOpsgateError(e)) throw e;
    return err({ code: 'PLAN_INVALID', message: describeError(e) });
  }
  const runId = deps.ids.next('run_');
  const now = deps.clock.now();
  const dryRun = input.dryRun ?? false;
  const head = { site: site.name, runId };
  await notify(deps, head, {
    type: 'run.requested',
    requester: input.requester,
    runbook: input.runbook,
    args: input.args,
    dryRun,
  });
  const hash = planHash(plan);
  const run: RunState = {
    id: runId,
    site: site.name,
    runbook: input.runbook,
    args: plan.args,
    requester: input.requester,
    dryRun,
    planHash: hash,
    createdAt: now,
    updatedAt: now,
    version: 1,
    phase: 'forward',
    steps: {},
    ...(dryRun ? { outcome: 'dry-run' as const, statusLine: 'dry run: nothing was executed' } : {}),
  };
  const rendered = renderPlan(plan);
  if (!dryRun) {
    const admitted = await checkRequirements(deps.runs, plan, now);
    if (!admitted.ok) {
      await notify(deps, head, { type: 'run.refused', requester: input.requester, reason: admitted.error });
      return err({ code: 'REQUIREMENT_UNMET', message: admitted.error });
    }
    const taken = await deps.lock.acquire({ site: site.name, runId, requester: input.requester, since: now });
    if (!taken.ok) {
      const h = taken.error.heldBy;
      const message = `site ${site.name} is busy: run ${h.runId} by ${h.requester} holds it since ${new Date(h.since).toISOString()}`;
      await notify(deps, head, { type: 'run.refused', requester: input.requester, reason: message, heldBy: h });
      return err({ code: 'SITE_BUSY', message, heldBy: h });
    }
    await auditOnly(deps, { type: 'lock.taken', site: site.name, runId, actor: input.requester });
  }
  try {
    await deps.runs.create(run, plan);
  } catch (e) {
    // Nothing half-done: a run that could not be stored does not keep the site locked.
    if (!dryRun && (await deps.lock.release(site.name, runId)))
      await auditOnly(deps, { type: 'lock.released', site: site.name, runId, actor: input.requester });
    throw e;
  }
  const steps = plan.steps.map((s) => ({
    id: s.id,
    title: s.title,
    kind: s.kind,
    destructive: s.destructive,
    hash: stepHash(s),
  }));
  await notify(deps, head, { type: 'run.planned', title: plan.title, planHash: hash, steps, dryRun, rendered });
  if (!dryRun) await advanceRun(deps, runId);
  return ok({ runId, planHash: hash, rendered, dryRun });
}

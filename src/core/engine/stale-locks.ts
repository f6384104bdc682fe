import { isApprover } from '../../approvals/may-decide.ts';
import type { SiteLockHolder } from '../ports/site-lock.ts';
import { err, ok, type Result } from '../result.ts';
import type { EngineDeps } from './engine-deps.ts';
import { auditOnly, notify } from './notify.ts';
import { isFinished } from '../plan/run-state.ts';

/** A site lock held by a run that no longer exists or has finished: nothing will ever release it. */
export interface StaleLock {
  readonly holder: SiteLockHolder;
  readonly reason: string;
}

/** Finds stale locks of the given sites (every known site by default) and reports each as a `lock.stale` event. */
export async function findStaleLocks(deps: EngineDeps, sites?: readonly string[]): Promise<StaleLock[]> {
  const names = sites ?? deps.sites.list().map((s) => s.name);
  const found: StaleLock[] = [];
  for (const site of names) {
    const stale = await staleLockOf(deps, site);
    if (stale === undefined) continue;
    found.push(stale);
    await notify(
      deps,
      { site, runId: stale.holder.runId },
      { type: 'lock.stale', holder: stale.holder, reason: stale.reason },
    );
  }
  return found;
}

async function staleLockOf(deps: EngineDeps, site: string): Promise<StaleLock | undefined> {
  const holder = await deps.lock.holder(site);
  if (holder === undefined) return undefined;
  const run = await deps.runs.get(holder.runId);
  if (run === undefined) return { holder, reason: `run ${holder.runId} does not exist` };
  if (isFinished(run)) return { holder, reason: `run ${holder.runId} is ${run.outcome ?? 'finished'}` };
  return undefined;
}

/** Releases a stale lock; only an approver of the site may, and only while the lock is still stale. */
export async function releaseStaleLock(
  deps: EngineDeps,
  input: { readonly site: string; readonly user: string; readonly userGroups: readonly string[] },
): Promise<Result<SiteLockHolder, { readonly code: 'NOT_AUTHORISED' | 'NOT_STALE'; readonly message: string }>> {
  const policy = deps.sites.get(input.site)?.policy;
  if (policy === undefined || !isApprover({ policy }, input)) {
    return err({ code: 'NOT_AUTHORISED', message: `only an approver of ${input.site} may release its lock` });
  }
  const stale = await staleLockOf(deps, input.site);
  if (stale === undefined)
    return err({ code: 'NOT_STALE', message: `the lock of ${input.site} is free or held by a live run` });
  const released = await deps.lock.forceRelease(input.site, stale.holder.runId);
  if (!released.ok) return err({ code: 'NOT_STALE', message: `the lock of ${input.site} changed hands` });
  await auditOnly(deps, {
    type: 'lock.released',
    site: input.site,
    runId: stale.holder.runId,
    actor: input.user,
    data: { stale: stale.reason },
  });
  return ok(stale.holder);
}

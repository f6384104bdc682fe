import type { SiteLockHolder } from '../ports/site-lock.ts';
import { InvalidLockHolderError } from './invalid-lock-holder-error.ts';

/** Refuses a holder that could not be released or shown later: empty ids, a bad start time. */
export function checkHolder(holder: SiteLockHolder): SiteLockHolder {
  const problems: string[] = [];
  if (typeof holder.site !== 'string' || holder.site === '') problems.push('site must not be empty');
  if (typeof holder.runId !== 'string' || holder.runId === '') problems.push('runId must not be empty');
  if (typeof holder.requester !== 'string' || holder.requester === '') problems.push('requester must not be empty');
  if (!Number.isSafeInteger(holder.since) || holder.since < 0) problems.push('since must be epoch milliseconds');
  if (problems.length > 0) throw new InvalidLockHolderError(problems, holder.site, holder.runId);
  return { site: holder.site, runId: holder.runId, requester: holder.requester, since: holder.since };
}

import type { Result } from '../result.ts';

/** One active run per site. The engine takes and releases it through this port; Redis implements it. */
export interface SiteLockHolder {
  readonly site: string;
  readonly runId: string;
  readonly requester: string;
  readonly since: number;
}

export interface SiteLock {
  /** Takes the lock, or returns who holds it. */
  acquire(holder: SiteLockHolder): Promise<Result<SiteLockHolder, { readonly heldBy: SiteLockHolder }>>;
  /** Releases the lock if `runId` holds it; false when it did not. */
  release(site: string, runId: string): Promise<boolean>;
  holder(site: string): Promise<SiteLockHolder | undefined>;
}

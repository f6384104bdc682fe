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
  /**
   * Releases a stale lock: one whose run is gone. Deciding staleness is the engine's job (the lock itself has
   * no expiry, so a long run is never cut off); an approver confirms and the engine calls this. Removes the lock
   * only while `expectedRunId` still holds it, so a run that took the lock meanwhile keeps it. Returns the
   * holder removed, or who holds the lock now (nobody: `heldBy` absent).
   */
  forceRelease(
    site: string,
    expectedRunId: string,
  ): Promise<Result<SiteLockHolder, { readonly heldBy?: SiteLockHolder }>>;
}

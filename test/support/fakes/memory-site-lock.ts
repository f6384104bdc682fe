import { checkHolder } from '../../../src/core/engine/check-holder.ts';
import type { SiteLock, SiteLockHolder } from '../../../src/core/ports/site-lock.ts';
import { err, ok, type Result } from '../../../src/core/result.ts';

/**
 * An in-memory SiteLock for unit tests, with the Redis lock's semantics (same contract suite): one holder per
 * site, released only by its run, no expiry. `events` records takes and releases for assertions.
 */
export class MemorySiteLock implements SiteLock {
  private readonly held = new Map<string, SiteLockHolder>();
  readonly events: { op: 'acquired' | 'released' | 'force-released'; holder: SiteLockHolder }[] = [];

  async acquire(holder: SiteLockHolder): Promise<Result<SiteLockHolder, { readonly heldBy: SiteLockHolder }>> {
    const wanted = checkHolder(holder);
    const current = this.held.get(wanted.site);
    if (current !== undefined) return err({ heldBy: { ...current } });
    this.held.set(wanted.site, wanted);
    this.events.push({ op: 'acquired', holder: wanted });
    return ok({ ...wanted });
  }

  async release(site: string, runId: string): Promise<boolean> {
    const current = this.held.get(site);
    if (current?.runId !== runId) return false;
    this.held.delete(site);
    this.events.push({ op: 'released', holder: current });
    return true;
  }

  async holder(site: string): Promise<SiteLockHolder | undefined> {
    const current = this.held.get(site);
    return current === undefined ? undefined : { ...current };
  }

  async forceRelease(
    site: string,
    expectedRunId: string,
  ): Promise<Result<SiteLockHolder, { readonly heldBy?: SiteLockHolder }>> {
    const current = this.held.get(site);
    if (current === undefined) return err({});
    if (current.runId !== expectedRunId) return err({ heldBy: { ...current } });
    this.held.delete(site);
    this.events.push({ op: 'force-released', holder: current });
    return ok({ ...current });
  }
}

import type { Redis } from 'ioredis';
import type { SiteLock, SiteLockHolder } from '../../core/ports/site-lock.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { checkHolder } from '../../core/engine/check-holder.ts';

/** What the Redis site lock needs. */
export interface RedisSiteLockDeps {
  readonly redis: Redis;
  /** Prefix of every key, e.g. `opsgate:` in production, `test-<uuid>:` in tests. */
  readonly prefix: string;
}

/** Takes the lock or returns the current holder, in one step so that no release can slip in between. */
const ACQUIRE_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return {1} end
return {0, redis.call('GET', KEYS[1])}
`;

/**
 * Deletes the lock only while ARGV[1] is the holding run. Returns `{'released', holder}`, `{'held', holder}`
 * (someone else holds it) or `{'none'}`. A value that is not a holder counts as held by run \`unknown\`.
 */
const RELEASE_LUA = `
local value = redis.call('GET', KEYS[1])
if not value then return {'none'} end
local okDecode, holder = pcall(cjson.decode, value)
local runId = 'unknown'
if okDecode and type(holder) == 'table' and type(holder.runId) == 'string' then runId = holder.runId end
if runId == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {'released', value}
end
return {'held', value}
`;

/**
 * One active run per site, on Redis: the key `<prefix>lock:<site>` holds the holder as JSON, set only if
 * absent, deleted only by its run. It has no TTL on purpose: a long upgrade must never lose its lock to a
 * timer. A lock whose run is gone is found by the engine (which knows which runs are alive) and, once an
 * approver agrees, removed with `forceRelease`.
 */
export class RedisSiteLock implements SiteLock {
  constructor(private readonly deps: RedisSiteLockDeps) {}

  async acquire(holder: SiteLockHolder): Promise<Result<SiteLockHolder, { readonly heldBy: SiteLockHolder }>> {
    const wanted = checkHolder(holder);
    const reply = (await this.deps.redis.eval(ACQUIRE_LUA, 1, this.key(wanted.site), JSON.stringify(wanted))) as [
      number,
      string?,
    ];
    if (reply[0] === 1) return ok(wanted);
    return err({ heldBy: parseHolder(wanted.site, reply[1]) });
  }

  async release(site: string, runId: string): Promise<boolean> {
    const [outcome] = await this.compareAndDelete(site, runId);
    return outcome === 'released';
  }

  async holder(site: string): Promise<SiteLockHolder | undefined> {
    const value = await this.deps.redis.get(this.key(site));
    return value === null ? undefined : parseHolder(site, value);
  }

  async forceRelease(
    site: string,
    expectedRunId: string,
  ): Promise<Result<SiteLockHolder, { readonly heldBy?: SiteLockHolder }>> {
    const [outcome, value] = await this.compareAndDelete(site, expectedRunId);
    if (outcome === 'released') return ok(parseHolder(site, value));
    return outcome === 'held' ? err({ heldBy: parseHolder(site, value) }) : err({});
  }

  private async compareAndDelete(site: string, runId: string): Promise<['released' | 'held' | 'none', string?]> {
    return (await this.deps.redis.eval(RELEASE_LUA, 1, this.key(site), runId)) as [
      'released' | 'held' | 'none',
      string?,
    ];
  }

  private key(site: string): string {
    return `${this.deps.prefix}lock:${site}`;
  }
}

/**
 * Reads a stored holder. A damaged value is shown as held by run `unknown` rather than treated as free: the
 * lock then stays taken until a person looks, which is the safe side, and `forceRelease(site, 'unknown')`
 * clears it.
 */
function parseHolder(site: string, value: string | undefined): SiteLockHolder {
  try {
    const v = JSON.parse(value ?? '') as Partial<SiteLockHolder>;
    if (typeof v.runId === 'string' && typeof v.requester === 'string' && typeof v.since === 'number') {
      return { site, runId: v.runId, requester: v.requester, since: v.since };
    }
  } catch {
    // fall through: damaged value
  }
  return { site, runId: 'unknown', requester: 'unknown', since: 0 };
}

import type { Redis } from 'ioredis';
import { OpsgateError } from '../../core/opsgate-error.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { Persistence } from '../../core/ports/store-persistence.ts';
import { readRedisPersistence } from './redis-persistence.ts';

/** Redis may evict keys under memory pressure: runs, gates and queued steps could silently vanish. */
export class RedisEvictsKeysError extends OpsgateError {
  readonly code = 'REDIS_EVICTS_KEYS';
  constructor(readonly policy: string) {
    super(`Redis maxmemory-policy is ${policy}: it may evict opsgate's keys; set maxmemory-policy noeviction`, {
      fields: { policy },
    });
  }
}

export interface RedisCheck {
  readonly maxmemoryPolicy: string;
  /** AOF on, or RDB snapshots scheduled; unknown when the server hides its configuration (see `Persistence`). */
  readonly persistence: Persistence;
  /** A warning to log loudly at startup, if any. */
  readonly warning?: string;
}

/**
 * Checks a Redis server before the engine trusts it with runs: refuses one whose `maxmemory-policy` can evict
 * keys (anything but `noeviction`), and warns when it persists nothing (a restart of Redis would then lose
 * every run, gate and queued step; `/upgrade` and `/rollback` are refused while it does, see
 * src/core/engine/store-safety.ts).
 */
export async function checkRedis(redis: Redis): Promise<Result<RedisCheck, RedisEvictsKeysError>> {
  const memory = await redis.info('memory');
  const policy = /^maxmemory_policy:(\S+)/m.exec(memory)?.[1] ?? 'unknown';
  if (policy !== 'noeviction') return err(new RedisEvictsKeysError(policy));
  const persistence = await readRedisPersistence(redis);
  const warning =
    persistence === 'none'
      ? 'Redis persists nothing (no AOF, no RDB snapshots): a Redis restart loses every run, gate and queued step, and /upgrade and /rollback are refused until it persists; turn on appendonly'
      : persistence === 'unknown'
        ? 'cannot read Redis persistence settings (CONFIG is disabled, AOF is off, no snapshot since it started): /upgrade and /rollback are refused until appendonly is on'
        : undefined;
  return ok({ maxmemoryPolicy: policy, persistence, ...(warning ? { warning } : {}) });
}

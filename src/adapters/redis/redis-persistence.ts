import type { Redis } from 'ioredis';
import type { Persistence, StorePersistence } from '../../core/ports/store-persistence.ts';

/** One `name:value` field of an `INFO` section, or undefined. */
function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(\\S*)`, 'm').exec(info)?.[1];
}

/**
 * How a Redis server persists, asking it first hand: `INFO persistence` says whether AOF is on (`aof_enabled`,
 * readable even where `CONFIG` is disabled), `CONFIG GET save` whether RDB snapshots are scheduled. Where `CONFIG`
 * is disabled (renamed away, or denied by an ACL) a snapshot written since the server started (`rdb_saves`, or
 * `rdb_last_bgsave_time_sec` on Redis before 7) counts as RDB persistence; without one the answer is `unknown`.
 */
export async function readRedisPersistence(redis: Redis): Promise<Persistence> {
  const info = await redis.info('persistence');
  if (infoField(info, 'aof_enabled') === '1') return 'aof';
  let save: string | undefined;
  try {
    const reply = (await redis.config('GET', 'save')) as unknown;
    save = Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch {
    save = undefined;
  }
  if (save !== undefined) return save.trim() === '' ? 'none' : 'rdb';
  const saves = Number(infoField(info, 'rdb_saves') ?? '0');
  const lastBgsave = Number(infoField(info, 'rdb_last_bgsave_time_sec') ?? '-1');
  return saves > 0 || lastBgsave >= 0 ? 'rdb' : 'unknown';
}

/** The `StorePersistence` port over the run store's Redis connection. */
export function redisStorePersistence(redis: Redis): StorePersistence {
  return { read: () => readRedisPersistence(redis) };
}

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration tests use (the machine's own unless `REDIS_URL` says otherwise). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A unique key prefix for one test and the connections opened under it; `close` deletes every key under the
 * prefix and disconnects them all, so a test leaves nothing behind.
 */
export class RedisTestKeys {
  readonly prefix = `test-${randomUUID()}:`;
  private readonly connections: Redis[] = [];

  /** A new, separate connection (a separate client, as another process or bot replica would have). */
  connect(): Redis {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.connections.push(redis);
    return redis;
  }

  async close(): Promise<void> {
    await deleteKeysUnder(this.connections[0] ?? this.connect(), this.prefix);
    const open = this.connections.splice(0);
    await Promise.all(open.map((c) => c.quit().catch(() => undefined)));
  }
}

/** Deletes every key whose name starts with `prefix` (a SCAN, never KEYS). */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

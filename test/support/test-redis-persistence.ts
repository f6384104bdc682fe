import { Redis } from 'ioredis';
import { readRedisPersistence } from '../../src/adapters/redis/redis-persistence.ts';
import { TEST_REDIS_URL } from './redis-test-keys.ts';

/**
 * opsgate refuses `/upgrade` and `/rollback` on a run store that persists nothing, and a fresh Debian Redis (a CI
 * machine's) persists nothing by default. The global setups of the integration and variants projects call this:
 * when the test Redis persists nothing it turns AOF on (`CONFIG SET appendonly yes`, until that server restarts)
 * and says so in one line on stderr; when it cannot tell (CONFIG disabled) it says that the upgrade tests will be
 * refused. Never turns anything off.
 */
export async function ensureTestRedisPersists(url: string = TEST_REDIS_URL): Promise<void> {
  const where = redisHost(url);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const persistence = await readRedisPersistence(redis);
    if (persistence === 'none') {
      await redis.config('SET', 'appendonly', 'yes');
      process.stderr.write(
        `test Redis ${where} persisted nothing: turned AOF on (CONFIG SET appendonly yes) so that opsgate accepts /upgrade and /rollback\n`,
      );
    } else if (persistence === 'unknown') {
      process.stderr.write(
        `test Redis ${where}: cannot tell whether it persists (CONFIG is disabled); turn on appendonly or the upgrade tests are refused\n`,
      );
    }
  } catch (e) {
    throw new Error(`cannot prepare the test Redis ${where}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    redis.disconnect();
  }
}

/** `host:port` of a Redis URL, never its password. */
function redisHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(REDIS_URL)';
  }
}

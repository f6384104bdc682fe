import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Logs a Redis client's connection as it changes, once per change: the first error after it was ready ("redis
 * connection lost", with the reason and where), and its return ("redis connection restored", with how long it
 * was gone). ioredis retries every few hundred ms while Redis is down; one line per attempt would bury the rest.
 * Also gives the client an `error` listener, without which ioredis prints every failed attempt itself.
 */
export function logRedisConnection(
  redis: Redis,
  where: string,
  log: Pick<Logger, 'warn' | 'info'>,
  now: () => number = Date.now,
): void {
  let lostAt: number | undefined;
  redis.on('error', (e: Error) => {
    if (lostAt !== undefined) return;
    lostAt = now();
    log.warn({ err: e.message, redis: where }, 'redis connection lost, retrying');
  });
  redis.on('ready', () => {
    if (lostAt === undefined) return;
    log.info({ redis: where, downMs: now() - lostAt }, 'redis connection restored');
    lostAt = undefined;
  });
}

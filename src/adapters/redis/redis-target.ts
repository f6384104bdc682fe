import type { RedisOptions } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from './embedded-redis.ts';

/** Where opsgate's Redis is: a URL from the configuration, or the embedded server's socket. */
export interface RedisTarget {
  /** Options for ioredis and BullMQ (both take the same shape). */
  readonly options: RedisOptions;
  /** For messages: host and port, or the socket path; never a password. */
  readonly where: string;
  /** The embedded server this process runs or reuses, if any. */
  readonly embedded?: EmbeddedRedis;
}

/**
 * The Redis to use: `REDIS_URL` when it is set; otherwise opsgate's own redis-server on a unix socket under
 * `<stateDir>/redis/`, started (or reused) here. Stop it with `target.embedded?.stop()`.
 */
export async function resolveRedisTarget(input: {
  readonly url: string | undefined;
  readonly stateDir: string;
}): Promise<RedisTarget> {
  if (input.url !== undefined) return { options: redisOptionsFromUrl(input.url), where: describeRedisUrl(input.url) };
  const embedded = await startEmbeddedRedis({ stateDir: input.stateDir });
  return { options: { path: embedded.socketPath }, where: `embedded Redis at ${embedded.socketPath}`, embedded };
}

/** ioredis options from a `redis://` or `rediss://` URL (user, password, database number, TLS). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${u.protocol}//`);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? 6379 : Number(u.port),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** `Redis at host:port`, without the credentials a URL may carry. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `Redis at ${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'Redis (unparseable REDIS_URL)';
  }
}

import type { RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from '../app/redis-target.ts';
import { sentinelsOf, type Config } from '../config.ts';

/**
 * ioredis (and BullMQ) options from the configuration: `REDIS_URL` (`redis://` or `rediss://` for TLS, with a
 * user, password and db), or, with `REDIS_SENTINELS`, the master `REDIS_SENTINEL_NAME` found through the
 * sentinels; the master's credentials, db and TLS then still come from `REDIS_URL`, the sentinels' password from
 * `REDIS_SENTINEL_PASSWORD`.
 */
export function redisOptionsOf(config: Pick<Config, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD'>): RedisOptions {
  const fromUrl = redisOptionsFromUrl(config.REDIS_URL);
  const sentinels = sentinelsOf(config);
  if (sentinels.length === 0 || config.REDIS_SENTINEL_NAME === undefined) return fromUrl;
  const { host: _host, port: _port, ...auth } = fromUrl;
  return {
    ...auth,
    sentinels,
    name: config.REDIS_SENTINEL_NAME,
    ...(config.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: config.REDIS_SENTINEL_PASSWORD }),
    ...(fromUrl.tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: {} }),
  };
}

/** Where Redis is, for messages and logs: never a password. */
export function describeRedis(config: Pick<Config, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'>): string {
  const sentinels = sentinelsOf(config);
  if (sentinels.length > 0) return `Redis master ${config.REDIS_SENTINEL_NAME ?? '?'} via sentinels ${sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  try {
    const u = new URL(config.REDIS_URL);
    return `Redis at ${u.protocol === 'rediss:' ? 'rediss://' : ''}${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'Redis (unparseable REDIS_URL)';
  }
}

import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-target.ts';
import { sentinelsOf, type Config } from '../../wiring/config.ts';
import { OpsgateError } from '../../core/opsgate-error.ts';

/** `REDIS_TLS_CA_FILE` cannot be read: opsgate would otherwise fail later with a less clear TLS error. */
export class RedisTlsCaUnreadableError extends OpsgateError {
  readonly code = 'REDIS_TLS_CA_UNREADABLE';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`REDIS_TLS_CA_FILE ${file} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, { fields: { file }, cause });
  }
}

type RedisConfig = Pick<Config, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_TLS_CA_FILE'>;

/**
 * ioredis (and BullMQ) options from the configuration: `REDIS_URL` (`redis://` or `rediss://` for TLS, with a
 * user, password and db; `REDIS_TLS_CA_FILE` the CA to trust, certificates always verified), or, with
 * `REDIS_SENTINELS`, the master `REDIS_SENTINEL_NAME` found through the sentinels; the master's credentials,
 * db and TLS then still come from `REDIS_URL`, the sentinels' password from `REDIS_SENTINEL_PASSWORD`, and
 * with `rediss://` the sentinels are reached over TLS too (same CA).
 */
export function redisOptionsOf(config: RedisConfig, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): RedisOptions {
  const url = redisOptionsFromUrl(config.REDIS_URL);
  const tls = url.tls === undefined ? undefined : { ...(config.REDIS_TLS_CA_FILE === undefined ? {} : { ca: readCa(config.REDIS_TLS_CA_FILE, readFile) }) };
  const fromUrl: RedisOptions = tls === undefined ? url : { ...url, tls };
  const sentinels = sentinelsOf(config);
  if (sentinels.length === 0 || config.REDIS_SENTINEL_NAME === undefined) return fromUrl;
  const { host: _host, port: _port, ...auth } = fromUrl;
  return {
    ...auth,
    sentinels,
    name: config.REDIS_SENTINEL_NAME,
    // Without it a connection stays on the old master after a failover (which may stay writable for seconds):
    // ioredis subscribes to the sentinels' +switch-master and reconnects to the new master at once.
    failoverDetector: true,
    ...(config.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: config.REDIS_SENTINEL_PASSWORD }),
    ...(tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: tls }),
  };
}

function readCa(file: string, readFile: (path: string) => string): string {
  try {
    return readFile(file);
  } catch (e) {
    throw new RedisTlsCaUnreadableError(file, e);
  }
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

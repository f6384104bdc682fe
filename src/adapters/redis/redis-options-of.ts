import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-target.ts';
import { OpsgateError } from '../../core/opsgate-error.ts';

/** `REDIS_TLS_CA_FILE` cannot be read: opsgate would otherwise fail later with a less clear TLS error. */
export class RedisTlsCaUnreadableError extends OpsgateError {
  readonly code = 'REDIS_TLS_CA_UNREADABLE';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`REDIS_TLS_CA_FILE ${file} cannot be read: ${cause instanceof Error ? cause.message : String(cause)}`, {
      fields: { file },
      cause,
    });
  }
}

/** Where Redis is and how to trust it: the wiring fills it from `REDIS_URL`, `REDIS_SENTINELS` … */
export interface RedisConnectionConfig {
  /** `redis://` or `rediss://` (TLS), with a user, password and db. */
  readonly url: string;
  /** Sentinels to find the master through; empty for a direct connection. */
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly sentinelName?: string | undefined;
  readonly sentinelPassword?: string | undefined;
  /** CA file to trust for TLS (certificates are always verified). */
  readonly tlsCaFile?: string | undefined;
}

/**
 * ioredis (and BullMQ) options from the configuration: `REDIS_URL` (`redis://` or `rediss://` for TLS, with a
 * user, password and db; `REDIS_TLS_CA_FILE` the CA to trust, certificates always verified), or, with
 * `REDIS_SENTINELS`, the master `REDIS_SENTINEL_NAME` found through the sentinels; the master's credentials,
 * db and TLS then still come from `REDIS_URL`, the sentinels' password from `REDIS_SENTINEL_PASSWORD`, and
 * with `rediss://` the sentinels are reached over TLS too (same CA).
 */
export function redisOptionsOf(
  config: RedisConnectionConfig,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RedisOptions {
  const url = redisOptionsFromUrl(config.url);
  const tls =
    url.tls === undefined
      ? undefined
      : { ...(config.tlsCaFile === undefined ? {} : { ca: readCa(config.tlsCaFile, readFile) }) };
  const fromUrl: RedisOptions = tls === undefined ? url : { ...url, tls };
  const sentinels = config.sentinels.map((s) => ({ ...s }));
  if (sentinels.length === 0 || config.sentinelName === undefined) return fromUrl;
  const { host: _host, port: _port, ...auth } = fromUrl;
  return {
    ...auth,
    sentinels,
    name: config.sentinelName,
    // Without it a connection stays on the old master after a failover (which may stay writable for seconds):
    // ioredis subscribes to the sentinels' +switch-master and reconnects to the new master at once.
    failoverDetector: true,
    ...(config.sentinelPassword === undefined ? {} : { sentinelPassword: config.sentinelPassword }),
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
export function describeRedis(config: Pick<RedisConnectionConfig, 'url' | 'sentinels' | 'sentinelName'>): string {
  const { sentinels } = config;
  if (sentinels.length > 0)
    return `Redis master ${config.sentinelName ?? '?'} via sentinels ${sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  try {
    const u = new URL(config.url);
    return `Redis at ${u.protocol === 'rediss:' ? 'rediss://' : ''}${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'Redis (unparseable REDIS_URL)';
  }
}

import type { Redis } from 'ioredis';
import { OpsgateError } from '../../core/opsgate-error.ts';

/**
 * Redis could not be reached or refused us at start: bad certificate, wrong password, nothing listening. The
 * message carries the server's or TLS's own reason (`WRONGPASS …`, `unable to verify the first certificate`)
 * and where Redis is, never a password.
 */
export class RedisConnectError extends OpsgateError {
  readonly code = 'REDIS_CONNECT_FAILED';
  constructor(
    readonly where: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super(`cannot connect to ${where}: ${reason}`, { fields: { where, reason }, cause, retryable: true });
  }
}

/**
 * Connects a lazy ioredis client once, failing at the first error. ioredis itself rejects with a bare
 * "Connection is closed." and reports the real reason (a TLS or AUTH error) only as an `error` event; through
 * Sentinel it never rejects at all, retrying the sentinels forever. At start, a clear error at once is better:
 * the caller closes the client. Secrets in the reason are replaced by `***`.
 */
export async function connectRedis(redis: Redis, where: string, secrets: readonly string[]): Promise<void> {
  let onError: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (onError = reject));
  redis.on('error', onError);
  try {
    await Promise.race([redis.connect(), failed]);
  } catch (e) {
    const cause = e instanceof Error ? e : new Error(String(e));
    // ioredis's sentinel message promises a retry that this start does not make.
    const reason = redact(cause.message.replace(/ Retrying from scratch after \d+ms\./, ''), secrets);
    throw new RedisConnectError(where, reason, cause);
  } finally {
    redis.off('error', onError);
  }
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s !== '').reduce((t, s) => t.split(s).join('***'), text);
}

import type { Redis } from 'ioredis';
import { OpsgateError } from '../errors/opsgate-error.ts';

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
 * Connects a lazy ioredis client once. ioredis itself rejects with a bare "Connection is closed." and reports
 * the real reason (a TLS or AUTH error) only as an `error` event: this keeps the last such reason for the
 * error it throws. Secrets in the reason are replaced by `***`.
 */
export async function connectRedis(redis: Redis, where: string, secrets: readonly string[]): Promise<void> {
  let last: Error | undefined;
  const onError = (e: Error) => (last = e);
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (e) {
    const reason = redact((last ?? (e instanceof Error ? e : new Error(String(e)))).message, secrets);
    throw new RedisConnectError(where, reason, last ?? e);
  } finally {
    redis.off('error', onError);
  }
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s !== '').reduce((t, s) => t.split(s).join('***'), text);
}

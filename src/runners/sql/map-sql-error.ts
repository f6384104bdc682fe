import type { OpsgateError } from '../../core/opsgate-error.ts';
import { SqlAuthFailedError, SqlQueryFailedError, SqlTimeoutError, SqlUnreachableError } from './sql-errors.ts';

/** What an error is mapped with: the endpoint and a redactor for everything copied out of the driver. */
export interface ErrorContext {
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly redact: (text: string) => string;
}

/** Where the error happened. */
export interface ErrorSite {
  readonly phase: 'connect' | 'setup' | 'query';
  readonly label?: string;
  readonly statement?: string;
  readonly timeoutMs?: number;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
]);
const AUTH = new Set([1044, 1045, 1698]);
/**
 * The connection, not the statement: MariaDB ER_CONNECTION_KILLED, the client's CR_SERVER_GONE_ERROR and
 * CR_SERVER_LOST. Such an error says nothing of what the statement did, so it is never reported as the server's answer.
 */
const CONNECTION_ERRNO = new Set([1927, 2006, 2013]);
/** MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT, OceanBase OB_TIMEOUT. */
const TIMEOUT_ERRNO = new Set([1969, 3024, 4012]);

interface DriverError {
  readonly message?: string;
  readonly code?: string;
  readonly errno?: number;
  readonly sqlState?: string;
  /** mysql2: the connection is unusable after this error (lost, closed, a protocol error). */
  readonly fatal?: boolean;
}

/** Replaces each non-empty secret with `***`. */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const list = secrets.filter((s) => s.length > 0);
  return (text) => list.reduce((t, s) => t.split(s).join('***'), text);
}

/**
 * Maps a mysql2 error to opsgate's coded SQL errors. Only an error the server answered a statement with becomes
 * `SqlQueryFailedError` (the server rejected it); a lost or closed connection is `SqlUnreachableError`. The driver's error is kept as `cause` only as a redacted
 * copy, so that no secret the driver might echo survives.
 */
export function mapSqlError(e: unknown, ctx: ErrorContext, site: ErrorSite): OpsgateError {
  const d: DriverError = typeof e === 'object' && e !== null ? (e as DriverError) : { message: String(e) };
  const message = ctx.redact(d.message ?? String(e));
  const cause = Object.assign(new Error(message), { code: d.code, errno: d.errno, sqlState: d.sqlState });
  const label = site.label ?? 'sql';
  const statement = clip(ctx.redact(site.statement ?? ''));
  const timeoutMs = site.timeoutMs ?? 0;
  if (d.errno !== undefined && AUTH.has(d.errno))
    return new SqlAuthFailedError({ target: ctx.target, user: ctx.user }, cause);
  if (d.code === 'PROTOCOL_SEQUENCE_TIMEOUT' || (d.errno !== undefined && TIMEOUT_ERRNO.has(d.errno))) {
    if (site.phase === 'connect')
      return new SqlUnreachableError(
        { target: ctx.target, host: ctx.host, port: ctx.port, reason: 'connect timeout' },
        cause,
      );
    return new SqlTimeoutError({ target: ctx.target, label, statement, timeoutMs }, cause);
  }
  const lost = d.fatal === true || (d.errno !== undefined && CONNECTION_ERRNO.has(d.errno));
  if (site.phase === 'connect' || lost || (d.code !== undefined && UNREACHABLE.has(d.code))) {
    return new SqlUnreachableError(
      { target: ctx.target, host: ctx.host, port: ctx.port, reason: d.code ?? message },
      cause,
    );
  }
  return new SqlQueryFailedError(
    {
      target: ctx.target,
      label,
      statement,
      serverMessage: message,
      ...(d.errno === undefined ? {} : { errno: d.errno }),
      ...(d.sqlState === undefined ? {} : { sqlState: d.sqlState }),
    },
    cause,
  );
}

function clip(s: string): string {
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

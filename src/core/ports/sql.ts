import { isOpsgateError } from '../opsgate-error.ts';
import type { SqlRejection } from '../plan/run-state.ts';

/**
 * The port through which a step runs SQL (OceanBase's sys tenant over the MySQL protocol). The engine depends
 * on these types only; `src/runners/sql` will implement them with mysql2.
 */

/** Rows of one statement, as plain objects keyed by column name. */
export interface SqlResult {
  readonly statement: string;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  /** Rows changed by a DML/DDL statement (0 for a query). */
  readonly affectedRows: number;
  readonly durationMs: number;
}

/** Per-statement options. */
export interface SqlQueryOptions {
  readonly timeoutMs?: number;
  /** What the statement is for (a step or check id); errors name it. */
  readonly label?: string;
}

/** A run's connection to a site's SQL endpoint (one per named SQL target of the site file). */
export interface SqlSession {
  /** Runs one statement; transport and SQL errors are thrown as coded errors naming the target. */
  query(statement: string, opts?: SqlQueryOptions): Promise<SqlResult>;
  close(): Promise<void>;
}

/** The code of the error a session throws when the server answered a statement with an error (it rejected it). */
export const SQL_REJECTED_CODE = 'SQL_QUERY_FAILED';

/**
 * The server's rejection carried by `e` (an error a session threw with {@link SQL_REJECTED_CODE}), or undefined for
 * anything else: a connection that failed, a timeout, a driver bug are not the server's answer.
 */
export function sqlRejectionOf(e: unknown): SqlRejection | undefined {
  if (!isOpsgateError(e) || e.code !== SQL_REJECTED_CODE) return undefined;
  const { errno, sqlState, serverMessage, statement } = e.fields;
  return {
    ...(typeof errno === 'number' ? { errno } : {}),
    ...(typeof sqlState === 'string' && sqlState !== '' ? { sqlState } : {}),
    message: typeof serverMessage === 'string' ? serverMessage : e.message,
    statement: typeof statement === 'string' ? statement : '',
  };
}

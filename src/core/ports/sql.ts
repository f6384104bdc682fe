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

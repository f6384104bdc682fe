import type { SqlRecord } from '../plan/run-state.ts';
import { sqlRejectionOf, type SqlSession } from '../ports/sql.ts';

/** A SQL session that counts what went through it, so that a step's SQL is reported as SQL. */
export interface SqlTally {
  readonly session: SqlSession;
  /** Statements the server answered so far, with the rows they returned and changed. */
  counts(): SqlRecord;
  /** Time spent in statements so far. */
  durationMs(): number;
}

/**
 * Wraps `session`: every statement the server answers is counted (one it rejected too: it reached the server);
 * one that never got an answer (a lost connection, a timeout) is not.
 */
export function countSql(session: SqlSession): SqlTally {
  let statements = 0;
  let rowsReturned = 0;
  let rowsAffected = 0;
  let spent = 0;
  return {
    session: {
      async query(statement, opts) {
        try {
          const r = await session.query(statement, opts);
          statements++;
          rowsReturned += r.rows.length;
          rowsAffected += r.affectedRows;
          spent += r.durationMs;
          return r;
        } catch (e) {
          if (sqlRejectionOf(e) !== undefined) statements++;
          throw e;
        }
      },
      close: () => session.close(),
    },
    counts: () => ({ statements, rowsReturned, rowsAffected }),
    durationMs: () => spent,
  };
}

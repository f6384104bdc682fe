import type { SqlRecord, SqlRejection } from './run-state.ts';

/**
 * A statement the server rejected, as the mysql client prints it (`ERROR 1146 (42S02): Table 't' doesn't exist`),
 * then the statement.
 */
export function describeRejection(r: SqlRejection): string {
  const code = r.errno === undefined ? '' : ` ${r.errno}${r.sqlState === undefined ? '' : ` (${r.sqlState})`}`;
  const where = r.statement === '' ? '' : ` — in: ${r.statement}`;
  return `ERROR${code}: ${r.message}${where}`;
}

/**
 * What a step's statements did on a SQL target, as SQL: statements, rows returned and affected, and the server's
 * error when it rejected one (e.g. `2 statement(s), 3 row(s) returned, 0 affected; the server rejected statement 2:
 * ERROR 1146 (42S02): …`).
 */
export function describeSqlRecord(r: SqlRecord): string {
  const counts = `${r.statements} statement(s), ${r.rowsReturned} row(s) returned, ${r.rowsAffected} affected`;
  if (r.rejected === undefined) return counts;
  return `${counts}; the server rejected statement ${r.statements}: ${describeRejection(r.rejected)}`;
}

import type { SqlSession } from '../../../core/ports/sql.ts';
import type { ProgramContext } from '../../../core/ports/runbook.ts';

/** The step's SQL session; a program on an SQL target always has one unless the wiring is broken. */
export function requireSql(ctx: ProgramContext): SqlSession {
  if (ctx.sql === undefined) throw new Error(`step ${ctx.step.id}: no SQL session (is the SQL runner wired?)`);
  return ctx.sql;
}

import type { Finding } from '../../../core/plan/run-state.ts';
import { awaitPoll } from './await-poll.ts';
import { TENANT_COUNT_SQL, type ObPoll } from './ob-poll.ts';
import type { SqlSession } from '../../../core/ports/sql.ts';
import type { ProgramContext } from '../../../core/ports/runbook.ts';
import { requireSql } from '../shared/require-sql.ts';

/** The cluster's tenant count as the health checker counts it (sys and meta tenants included). */
export async function tenantCount(ctx: ProgramContext): Promise<number> {
  return (await requireSql(ctx).query(TENANT_COUNT_SQL, { label: ctx.step.id })).rows.length;
}

/** Runs one statement, saying it in the thread first. */
export async function runStatement(ctx: ProgramContext, sql: SqlSession, statement: string): Promise<void> {
  await ctx.progress(statement);
  await sql.query(statement, { label: ctx.step.id });
}

/**
 * Runs polls in order, reporting each one's wait as it goes (what is awaited, the value last seen; the engine
 * shows it as one line updated in place, not a line per poll), timeouts scaled by the tenant count (read once
 * unless given) or `explicitTimeoutSec` (the health checker's `-t`). Returns a pass per poll, or stops at the
 * first timeout with a `fail` finding that ends with `onTimeout` (state and decision).
 */
export async function runPolls(
  ctx: ProgramContext,
  polls: readonly ObPoll[],
  onTimeout: string,
  tenants?: number,
  explicitTimeoutSec?: number,
): Promise<{ ok: boolean; findings: Finding[] }> {
  const sql = requireSql(ctx);
  const n = tenants ?? (await tenantCount(ctx));
  const findings: Finding[] = [];
  for (const poll of polls) {
    const reports: Promise<void>[] = [];
    const res = await awaitPoll(
      {
        sql,
        clock: ctx.clock,
        sleep: ctx.sleep,
        onProgress: (p, seen, elapsed) =>
          void reports.push(
            ctx.waiting({ awaited: p.title, lastValue: seen.observed, elapsedMs: elapsed, done: seen.done }),
          ),
      },
      poll,
      { tenantCount: n, ...(explicitTimeoutSec !== undefined ? { explicitTimeoutSec } : {}) },
    );
    if (!res.ok)
      reports.push(
        ctx.waiting({
          awaited: poll.title,
          lastValue: `timed out (${res.error.last.observed})`,
          elapsedMs: res.error.waitedMs,
          done: true,
        }),
      );
    await Promise.all(reports);
    if (!res.ok) {
      findings.push({ status: 'fail', title: poll.title, evidence: `${res.error.message}. ${onTimeout}` });
      return { ok: false, findings };
    }
    findings.push({
      status: 'pass',
      title: poll.title,
      evidence: `${res.value.observed} (${n} tenants; ${poll.source})`,
    });
  }
  return { ok: true, findings };
}

import type { Finding } from '../../engine/run-state.ts';
import { awaitPoll } from '../../oceanbase/await-poll.ts';
import { TENANT_COUNT_SQL, type ObPoll } from '../../oceanbase/ob-poll.ts';
import type { StepProgram } from '../runbook.ts';
import { requireSql } from './require-sql.ts';

/** Program id of the waits and health checks: polls run in order, each until done or timed out. */
export const WAIT_PROGRAM = 'ob.wait';

/** The args of a wait step: the polls (data, shown in the dry run) and what the failure means for people. */
export interface WaitArgs {
  readonly polls: readonly ObPoll[];
  /** Said when a poll times out: the zone's state and the decision a person has to make. */
  readonly onTimeout: string;
  /** `-t` of the health checker: replaces the per-tenant timeouts when > 0. */
  readonly explicitTimeoutSec?: number;
}

/** Throttles progress lines: at most one per poll id every this many ms, plus the first and the last. */
const PROGRESS_EVERY_MS = 15_000;

/**
 * Runs the polls in order, reporting progress in the thread, with timeouts scaled by the cluster's tenant count
 * (read once). A timeout is a `fail` finding naming what was last seen and the decision it needs.
 */
export const waitProgram: StepProgram = async (ctx, rawArgs) => {
  const args = rawArgs as unknown as WaitArgs;
  const sql = requireSql(ctx);
  const tenantCount = (await sql.query(TENANT_COUNT_SQL, { label: ctx.step.id })).rows.length;
  const findings: Finding[] = [];
  for (const poll of args.polls) {
    let lastShown = -Infinity;
    const lines: Promise<void>[] = [];
    const res = await awaitPoll(
      {
        sql,
        clock: ctx.clock,
        sleep: ctx.sleep,
        onProgress: (p, seen, elapsed) => {
          if (!seen.done && elapsed - lastShown < PROGRESS_EVERY_MS) return;
          lastShown = elapsed;
          lines.push(ctx.progress(`${p.title}: ${seen.done ? 'done' : 'waiting'} after ${Math.round(elapsed / 1000)} s (seen: ${seen.observed})`));
        },
      },
      poll,
      { tenantCount, ...(args.explicitTimeoutSec !== undefined ? { explicitTimeoutSec: args.explicitTimeoutSec } : {}) },
    );
    await Promise.all(lines);
    if (!res.ok) {
      findings.push({ status: 'fail', title: poll.title, evidence: `${res.error.message}. ${args.onTimeout}` });
      return findings;
    }
    findings.push({ status: 'pass', title: poll.title, evidence: `${res.value.observed} (${tenantCount} tenants; ${poll.source})` });
  }
  return findings;
};

import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Finding } from '../../../core/plan/run-state.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { requireSql } from '../shared/require-sql.ts';

/** Program id of the final check of the cluster's event history. */
export const UPGRADE_EVENTS_PROGRAM = 'ob-upgrade.upgrade-events';

/**
 * The upgrade events of the cluster with their age by the cluster's own clock (so the comparison with the run's
 * start does not depend on the two machines' clocks agreeing), oldest first. OceanBase records BEGIN_UPGRADE at
 * `alter system begin upgrade`, BEGIN_ROLLING_UPGRADE and END_ROLLING_UPGRADE (VALUE1 = the new cluster
 * version) at the rolling stage's start and end.
 */
export const UPGRADE_EVENTS_SQL =
  "select EVENT as event, VALUE1 as value1, timestampdiff(microsecond, `TIMESTAMP`, now(6)) as age_us from oceanbase.DBA_OB_CLUSTER_EVENT_HISTORY where MODULE = 'UPGRADE' and EVENT in ('BEGIN_UPGRADE', 'BEGIN_ROLLING_UPGRADE', 'END_ROLLING_UPGRADE') order by `TIMESTAMP`";

const EXPECTED = ['BEGIN_UPGRADE', 'BEGIN_ROLLING_UPGRADE', 'END_ROLLING_UPGRADE'] as const;

/** The final verification's event-history step: the three events of this run, in order, the last naming `to`. */
export function upgradeEventsStep(cluster: string, to: string): StepInput {
  return {
    kind: 'check',
    id: 'final-upgrade-events',
    title: `Final verification: DBA_OB_CLUSTER_EVENT_HISTORY shows BEGIN_UPGRADE, BEGIN_ROLLING_UPGRADE and END_ROLLING_UPGRADE to ${to} since the run started`,
    targets: { kind: 'sql', target: cluster },
    program: { id: UPGRADE_EVENTS_PROGRAM, args: { to, sql: UPGRADE_EVENTS_SQL } },
  };
}

interface EventRow {
  readonly event: string;
  readonly value1: string;
  readonly ageMs: number;
}

/**
 * Reads the events and finds, after the run's start, BEGIN_UPGRADE, then BEGIN_ROLLING_UPGRADE, then
 * END_ROLLING_UPGRADE with VALUE1 = the target; one finding per event, a `fail` naming what is missing and what
 * was seen.
 */
export const upgradeEventsProgram: StepProgram = async (ctx, args) => {
  const to = String(args['to']);
  const sql = requireSql(ctx);
  const res = await sql.query(UPGRADE_EVENTS_SQL, { label: ctx.step.id });
  const runAgeMs = ctx.clock.now() - ctx.run.createdAt;
  const rows: EventRow[] = res.rows.map((r) => ({
    event: String(r['event']),
    value1: String(r['value1'] ?? ''),
    ageMs: Number(r['age_us']) / 1000,
  }));
  const ofRun = rows.filter((r) => r.ageMs <= runAgeMs);
  const seen =
    ofRun
      .map((r) => `${r.event}${r.value1 === '' ? '' : ` ${r.value1}`} ${Math.round(r.ageMs / 1000)} s ago`)
      .join('; ') || 'no upgrade event since the run started';
  const findings: Finding[] = [];
  let after = Infinity;
  for (const name of EXPECTED) {
    const wanted = (r: EventRow) =>
      r.event === name && r.ageMs < after && (name !== 'END_ROLLING_UPGRADE' || r.value1 === to);
    const hit = [...ofRun].reverse().find(wanted);
    const what = name === 'END_ROLLING_UPGRADE' ? `${name} with VALUE1 = ${to}` : name;
    if (hit === undefined) {
      findings.push({
        status: 'fail',
        title: `${what} since the run started`,
        evidence: `missing (in order after the events before it); seen: ${seen}`,
      });
      return findings;
    }
    findings.push({
      status: 'pass',
      title: `${what} since the run started`,
      evidence: `${Math.round(hit.ageMs / 1000)} s ago (run started ${Math.round(runAgeMs / 1000)} s ago), VALUE1 = ${hit.value1}`,
    });
    after = hit.ageMs;
  }
  return findings;
};

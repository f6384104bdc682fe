import type { Finding } from '../../../core/plan/run-state.ts';
import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { ObPoll } from '../health/ob-poll.ts';
import { obVersion, obVersionToInt } from '../shared/ob-version.ts';
import { clusterVersionBumped } from '../health/rolling-waits.ts';
import { sqlString, validVersionText } from '../shared/sql-literal.ts';
import { restoreActions } from './upgrade-parameters.ts';
import type { StepProgram } from '../../../core/ports/runbook.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { requireSql } from '../shared/require-sql.ts';
import { runPolls, runStatement } from '../health/run-polls.ts';
import { readUpgradeState, UPGRADE_RECORD_STEP, upgradeRecordOf } from './upgrade-record.ts';
import { waitStep } from './zone-steps.ts';

export const RESTORE_RECORDED_PROGRAM = 'ob.restore-recorded';

const SOURCE = 'upgrade_post.py post_check (upgrade_post_checker.py)';

/** The tenants post_check checks: every tenant except standby ones. */
export const NON_STANDBY_TENANTS_SQL =
  "select tenant_id from oceanbase.__all_tenant except select tenant_id from oceanbase.__all_virtual_tenant_info where tenant_role = 'STANDBY'";

/**
 * post_check's data-version waits for `target`: the cluster version; `compatible` = target on every server x
 * non-standby tenant; the three `__all_global_stat` data versions of every such tenant; every upgrade inspection
 * item `succeed`. The "every server x tenant" counts are computed by the SQL, so each poll waits for a 0 of missing
 * rows (10 s per tenant, at least 60 s; the inspection at least 600 s).
 */
export function dataVersionPolls(target: string): readonly ObPoll[] {
  const t = validVersionText(target);
  const bumped = clusterVersionBumped(target);
  if (!t.ok || !bumped.ok) throw new Error(`version ${target} is not a.b.c.d`);
  const n = `(select count(*) from (${NON_STANDBY_TENANTS_SQL}) nst)`;
  const scaled = (minSec: number) => ({ kind: 'per-tenant' as const, perTenantSec: 10, minSec });
  return [
    { ...bumped.value, source: SOURCE },
    {
      id: 'compatible-synced',
      title: `compatible is ${t.value} on every server for every non-standby tenant`,
      sql: `select (select count(*) from oceanbase.__all_server) * ${n} - (select count(*) from oceanbase.__all_virtual_tenant_parameter_info where name = 'compatible' and value = ${sqlString(t.value)} and tenant_id in (${NON_STANDBY_TENANTS_SQL})) as missing`,
      expect: { kind: 'zero' },
      timeout: scaled(60),
      intervalSec: 10,
      source: SOURCE,
    },
    {
      id: 'core-data-version',
      title: `target, current and upgrade-begin data versions are ${t.value} for every non-standby tenant`,
      sql: `select 3 * ${n} - (select count(*) from oceanbase.__all_virtual_core_table where table_name = '__all_global_stat' and column_name in ('target_data_version', 'current_data_version', 'upgrade_begin_data_version') and column_value = ${obVersionToInt(obVersion(t.value))} and tenant_id in (${NON_STANDBY_TENANTS_SQL})) as missing`,
      expect: { kind: 'zero' },
      timeout: scaled(60),
      intervalSec: 10,
      source: SOURCE,
    },
    {
      id: 'upgrade-inspection',
      title: 'every upgrade inspection item succeeded',
      sql: "select count(*) from oceanbase.__all_virtual_upgrade_inspection where info != 'succeed'",
      expect: { kind: 'zero' },
      timeout: scaled(600),
      intervalSec: 10,
      source: SOURCE,
    },
  ];
}

/** post_check: the data-version waits, then the recorded parameters put back. */
export function postCheckSteps(cluster: string, target: string): StepInput[] {
  let polls: readonly ObPoll[];
  try {
    polls = dataVersionPolls(target);
  } catch (e) {
    throw new ObUpgradeRefusedError(cluster, (e as Error).message);
  }
  return [
    waitStep(
      'post-check-data-version',
      `post_check: cluster and data version ${target} everywhere, inspection succeeded`,
      cluster,
      polls,
      `The cluster runs ${target} and is out of upgrade mode, but the data version has not reached ${target} everywhere; DDL, merges and the other parameters are still as special_action left them. Decide: retry, or investigate the tenant upgrade job (DBA_OB_TENANT_JOBS) with the DBA.`,
    ),
    restoreRecordedStep(cluster, 'post-check-restore'),
  ];
}

/** Puts back what `upgrade-record` recorded, where it differs now, and waits until every server shows it. */
export function restoreRecordedStep(cluster: string, id: string) {
  return {
    kind: 'action' as const,
    id,
    title:
      'Put back the recorded enable_ddl, enable_major_freeze, _enable_adaptive_compaction, _ob_enable_direct_load, enable_rebalance (sys), enable_rereplication, enable_sys_table_ddl, and resume the merges this run suspended',
    targets: { kind: 'sql' as const, target: cluster },
    program: {
      id: RESTORE_RECORDED_PROGRAM,
      args: {
        fromStep: UPGRADE_RECORD_STEP,
        statements: [
          "alter system set <parameter> = '<recorded value>' (cluster-wide; per server when the servers differed) for each cluster parameter that differs now",
          "alter system set <parameter> = '<recorded value>' tenant = '<tenant>' for each tenant parameter that differs now",
          'alter system resume merge tenant = sys | all_user | all_meta (per tenant when some were suspended before the run)',
        ],
      },
    },
    irreversible: { reason: 'puts back the values the cluster had before the upgrade' },
  };
}

/** Restores what differs from the record, saying each statement; fails when nothing was recorded. */
export const restoreRecordedProgram: StepProgram = async (ctx, args) => {
  const fromStep = String(args['fromStep']);
  const record = upgradeRecordOf(ctx.run, fromStep);
  if (record === undefined)
    return [
      {
        status: 'fail',
        title: 'restore the recorded parameters',
        evidence: `step ${fromStep} recorded nothing: set enable_ddl, enable_major_freeze, enable_rebalance and the others back by hand and resume the merges`,
      },
    ];
  const now = await readUpgradeState(ctx);
  if (!now.ok) return [{ status: 'fail', title: 'read the parameters', evidence: now.error }];
  const actions = restoreActions(record, now.value);
  if (actions.length === 0)
    return [
      {
        status: 'pass',
        title: 'every recorded parameter has its recorded value',
        evidence: `${record.values.length} value(s) compared; nothing to restore`,
      },
    ];
  const sql = requireSql(ctx);
  const findings: Finding[] = [];
  for (const a of actions) {
    await runStatement(ctx, sql, a.statement);
    findings.push({ status: 'pass', title: a.statement, evidence: 'ran' });
  }
  const waited = await runPolls(
    ctx,
    actions.flatMap((a) => (a.wait === undefined ? [] : [a.wait])),
    'Some parameter is not back to its recorded value on every server. Decide: retry this step, or set it by hand.',
  );
  return [...findings, ...waited.findings];
};

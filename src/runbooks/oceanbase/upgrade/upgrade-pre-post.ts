import type { StepInput } from '../../../core/plan/step-schema.ts';
import { healthChecks } from '../health/health-checks.ts';
import type { ObPoll } from '../health/ob-poll.ts';
import { clusterVersionBumped } from '../health/rolling-waits.ts';
import { ObUpgradeRefusedError } from '../shared/ob-runbook-errors.ts';
import { postCheckSteps } from './post-check-steps.ts';
import { specialActionStep } from './special-action-steps.ts';
import { tenantUpgradeSteps } from './tenant-upgrade-steps.ts';
import { upgradeRecordStep } from './upgrade-record.ts';
import { waitStep } from './zone-steps.ts';

/** upgrade_pre/upgrade_post's parameter waits: every server shows `name = value` (constants only). */
export function parameterIs(name: string, value: string, source: string): ObPoll {
  return {
    id: `param-${name.replace(/^_/, '')}`,
    title: `every server shows ${name} = ${value}`,
    sql: `select count(*) as cnt from oceanbase.GV$OB_PARAMETERS where name = '${name}' and value != '${value}'`,
    expect: { kind: 'zero' },
    timeout: { kind: 'fixed', seconds: 60 },
    intervalSec: 5,
    source,
    timeoutMessage: `check ${name}:${value} sync timeout`,
  };
}

function sqlAction(cluster: string, id: string, title: string, statement: string, reason: string): StepInput {
  return {
    kind: 'action',
    id,
    title,
    targets: { kind: 'sql', target: cluster },
    sql: [statement],
    irreversible: { reason },
  };
}

function polls(cluster: string, r: ReturnType<typeof healthChecks>): readonly ObPoll[] {
  if (!r.ok) throw new ObUpgradeRefusedError(cluster, r.error);
  return r.value;
}

/**
 * upgrade_pre.py: the health check first (nothing changed yet), the record of what the run will change,
 * begin_upgrade and begin_rolling_upgrade with their waits, then special_action (`settleSec`: its pause after
 * turning compactions off; the script's 120 s). `plannedFrom`: the cluster version read when the plan was built, if
 * it was; special_action then carries that variant only.
 */
export function preSteps(cluster: string, version: string, settleSec = 120, plannedFrom?: string): StepInput[] {
  const pre = 'upgrade_pre.py';
  return [
    waitStep(
      'pre-health',
      'Cluster health check (upgrade_pre, major merge included)',
      cluster,
      polls(cluster, healthChecks({ needCheckMajorStatus: true })),
      'The cluster is not healthy; nothing has been changed yet. Decide: retry once it is, or abort.',
    ),
    upgradeRecordStep(cluster, version),
    sqlAction(
      cluster,
      'begin-upgrade',
      'ALTER SYSTEM BEGIN UPGRADE',
      'alter system begin upgrade',
      'puts the cluster in upgrade mode; end-upgrade takes it out at the end of the run',
    ),
    waitStep(
      'wait-upgrade-mode',
      'Upgrade mode on every server',
      cluster,
      [parameterIs('enable_upgrade_mode', 'True', pre)],
      'The cluster was asked to enter upgrade mode and has not on every server; no zone is touched. Decide: retry, or abort and run ALTER SYSTEM END UPGRADE.',
    ),
    sqlAction(
      cluster,
      'begin-rolling-upgrade',
      'ALTER SYSTEM BEGIN ROLLING UPGRADE',
      'alter system begin rolling upgrade',
      'starts the rolling stage; end-rolling-upgrade closes it once every zone runs the new version',
    ),
    waitStep(
      'wait-rolling-stage',
      'Rolling upgrade stage on every server',
      cluster,
      [parameterIs('_upgrade_stage', 'DBUPGRADE', pre)],
      'The rolling stage did not begin on every server; no zone is touched. Decide: retry, or abort.',
    ),
    specialActionStep(cluster, version, settleSec, plannedFrom),
  ];
}

/**
 * upgrade_post.py's health check, end_rolling_upgrade, tenant_upgrade, end_upgrade and post_check, with their waits.
 */
export function postSteps(cluster: string, version: string): StepInput[] {
  const post = 'upgrade_post.py';
  const bumped = clusterVersionBumped(version);
  if (!bumped.ok) throw new ObUpgradeRefusedError(cluster, bumped.error);
  return [
    waitStep(
      'post-health',
      'Cluster health check (upgrade_post)',
      cluster,
      polls(cluster, healthChecks()),
      `Every zone runs ${version} but the cluster is not healthy; the cluster version is still the old one. Decide: retry, or stop here and investigate.`,
    ),
    sqlAction(
      cluster,
      'end-rolling-upgrade',
      'ALTER SYSTEM END ROLLING UPGRADE',
      'alter system end rolling upgrade',
      'raises the cluster version to the new one; OceanBase cannot lower it again',
    ),
    waitStep(
      'wait-cluster-version',
      `Cluster version is ${version}`,
      cluster,
      [bumped.value, parameterIs('_upgrade_stage', 'POSTUPGRADE', post)],
      `Every zone runs ${version} but the cluster version has not moved. Decide: retry, or investigate the RootService.`,
    ),
    ...tenantUpgradeSteps(cluster, version),
    sqlAction(
      cluster,
      'end-upgrade',
      'ALTER SYSTEM END UPGRADE',
      'alter system end upgrade',
      'takes the cluster out of upgrade mode',
    ),
    waitStep(
      'wait-upgrade-mode-off',
      'Upgrade mode off on every server',
      cluster,
      [parameterIs('enable_upgrade_mode', 'False', post)],
      'The cluster runs the new version but is still in upgrade mode on some server. Decide: retry, or run ALTER SYSTEM END UPGRADE by hand.',
    ),
    ...postCheckSteps(cluster, version),
  ];
}

/** The final verification: the health check, and every observer on the target build with the cluster version bumped. */
export function finalVerification(cluster: string, version: string): StepInput {
  const bumped = clusterVersionBumped(version);
  if (!bumped.ok) throw new ObUpgradeRefusedError(cluster, bumped.error);
  const allOnTarget: ObPoll = {
    id: 'all-servers-version',
    title: `every observer runs ${version}`,
    sql: "select distinct(substring_index(build_version, '_', 1)) from oceanbase.__all_server",
    expect: { kind: 'single-row', value: version },
    timeout: { kind: 'one-shot' },
    intervalSec: 0,
    source: 'opsgate final verification',
  };
  return waitStep(
    'final-verification',
    `Final verification: healthy, every observer on ${version}`,
    cluster,
    [...polls(cluster, healthChecks()), allOnTarget, bumped.value],
    'The upgrade ran to the end but the final verification fails: say what it saw to the DBA before closing the change.',
  );
}

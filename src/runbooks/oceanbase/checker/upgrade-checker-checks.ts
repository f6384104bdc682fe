import type { ObCheck } from './ob-check.ts';
import {
  clusterStatusCheck,
  observerStatusCheck,
  paxosReplicaCheck,
  rebalanceTaskCheck,
  schemaStatusCheck,
} from './cluster-checks.ts';
import {
  archiveDestCheck,
  archiveJobCheck,
  backupDestCheck,
  backupJobCheck,
  ddlTaskCheck,
  directLoadJobCheck,
  restoreJobCheck,
  tenantCloneJobCheck,
  tenantSnapshotTaskCheck,
} from './job-checks.ts';
import {
  csEncodingCheck,
  logTransportCompressCheck,
  mdsDiskSpaceCheck,
  tableApiCompressCheck,
  tableCompressCheck,
} from './storage-checks.ts';
import {
  binlogRowImageCheck,
  oracleStandbyReplicationCheck,
  tenantNameCheck,
  tenantPrimaryZoneCheck,
  tenantStatusCheck,
} from './tenant-checks.ts';
import { dataVersionCheck, observerVersionCheck, serverVersionCheck } from './version-checks.ts';

/** The build of upgrade_checker.py these checks reproduce. */
export const UPGRADE_CHECKER_BUILD = '4.3.5.5';

/** Every check of upgrade_checker.py 4.3.5.5, in the order its `do_check` runs them (27 checks). */
export const UPGRADE_CHECKS: readonly ObCheck[] = [
  observerVersionCheck,
  dataVersionCheck,
  paxosReplicaCheck,
  rebalanceTaskCheck,
  clusterStatusCheck,
  tenantStatusCheck,
  restoreJobCheck,
  tenantPrimaryZoneCheck,
  ddlTaskCheck,
  backupJobCheck,
  archiveJobCheck,
  archiveDestCheck,
  backupDestCheck,
  observerStatusCheck,
  schemaStatusCheck,
  serverVersionCheck,
  tenantNameCheck,
  tenantCloneJobCheck,
  tenantSnapshotTaskCheck,
  logTransportCompressCheck,
  tableCompressCheck,
  tableApiCompressCheck,
  binlogRowImageCheck,
  oracleStandbyReplicationCheck,
  mdsDiskSpaceCheck,
  csEncodingCheck,
  directLoadJobCheck,
];

/** A check without its evaluation function: what a plan stores and shows. */
export type ObCheckSpec = Omit<ObCheck, 'run'>;

/** The checks as plain JSON-able data. */
export function upgradeCheckSpecs(): readonly ObCheckSpec[] {
  return UPGRADE_CHECKS.map(({ run: _run, ...spec }) => spec);
}

import type { ObCheck } from './ob-check.ts';
import type { VersionGate } from '../shared/version-gate.ts';
import { MIN_OBSERVER_VERSION_SQL, countCheck } from './check-helpers.ts';

interface JobCheckSpec {
  readonly id: string;
  readonly fn: string;
  readonly title: string;
  readonly gate?: VersionGate;
  readonly sql: string;
  readonly failsWhen: string;
  readonly message: string;
  readonly shapeMessage?: string;
}

/** Most job checks are one count that must be zero; this builds them from their data. */
function jobCheck(spec: JobCheckSpec): ObCheck {
  const rule = {
    failWhen: 'nonzero',
    message: spec.message,
    ...(spec.shapeMessage === undefined ? {} : { shapeMessage: spec.shapeMessage }),
  } as const;
  return {
    id: spec.id,
    fn: spec.fn,
    title: spec.title,
    ...(spec.gate === undefined ? {} : { gate: spec.gate }),
    sql: spec.gate === undefined ? [spec.sql] : [MIN_OBSERVER_VERSION_SQL, spec.sql],
    failsWhen: spec.failsWhen,
    messages: spec.shapeMessage === undefined ? [spec.message] : [spec.message, spec.shapeMessage],
    run: (io) => countCheck(io, spec.sql, rule),
  };
}

const BEFORE_4_1: VersionGate = { on: 'cluster', below: '4.1.0.0' };
const FROM_4_3: VersionGate = { on: 'cluster', atLeast: '4.3.0.0' };

/** 7. */
export const restoreJobCheck = jobCheck({
  id: 'restore-job',
  fn: 'check_restore_job_exist',
  title: 'no restore job is running',
  sql: 'select count(1) from CDB_OB_RESTORE_PROGRESS',
  failsWhen: 'CDB_OB_RESTORE_PROGRESS has rows',
  message: 'still has restore job, upgrade is not allowed temporarily',
  shapeMessage: 'failed to restore job cnt',
});

/** 9. */
export const ddlTaskCheck = jobCheck({
  id: 'ddl-task',
  fn: 'check_ddl_task_execute',
  title: 'no DDL task is running',
  sql: 'select count(1) from __all_virtual_ddl_task_status',
  failsWhen: '__all_virtual_ddl_task_status has rows',
  message: 'There are DDL task in progress',
});

/** 10. */
export const backupJobCheck = jobCheck({
  id: 'backup-job',
  fn: 'check_backup_job_exist',
  title: 'no backup job is running',
  sql: 'select count(1) from CDB_OB_BACKUP_JOBS',
  failsWhen: 'CDB_OB_BACKUP_JOBS has rows',
  message: 'still has backup job, upgrade is not allowed temporarily',
  shapeMessage: 'failed to backup job cnt',
});

/** 11. */
export const archiveJobCheck = jobCheck({
  id: 'archive-job',
  fn: 'check_archive_job_exist',
  title: 'no log archiving is running (upgrades from 4.0 only)',
  gate: BEFORE_4_1,
  sql: "select count(1) from CDB_OB_ARCHIVELOG where status!='STOP'",
  failsWhen: 'an archive log round is not STOP',
  message: 'still has archive job, upgrade is not allowed temporarily',
  shapeMessage: 'failed to archive job cnt',
});

/** 12. */
export const archiveDestCheck = jobCheck({
  id: 'archive-dest',
  fn: 'check_archive_dest_exist',
  title: 'no archive destination is configured (upgrades from 4.0 only)',
  gate: BEFORE_4_1,
  sql: 'select count(1) from CDB_OB_ARCHIVE_DEST',
  failsWhen: 'CDB_OB_ARCHIVE_DEST has rows',
  message: 'still has archive destination, upgrade is not allowed temporarily',
  shapeMessage: 'failed to archive dest cnt',
});

/** 13. `value!=NULL` is always NULL, so only a non-empty value trips it. */
export const backupDestCheck = jobCheck({
  id: 'backup-dest',
  fn: 'check_backup_dest_exist',
  title: 'no data backup destination is configured (upgrades from 4.0 only)',
  gate: BEFORE_4_1,
  sql: "select count(1) from CDB_OB_BACKUP_PARAMETER where name='data_backup_dest' and (value!=NULL or value!='')",
  failsWhen: "a tenant's data_backup_dest is not empty",
  message: 'still has backup destination, upgrade is not allowed temporarily',
  shapeMessage: 'failed to data backup dest cnt',
});

/** 18. */
export const tenantCloneJobCheck = jobCheck({
  id: 'tenant-clone-job',
  fn: 'check_tenant_clone_job_exist',
  title: 'no tenant clone job is running',
  gate: FROM_4_3,
  sql: 'select count(1) from __all_virtual_clone_job',
  failsWhen: '__all_virtual_clone_job has rows',
  message: 'still has tenant clone job, upgrade is not allowed temporarily',
  shapeMessage: 'failed to tenant clone job cnt',
});

/** 19. */
export const tenantSnapshotTaskCheck = jobCheck({
  id: 'tenant-snapshot-task',
  fn: 'check_tenant_snapshot_task_exist',
  title: 'no tenant snapshot task is running',
  gate: FROM_4_3,
  sql: "select count(1) from __all_virtual_tenant_snapshot where status!='NORMAL'",
  failsWhen: 'a tenant snapshot is not NORMAL',
  message: 'still has tenant snapshot task, upgrade is not allowed temporarily',
  shapeMessage: 'failed to tenant snapshot task',
});

/** 27. */
export const directLoadJobCheck = jobCheck({
  id: 'direct-load-job',
  fn: 'check_direct_load_job_exist',
  title: 'no direct load job is running',
  sql: 'select count(1) from __all_virtual_load_data_stat',
  failsWhen: '__all_virtual_load_data_stat has rows',
  message: 'There are direct load task in progress',
});

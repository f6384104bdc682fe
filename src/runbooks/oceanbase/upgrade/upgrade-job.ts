import { err, ok, type Result } from '../../../core/result.ts';
import type { ObRow } from '../checker/ob-check.ts';
import { obVersion, obVersionToInt } from '../shared/ob-version.ts';
import { cell, num, text } from '../checker/ob-rows.ts';
import { sqlString, validVersionText } from '../shared/sql-literal.ts';

/** upgrade_post.py tenant_upgrade's SQL for a target version, in the order it runs (research §2.5.3). */
export interface TenantUpgradeSql {
  /** 0 means the cluster came from 4.0 (no core table yet): the job is needed. */
  readonly coreTableExists: string;
  readonly tenantCount: string;
  /** The three data versions of every tenant equal to the target: anything but 3 x tenants means cross-version. */
  readonly dataVersionRows: string;
  /** Tenants x servers whose `compatible` is not the target yet. */
  readonly compatibleBehind: string;
  /** The last UPGRADE_ALL job: INPROGRESS refuses a new one. */
  readonly lastUpgradeJob: string;
  readonly enableDdl: string;
  readonly enableDdlOn: string;
  readonly maxJobId: string;
  readonly runJob: string;
  /** `{max}` is replaced by the job id read before running the job. */
  readonly pollJob: string;
  /** `{ip}`, `{port}` and `{job}` are replaced by the job's RootService and id. */
  readonly rsStillLeader: string;
  readonly rsRestarted: string;
}

/** The tenant upgrade's SQL, for a version already checked to be a.b.c.d. */
export function tenantUpgradeSql(target: string): Result<TenantUpgradeSql, string> {
  const t = validVersionText(target);
  if (!t.ok) return err(t.error);
  return ok({
    coreTableExists: "select count(*) from oceanbase.__all_table where table_name = '__all_virtual_core_table'",
    tenantCount: 'select count(*) from oceanbase.__all_tenant',
    dataVersionRows: `select count(*) from oceanbase.__all_virtual_core_table where table_name = '__all_global_stat' and column_name in ('target_data_version', 'current_data_version', 'upgrade_begin_data_version') and column_value = ${obVersionToInt(obVersion(t.value))} and tenant_id in (select tenant_id from oceanbase.__all_tenant)`,
    compatibleBehind: `select count(*) from oceanbase.__all_virtual_tenant_parameter_info where name = 'compatible' and value != ${sqlString(t.value)}`,
    lastUpgradeJob:
      "select job_status from oceanbase.__all_rootservice_job where job_type = 'UPGRADE_ALL' order by job_id desc limit 1",
    enableDdl: "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'enable_ddl'",
    enableDdlOn: "alter system set enable_ddl = 'True'",
    maxJobId: 'select job_id from oceanbase.__all_rootservice_job order by job_id desc limit 1',
    runJob: "alter system run upgrade job 'UPGRADE_ALL'",
    pollJob:
      "select job_id, job_status, rs_svr_ip, rs_svr_port, progress, result_code from oceanbase.__all_rootservice_job where job_type = 'UPGRADE_ALL' and job_id > {max} order by job_id desc limit 1",
    rsStillLeader:
      "select count(*) from oceanbase.__all_virtual_core_meta_table where role = 1 and svr_ip = '{ip}' and svr_port = {port}",
    rsRestarted:
      "select count(*) from oceanbase.__all_rootservice_event_history where event = 'full_rootservice' and gmt_create > (select gmt_create from oceanbase.__all_rootservice_job where job_id = {job})",
  });
}

/** One poll of the new job. */
export interface JobSeen {
  readonly jobId: number;
  readonly status: string;
  readonly rsIp: string;
  readonly rsPort: number;
  readonly progress: string;
  readonly resultCode: string;
}

/** Reads the poll's row (none yet: the job is not visible yet). */
export function readJob(rows: readonly ObRow[]): Result<JobSeen | undefined, string> {
  const r = rows[0];
  if (r === undefined) return ok(undefined);
  const seen = {
    jobId: num(cell(r, 0)),
    status: text(cell(r, 1)),
    rsIp: text(cell(r, 2)),
    rsPort: num(cell(r, 3)),
    progress: text(cell(r, 4)),
    resultCode: text(cell(r, 5)),
  };
  if (!Number.isSafeInteger(seen.jobId) || !/^[0-9A-Fa-f:.]*$/.test(seen.rsIp) || !Number.isSafeInteger(seen.rsPort))
    return err(`unexpected job row ${JSON.stringify(r)}`);
  return ok(seen);
}

/** The script's timeout of the job wait: 100 s per tenant, at least an hour. */
export function jobTimeoutSec(tenants: number): number {
  return Math.max(100 * tenants, 3600);
}

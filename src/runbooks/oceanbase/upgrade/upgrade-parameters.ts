import { err, ok, type Result } from '../../../core/result.ts';
import type { ObRow } from '../checker/ob-check.ts';
import type { ObPoll } from '../health/ob-poll.ts';
import { cell, num, text } from '../checker/ob-rows.ts';
import { clusterParameterSync, tenantParameterSync } from './parameter-sync.ts';
import { sqlString } from '../shared/sql-literal.ts';

/**
 * The parameters upgrade_post's post_check turns back (enable_ddl, enable_rebalance for sys, enable_rereplication,
 * enable_major_freeze, _enable_adaptive_compaction, _ob_enable_direct_load, enable_sys_table_ddl) and the merge
 * suspension. opsgate records them before special_action changes anything and restores exactly the recorded
 * values, and only where they now differ, instead of the script's fixed values (a parameter an operator had
 * turned off before the upgrade stays off).
 */
export const RECORDED_CLUSTER_PARAMETERS = [
  'enable_ddl',
  'enable_major_freeze',
  '_ob_enable_direct_load',
  'enable_rereplication',
  'enable_sys_table_ddl',
  'enable_rebalance',
] as const;
export const RECORDED_TENANT_PARAMETERS = ['_enable_adaptive_compaction', 'enable_rebalance'] as const;

const names = (list: readonly string[]) => list.map((n) => sqlString(n)).join(', ');

/** Cluster-scope values per server (enable_rebalance is cluster-scope only before 4.2). */
export const READ_CLUSTER_PARAMETERS_SQL = `select name, svr_ip, svr_port, value from oceanbase.GV$OB_PARAMETERS where scope = 'CLUSTER' and name in (${names(RECORDED_CLUSTER_PARAMETERS)}) order by name, svr_ip, svr_port`;
/** Tenant-scope values per tenant and server, with the tenant's name (what `alter system set … tenant =` takes). */
export const READ_TENANT_PARAMETERS_SQL = `select p.name, p.tenant_id, t.tenant_name, p.svr_ip, p.svr_port, p.value from oceanbase.__all_virtual_tenant_parameter_info p join oceanbase.__all_tenant t on t.tenant_id = p.tenant_id where p.name in (${names(RECORDED_TENANT_PARAMETERS)}) order by p.name, p.tenant_id, p.svr_ip, p.svr_port`;
/** Which tenants have their merges suspended. */
export const READ_MERGE_SUSPENDED_SQL =
  'select c.TENANT_ID, t.tenant_name, c.IS_SUSPENDED from oceanbase.CDB_OB_MAJOR_COMPACTION c join oceanbase.__all_tenant t on t.tenant_id = c.TENANT_ID order by c.TENANT_ID';

/** One recorded value: a cluster parameter on a server, or a tenant parameter of a tenant on a server. */
export interface RecordedValue {
  readonly name: string;
  readonly tenantId?: number;
  readonly tenantName?: string;
  readonly svrIp: string;
  readonly svrPort: number;
  readonly value: string;
}

/** Everything recorded before the upgrade changed anything. */
export interface UpgradeRecord {
  readonly values: readonly RecordedValue[];
  /** Tenants whose merges are suspended (those suspended before the upgrade stay suspended). */
  readonly suspended: readonly { readonly id: number; readonly name: string }[];
}

/** Parameter values opsgate is willing to quote back (True/False, levels, sizes); anything else is refused. */
const SAFE_VALUE = /^[A-Za-z0-9_.:-]{1,64}$/;
const SAFE_NAME = /^[A-Za-z0-9_$#]{1,128}$/;

/** Reads the rows of the three record queries; fails naming the first odd row. */
export function parseUpgradeRecord(
  cluster: readonly ObRow[],
  tenant: readonly ObRow[],
  merges: readonly ObRow[],
): Result<UpgradeRecord, string> {
  const values: RecordedValue[] = [];
  const server = (row: ObRow, i: number) => ({ svrIp: text(cell(row, i)), svrPort: num(cell(row, i + 1)) });
  for (const row of cluster) values.push({ name: text(cell(row, 0)), ...server(row, 1), value: text(cell(row, 3)) });
  for (const row of tenant)
    values.push({
      name: text(cell(row, 0)),
      tenantId: num(cell(row, 1)),
      tenantName: text(cell(row, 2)),
      ...server(row, 3),
      value: text(cell(row, 5)),
    });
  const suspended = merges
    .filter((r) => text(cell(r, 2)).toUpperCase() === 'YES')
    .map((r) => ({ id: num(cell(r, 0)), name: text(cell(r, 1)) }));
  return checkRecord({ values, suspended });
}

/** Checks every server, value and tenant name of a record before any of it is quoted into a statement. */
export function checkRecord(record: UpgradeRecord): Result<UpgradeRecord, string> {
  for (const r of record.values) {
    const where = `${r.name} on ${r.svrIp}:${r.svrPort}${r.tenantName === undefined ? '' : ` for tenant ${r.tenantName}`}`;
    if (!SAFE_NAME.test(r.name)) return err(`unexpected parameter name ${JSON.stringify(r.name)}`);
    if (!/^[0-9A-Fa-f:.]+$/.test(r.svrIp) || !Number.isSafeInteger(r.svrPort))
      return err(`unexpected server in ${where}`);
    if (!SAFE_VALUE.test(r.value)) return err(`unexpected value ${JSON.stringify(r.value)} of ${where}`);
    if (r.tenantName !== undefined && (!SAFE_NAME.test(r.tenantName) || !Number.isSafeInteger(r.tenantId)))
      return err(`unexpected tenant ${JSON.stringify(r.tenantName)}`);
  }
  if (record.suspended.some((t) => !SAFE_NAME.test(t.name) || !Number.isSafeInteger(t.id)))
    return err('unexpected tenant among the suspended merges');
  return ok(record);
}

/** One restore: the statement, and the wait that confirms it. */
export interface RestoreAction {
  readonly statement: string;
  readonly wait?: ObPoll;
}

const SOURCE = 'upgrade_post.py post_check (recorded values)';
const key = (r: RecordedValue) => `${r.name}|${r.tenantId ?? ''}`;

/**
 * The statements that put back what differs now from the record: per cluster parameter one cluster-wide statement
 * (or one per server when the servers had different values), per tenant parameter one per tenant; then a resume
 * of the merges of every tenant suspended now that was not suspended before.
 */
export function restoreActions(record: UpgradeRecord, now: UpgradeRecord): readonly RestoreAction[] {
  const current = new Map(now.values.map((r) => [`${key(r)}|${r.svrIp}:${r.svrPort}`, r.value]));
  const groups = new Map<string, RecordedValue[]>();
  for (const r of record.values) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const out: RestoreAction[] = [];
  for (const group of groups.values()) {
    const changed = group.filter((r) => current.get(`${key(r)}|${r.svrIp}:${r.svrPort}`) !== r.value);
    const first = group[0];
    if (changed.length === 0 || first === undefined) continue;
    const uniform = group.every((r) => r.value === first.value);
    if (first.tenantId !== undefined && first.tenantName !== undefined) {
      if (uniform) {
        const tenant = { label: `tenant ${first.tenantName}`, sql: String(first.tenantId) };
        out.push({
          statement: `alter system set ${first.name} = ${sqlString(first.value)} tenant = ${sqlString(first.tenantName)}`,
          wait: tenantParameterSync(first.name, first.value, SOURCE, tenant),
        });
      } else {
        for (const r of changed)
          out.push({
            statement: `alter system set ${r.name} = ${sqlString(r.value)} tenant = ${sqlString(r.tenantName ?? '')} server = ${sqlString(`${r.svrIp}:${r.svrPort}`)}`,
          });
      }
    } else if (uniform) {
      out.push({
        statement: `alter system set ${first.name} = ${sqlString(first.value)}`,
        wait: clusterParameterSync(first.name, first.value, SOURCE),
      });
    } else {
      for (const r of changed)
        out.push({
          statement: `alter system set ${r.name} = ${sqlString(r.value)} server = ${sqlString(`${r.svrIp}:${r.svrPort}`)}`,
        });
    }
  }
  return [...out, ...resumeActions(record, now)];
}

const scopeOf = (id: number) => (id === 1 ? 'sys' : id > 1000 && id % 2 === 1 ? 'all_meta' : 'all_user');

/**
 * Resumes the merges the run suspended: per scope (sys, all_user, all_meta, as special_action suspended them) when
 * no tenant of the scope was suspended before the upgrade; otherwise per tenant, leaving the earlier ones alone.
 */
function resumeActions(record: UpgradeRecord, now: UpgradeRecord): RestoreAction[] {
  const before = new Set(record.suspended.map((t) => t.id));
  const out: RestoreAction[] = [];
  for (const scope of ['sys', 'all_user', 'all_meta'] as const) {
    const fresh = now.suspended.filter((t) => scopeOf(t.id) === scope && !before.has(t.id));
    if (fresh.length === 0) continue;
    if (record.suspended.some((t) => scopeOf(t.id) === scope))
      for (const t of fresh) out.push({ statement: `alter system resume merge tenant = ${t.name}` });
    else out.push({ statement: `alter system resume merge tenant = ${scope}` });
  }
  return out;
}

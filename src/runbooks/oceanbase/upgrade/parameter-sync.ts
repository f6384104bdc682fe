import type { ObPoll } from '../health/ob-poll.ts';
import { sqlString } from '../shared/sql-literal.ts';

/**
 * upgrade_pre/upgrade_post's `wait_parameter_sync` for a parameter they change: every server shows the value,
 * polled every 5 s. Cluster parameters are read from GV$OB_PARAMETERS (60 s); tenant parameters from
 * __all_virtual_tenant_parameter_info (10 s per tenant, at least 60 s), optionally for some tenants only.
 */
export function clusterParameterSync(name: string, value: string, source: string): ObPoll {
  return {
    id: `sync-${name.replace(/^_/, '')}`,
    title: `every server shows ${name} = ${value}`,
    sql: `select count(*) as cnt from oceanbase.GV$OB_PARAMETERS where name = ${sqlString(name)} and value != ${sqlString(value)}`,
    expect: { kind: 'zero' },
    timeout: { kind: 'fixed', seconds: 60 },
    intervalSec: 5,
    source,
    timeoutMessage: `check ${name}:${value} sync timeout`,
  };
}

/** Tenants a tenant-parameter wait covers: all of them, or a subquery/list on `tenant_id`. */
export function tenantParameterSync(
  name: string,
  value: string,
  source: string,
  tenantFilter?: { readonly label: string; readonly sql: string },
): ObPoll {
  const where = tenantFilter === undefined ? '' : ` and tenant_id in (${tenantFilter.sql})`;
  return {
    id: `sync-${name.replace(/^_/, '')}${tenantFilter === undefined ? '' : `-${tenantFilter.label.replace(/[^a-z0-9]+/gi, '-')}`}`,
    title: `every server shows ${name} = ${value} for ${tenantFilter?.label ?? 'every tenant'}`,
    sql: `select count(*) as cnt from oceanbase.__all_virtual_tenant_parameter_info where name = ${sqlString(name)} and value != ${sqlString(value)}${where}`,
    expect: { kind: 'zero' },
    timeout: { kind: 'per-tenant', perTenantSec: 10, minSec: 60 },
    intervalSec: 5,
    source,
    timeoutMessage: `check ${name}:${value} sync timeout`,
  };
}

/** The tenants of one of the scopes `alter system … tenant = <scope>` takes. */
export const TENANT_SCOPE_SQL: Readonly<Record<'sys' | 'all_user' | 'all_meta' | 'all', string>> = {
  sys: 'select tenant_id from oceanbase.__all_tenant where tenant_id = 1',
  all_user: 'select tenant_id from oceanbase.__all_tenant where tenant_id > 1000 and tenant_id % 2 = 0',
  all_meta: 'select tenant_id from oceanbase.__all_tenant where tenant_id > 1000 and tenant_id % 2 = 1',
  all: 'select tenant_id from oceanbase.__all_tenant',
};
export type TenantScope = keyof typeof TENANT_SCOPE_SQL;

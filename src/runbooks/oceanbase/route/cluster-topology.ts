/**
 * What the cluster itself says exists: its zones, its servers with their zones, and the zones each tenant's
 * resource pools span. Read from the sys tenant's views, read-only.
 *
 * Source: obd's precheck of a rolling upgrade (oceanbase/obdeploy, plugins/oceanbase/4.2.0.0/upgrade_check.py @
 * 34fef299d52d) reads the tenants' zones this way: every tenant except the `META$` ones (they live in their user
 * tenant's units), the ZONE_LIST of its DBA_OB_RESOURCE_POOLS joined, and refuses a tenant spanning fewer than 3
 * distinct zones. DBA_OB_ZONES (ZONE) and DBA_OB_SERVERS (SVR_IP, SVR_PORT the RPC port, ZONE) are OceanBase 4.x's
 * views of the zones and servers, as obshell and obd read them before stopping a zone.
 */
import type { SqlSession } from '../../../core/ports/sql.ts';

/** A server as DBA_OB_SERVERS names it: its address, RPC port and zone. */
export interface ClusterServer {
  readonly ip: string;
  readonly port: number;
  readonly zone: string;
}

/** A tenant (meta tenants left out: they live in their user tenant's units) and the zones its pools span. */
export interface TenantZones {
  readonly tenant: string;
  readonly zones: readonly string[];
}

/** The cluster's zones, servers and tenants' zones, as read from it. */
export interface ClusterTopology {
  readonly zones: readonly string[];
  readonly servers: readonly ClusterServer[];
  readonly tenants: readonly TenantZones[];
}

export const ZONES_SQL = 'select ZONE as zone from oceanbase.DBA_OB_ZONES order by ZONE';
export const SERVERS_SQL =
  'select SVR_IP as svr_ip, SVR_PORT as svr_port, ZONE as zone from oceanbase.DBA_OB_SERVERS order by ZONE, SVR_IP, SVR_PORT';
export const TENANT_ZONES_SQL =
  "select a.TENANT_NAME as tenant_name, group_concat(b.ZONE_LIST separator ';') as zone_list from oceanbase.DBA_OB_TENANTS a left join oceanbase.DBA_OB_RESOURCE_POOLS b on a.TENANT_ID = b.TENANT_ID where a.TENANT_NAME not like 'META$%' group by a.TENANT_ID, a.TENANT_NAME order by a.TENANT_ID";

/** Every topology statement: each a read, never a change (the tests hold the plan-time reads to this list). */
export const TOPOLOGY_SQL = [ZONES_SQL, SERVERS_SQL, TENANT_ZONES_SQL] as const;

function text(row: Readonly<Record<string, unknown>>, column: string, view: string): string {
  const v = row[column];
  if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`${view}: a row without ${column}`);
  return String(v);
}

/**
 * Reads the cluster's topology over the sys tenant. A view answering rows without the columns asked for is a broken
 * invariant (not OceanBase 4.x) and throws naming the view.
 */
export async function readClusterTopology(sql: SqlSession, label: string): Promise<ClusterTopology> {
  const zones = (await sql.query(ZONES_SQL, { label })).rows.map((r) => text(r, 'zone', 'DBA_OB_ZONES'));
  const servers = (await sql.query(SERVERS_SQL, { label })).rows.map((r) => {
    const port = Number(text(r, 'svr_port', 'DBA_OB_SERVERS'));
    if (!Number.isInteger(port)) throw new Error(`DBA_OB_SERVERS: SVR_PORT ${String(r['svr_port'])} is not a port`);
    return { ip: text(r, 'svr_ip', 'DBA_OB_SERVERS'), port, zone: text(r, 'zone', 'DBA_OB_SERVERS') };
  });
  const tenants = (await sql.query(TENANT_ZONES_SQL, { label })).rows.map((r) => {
    const list = r['zone_list'];
    const zonesOf = typeof list === 'string' ? list.split(';').filter((z) => z !== '') : [];
    return { tenant: text(r, 'tenant_name', 'DBA_OB_TENANTS'), zones: [...new Set(zonesOf)].sort() };
  });
  return { zones, servers, tenants };
}

import { SERVERS_SQL, TENANT_ZONES_SQL, ZONES_SQL } from '../../../src/runbooks/oceanbase/route/cluster-topology.ts';
import type { FakeSqlSession } from './fake-sql-session.ts';

/** A cluster's zones, servers (`ip:port` → zone) and tenants' pool zones, as the sys tenant's views show them. */
export interface FakeTopology {
  readonly zones: readonly string[];
  readonly servers: readonly (readonly [string, string])[];
  readonly tenants: readonly (readonly [string, string | null])[];
}

/** The lab site file's obcluster as its cluster shows it: three zones, ob-1…ob-3, three tenants over every zone. */
export const LAB_TOPOLOGY: FakeTopology = {
  zones: ['zone1', 'zone2', 'zone3'],
  servers: [
    ['10.77.0.61:2882', 'zone1'],
    ['10.77.0.62:2882', 'zone2'],
    ['10.77.0.63:2882', 'zone3'],
  ],
  tenants: [
    ['sys', 'zone1;zone2;zone3'],
    ['biz', 'zone1;zone2;zone3'],
    ['ora', 'zone1;zone2;zone3'],
  ],
};

/** Scripts the topology reads on a fake session (DBA_OB_ZONES, DBA_OB_SERVERS, tenants × DBA_OB_RESOURCE_POOLS). */
export function withTopology(sql: FakeSqlSession, t: FakeTopology = LAB_TOPOLOGY): FakeSqlSession {
  return sql
    .on(ZONES_SQL, () => t.zones.map((zone) => ({ zone })))
    .on(SERVERS_SQL, () =>
      t.servers.map(([at, zone]) => {
        const i = at.lastIndexOf(':');
        return { svr_ip: at.slice(0, i), svr_port: Number(at.slice(i + 1)), zone };
      }),
    )
    .on(TENANT_ZONES_SQL, () => t.tenants.map(([tenant_name, zone_list]) => ({ tenant_name, zone_list })));
}

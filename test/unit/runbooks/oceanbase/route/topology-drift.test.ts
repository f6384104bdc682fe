import { describe, expect, it } from 'vitest';
import { localPackageFiles } from '../../../../../src/adapters/files/local-package-files.ts';
import { TOPOLOGY_SQL } from '../../../../../src/runbooks/oceanbase/route/cluster-topology.ts';
import { topologyProgram } from '../../../../../src/runbooks/oceanbase/route/topology-check.ts';
import { FakeSqlSession } from '../../../../support/oceanbase/fake-sql-session.ts';
import { LAB_TOPOLOGY, withTopology, type FakeTopology } from '../../../../support/oceanbase/fake-topology.ts';
import { labXizang, programContext, registry, stepOf } from '../ob-fixture-site.ts';

/**
 * The cluster, not the site file, says which zones and observers exist. Planning reads DBA_OB_ZONES,
 * DBA_OB_SERVERS and the tenants' resource pools and refuses any difference with the lab site file's obcluster
 * (zone1…zone3 on ob-1…ob-3, 10.77.0.61…63), naming each; the run's `cluster-topology` step reads them again.
 */
const HEAD = 'OB_UPGRADE_REFUSED: upgrade of OceanBase cluster obcluster refused: ';
const DRIFT =
  'the site file does not describe the cluster, and opsgate stops only zones and observers the cluster itself names. ';
const TAIL = '. Nothing was changed: correct the site file (or the cluster) and plan the upgrade again';

async function refusal(t: FakeTopology): Promise<{ message: string; statements: string[] }> {
  const sql = withTopology(new FakeSqlSession(), t);
  const message = await registry
    .preparePlan(
      'ob-upgrade',
      await labXizang(),
      { cluster: 'obcluster', toVersion: '4.3.5.5' },
      { openSql: async () => sql, files: localPackageFiles },
    )
    .then(
      () => 'planned',
      (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
    );
  return { message, statements: sql.calls.map((c) => c.statement) };
}

describe('ob-upgrade refuses at plan time a cluster the site file does not describe', () => {
  it('a 2-zone cluster whose site file lists 3 zones: the zone and its host named, only the three reads sent', async () => {
    const r = await refusal({
      ...LAB_TOPOLOGY,
      zones: ['zone1', 'zone2'],
      servers: LAB_TOPOLOGY.servers.slice(0, 2),
    });
    expect(r.message).toBe(
      `${HEAD}the cluster has 2 zone(s) (zone1, zone2), and a rolling upgrade needs at least 3; ${DRIFT}2 difference(s): ` +
        '(1) zone zone3 is in the site file but not in the cluster (DBA_OB_ZONES); ' +
        '(2) host ob-3 (10.77.0.63) of zone zone3 in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is 10.77.0.63' +
        TAIL,
    );
    // Nothing else was asked: no route read, no statement that changes anything, no run to open a gate in.
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('a zone and a server the site file does not know', async () => {
    const r = await refusal({
      ...LAB_TOPOLOGY,
      zones: [...LAB_TOPOLOGY.zones, 'zone4'],
      servers: [...LAB_TOPOLOGY.servers, ['10.77.0.64:2882', 'zone4']],
    });
    expect(r.message).toBe(
      `${HEAD}${DRIFT}2 difference(s): (1) zone zone4 is in the cluster (DBA_OB_ZONES) but not in the site file; ` +
        '(2) server 10.77.0.64:2882 of zone zone4 is in the cluster (DBA_OB_SERVERS) but no observer host of the site file has the address 10.77.0.64' +
        TAIL,
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('a server in another zone than the site file says, and a host whose address is no svr_ip', async () => {
    const r = await refusal({
      ...LAB_TOPOLOGY,
      servers: [
        ['10.77.0.61:2882', 'zone1'],
        ['10.77.0.62:2882', 'zone3'],
        ['192.168.5.63:2882', 'zone3'],
      ],
    });
    expect(r.message).toBe(
      `${HEAD}${DRIFT}3 difference(s): ` +
        '(1) server 10.77.0.62:2882 is in zone zone3 in the cluster, but the site file puts its host ob-2 (10.77.0.62) in zone zone2; ' +
        '(2) server 192.168.5.63:2882 of zone zone3 is in the cluster (DBA_OB_SERVERS) but no observer host of the site file has the address 192.168.5.63; ' +
        '(3) host ob-3 (10.77.0.63) of zone zone3 in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is 10.77.0.63' +
        TAIL,
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('tenants whose resource pools span fewer than 3 zones are named, with their zones', async () => {
    const r = await refusal({
      ...LAB_TOPOLOGY,
      tenants: [
        ['sys', 'zone1;zone2;zone3'],
        ['biz', 'zone1;zone2'],
        ['ora', 'zone1;zone1'],
        ['empty', null],
      ],
    });
    expect(r.message).toBe(
      `${HEAD}tenant(s) biz (zones zone1, zone2), ora (zones zone1), empty (no resource pool) have units in fewer than 3 zones ` +
        '(DBA_OB_RESOURCE_POOLS.ZONE_LIST): while one of their zones is stopped such a tenant keeps no majority of its replicas and stops serving. ' +
        "Nothing was changed: spread the tenant's resource pools over at least 3 zones first, or upgrade by hand with the DBA",
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('a tenant with several pools counts the zones of all of them', async () => {
    const r = await refusal({ ...LAB_TOPOLOGY, tenants: [['biz', 'zone1;zone2;zone3;zone2']] });
    // Past the topology: the route is read next (this fake has no cluster version to give).
    expect(r.message).not.toMatch(/OB_UPGRADE_REFUSED/);
    expect(r.statements.slice(0, 3)).toEqual([...TOPOLOGY_SQL]);
  });
});

describe('the cluster-topology step', () => {
  it('comes before anything that changes the cluster, and reads the cluster again at run time', async () => {
    const site = await labXizang();
    const plan = await registry.preparePlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' }, {});
    const ids = plan.steps.map((s) => s.id);
    const at = ids.indexOf('cluster-topology');
    expect(at).toBeGreaterThanOrEqual(0);
    const firstChange = plan.steps.findIndex((s) => s.kind !== 'check');
    expect(at).toBeLessThan(firstChange);
    expect(at).toBeLessThan(ids.indexOf('zone1-stop-zone'));

    const planned = stepOf(plan, 'cluster-topology');
    const args = planned.kind === 'check' ? (planned.program?.args ?? {}) : {};
    const step = { ...planned, hash: 'h' } as never;
    const ok = await topologyProgram(programContext(site, step, withTopology(new FakeSqlSession())), args);
    expect(ok.map((f) => f.status)).toEqual(['pass']);

    const drifted = withTopology(new FakeSqlSession(), { ...LAB_TOPOLOGY, zones: ['zone1', 'zone2'] });
    const [f] = await topologyProgram(programContext(site, step, drifted), args);
    expect(f?.status).toBe('fail');
    expect(f?.evidence).toMatch(
      /^the cluster has 2 zone\(s\) \(zone1, zone2\), .* 1 difference\(s\): \(1\) zone zone3 is in the site file but not in the cluster \(DBA_OB_ZONES\)\. Nothing was changed/,
    );
    expect(drifted.calls.map((c) => c.statement)).toEqual([...TOPOLOGY_SQL]);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localPackageFiles } from '../../../src/adapters/files/local-package-files.ts';
import type { Site } from '../../../src/core/sites/site.ts';
import type { SqlSession } from '../../../src/core/ports/sql.ts';
import { TOPOLOGY_SQL } from '../../../src/runbooks/oceanbase/route/cluster-topology.ts';
import { topologyProgram } from '../../../src/runbooks/oceanbase/route/topology-check.ts';
import { SERVERS } from '../../support/oceanbase/fixture-cluster.ts';
import { startLocalSim, type LocalSim } from '../../support/oceanbase/local-sim.ts';
import { labXizang, programContext, registry, stepOf } from '../../unit/runbooks/oceanbase/ob-fixture-site.ts';

/**
 * Planning `/upgrade xizang ob obcluster` against the control-plane simulator (its SQL face over a MariaDB fixture,
 * through the real SQL session), each cluster shaped per test with SQL on the fixture: the cluster's zones,
 * servers and tenants' pools are read over the sys tenant, and any difference with the site file refuses the
 * upgrade, naming each difference, having sent nothing but those reads.
 */
const MAKE = fileURLToPath(new URL('../../../lab/obsim/make-ob-packages.sh', import.meta.url));
const FROM = '4.3.5.4';
let sim: LocalSim;
let site: Site;
let packages: string;

beforeAll(async () => {
  sim = await startLocalSim(FROM);
  packages = mkdtempSync(join(tmpdir(), 'ob-topology-'));
  execFileSync('bash', [MAKE, packages, '4.3.5.5']);
  // The lab site file with its observer hosts at the simulator's server addresses and the packages made here.
  const lab = await labXizang();
  const spec = lab.spec;
  if (spec === undefined) throw new Error('no spec');
  const address = new Map(SERVERS.map((s, i) => [`ob-${i + 1}`, s.ip]));
  site = {
    ...lab,
    spec: {
      ...spec,
      hosts: spec.hosts.map((h) => ({ ...h, address: address.get(h.name) ?? h.address })),
      oceanbase: spec.oceanbase.map((ob) => ({ ...ob, upgrade: { ...ob.upgrade, packages } })),
    },
  };
}, 120_000);

afterAll(async () => {
  await sim?.close();
  if (packages !== undefined) rmSync(packages, { recursive: true, force: true });
});

/** The simulator's session, recording every statement; closing it leaves the shared session open. */
function recorded(): { session: SqlSession; statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    session: {
      query: (statement, opts) => {
        statements.push(statement);
        return sim.sql.query(statement, opts);
      },
      close: async () => undefined,
    },
  };
}

async function plan(faults: readonly string[]): Promise<{ outcome: string; statements: string[] }> {
  await sim.fixture.load({ name: 'topology', shape: { clusterVersion: FROM, dataVersion: FROM }, faults });
  const r = recorded();
  const outcome = await registry
    .preparePlan(
      'ob-upgrade',
      site,
      { cluster: 'obcluster', toVersion: '4.3.5.5' },
      { openSql: async () => r.session, files: localPackageFiles },
    )
    .then(
      (p) => `planned ${p.steps.filter((s) => /-stop-zone$/.test(s.id)).length} zone stops`,
      (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
    );
  return { outcome, statements: r.statements };
}

const HEAD =
  'OB_UPGRADE_REFUSED: upgrade of OceanBase cluster obcluster refused: the site file does not describe the cluster, and opsgate stops only zones and observers the cluster itself names. ';
const TAIL = '. Nothing was changed: correct the site file (or the cluster) and plan the upgrade again';

describe('the cluster, not the site file, says what exists (simulator)', () => {
  it('plans the healthy cluster: three zones, three stops', async () => {
    const r = await plan([]);
    expect(r.outcome).toBe('planned 3 zone stops');
    expect(r.statements.slice(0, 3)).toEqual([...TOPOLOGY_SQL]);
  });

  it('refuses a 2-zone cluster whose site file lists 3 zones, before anything else is asked', async () => {
    const r = await plan([
      "DELETE FROM __all_zone WHERE zone = 'zone3'",
      "DELETE FROM __all_server WHERE zone = 'zone3'",
    ]);
    expect(r.outcome).toBe(
      'OB_UPGRADE_REFUSED: upgrade of OceanBase cluster obcluster refused: the cluster has 2 zone(s) (zone1, zone2), and a rolling upgrade needs at least 3; ' +
        'the site file does not describe the cluster, and opsgate stops only zones and observers the cluster itself names. 2 difference(s): ' +
        '(1) zone zone3 is in the site file but not in the cluster (DBA_OB_ZONES); ' +
        '(2) host ob-3 (10.10.0.13) of zone zone3 in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is 10.10.0.13' +
        TAIL,
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('refuses a server the file does not know, in a zone the file does not know', async () => {
    const r = await plan([
      "INSERT INTO __all_zone (zone, name, info) VALUES ('zone4', 'status', 'ACTIVE')",
      "INSERT INTO __all_server (svr_ip, svr_port, id, zone, inner_port, status, build_version) VALUES ('10.10.0.14', 2882, 4, 'zone4', 2881, 'ACTIVE', '4.3.5.4_1')",
    ]);
    expect(r.outcome).toBe(
      `${HEAD}2 difference(s): (1) zone zone4 is in the cluster (DBA_OB_ZONES) but not in the site file; ` +
        '(2) server 10.10.0.14:2882 of zone zone4 is in the cluster (DBA_OB_SERVERS) but no observer host of the site file has the address 10.10.0.14' +
        TAIL,
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('refuses a server whose zone is not the one the file gives its host', async () => {
    const r = await plan(["UPDATE __all_server SET zone = 'zone3' WHERE svr_ip = '10.10.0.12'"]);
    expect(r.outcome).toBe(
      `${HEAD}1 difference(s): (1) server 10.10.0.12:2882 is in zone zone3 in the cluster, but the site file puts its host ob-2 (10.10.0.12) in zone zone2` +
        TAIL,
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('refuses a tenant whose resource pool spans two zones, naming it', async () => {
    const r = await plan(["UPDATE DBA_OB_RESOURCE_POOLS SET ZONE_LIST = 'zone1;zone2' WHERE TENANT_ID = 1002"]);
    expect(r.outcome).toBe(
      'OB_UPGRADE_REFUSED: upgrade of OceanBase cluster obcluster refused: tenant(s) biz (zones zone1, zone2) have units in fewer than 3 zones ' +
        '(DBA_OB_RESOURCE_POOLS.ZONE_LIST): while one of their zones is stopped such a tenant keeps no majority of its replicas and stops serving. ' +
        "Nothing was changed: spread the tenant's resource pools over at least 3 zones first, or upgrade by hand with the DBA",
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });

  it('the run reads the cluster again: a zone gone since planning fails cluster-topology with nothing else sent', async () => {
    await sim.fixture.load({ name: 'topology', shape: { clusterVersion: FROM, dataVersion: FROM } });
    const planned = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const step = stepOf(planned, 'cluster-topology');
    await sim.fixture.exec("DELETE FROM __all_server WHERE zone = 'zone2'");
    const r = recorded();
    const ctx = programContext(site, { ...step, hash: 'h' } as never, r.session);
    const [finding] = await topologyProgram(ctx, step.program?.args ?? {});
    expect(finding?.status).toBe('fail');
    expect(finding?.evidence).toContain(
      '1 difference(s): (1) host ob-2 (10.10.0.12) of zone zone2 in the site file is no server of the cluster: no SVR_IP in DBA_OB_SERVERS is 10.10.0.12',
    );
    expect(r.statements).toEqual([...TOPOLOGY_SQL]);
  });
});

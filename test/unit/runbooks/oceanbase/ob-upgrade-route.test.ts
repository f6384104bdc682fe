import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../src/core/engine/render-plan.ts';
import type { Site } from '../../../../src/core/sites/site.ts';
import { FakeSqlSession } from '../../../support/oceanbase/fake-sql-session.ts';
import { withTopology } from '../../../support/oceanbase/fake-topology.ts';
import { labWith, labXizang, registry } from './ob-fixture-site.ts';
import { localPackageFiles } from '../../../../src/adapters/files/local-package-files.ts';

/**
 * Planning `/upgrade … ob … --to V` reads the route from the dep file inside V's package (the lab's packages,
 * made by lab/obsim/make-ob-packages.sh) and the cluster's version over SQL (a fake session here).
 */
const MAKE = fileURLToPath(new URL('../../../../lab/obsim/make-ob-packages.sh', import.meta.url));
let dir: string;
let site: Site;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ob-route-'));
  execFileSync('bash', [MAKE, dir, '4.3.5.3', '4.3.5.5', '4.3.6.0', '4.4.0.0', '4.4.1.0']);
  rmSync(join(dir, 'oceanbase-ce-libs-4.4.1.0.rpm'));
  site = await labWith('obcluster', (ob) => ({ upgrade: { ...ob.upgrade, packages: dir } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cluster(
  version: string,
  builds: readonly string[] = [`${version}_100000012025052614-1c8e3f`],
): FakeSqlSession {
  return withTopology(new FakeSqlSession())
    .on(/name = 'min_observer_version'/, [{ value: version }])
    .on(
      /from oceanbase\.__all_server/,
      builds.map((b) => ({ build: b })),
    );
}

async function plan(to: string, sql = cluster('4.3.5.4'), on = site) {
  return registry.preparePlan(
    'ob-upgrade',
    on,
    { cluster: 'obcluster', toVersion: to },
    { openSql: async () => sql, files: localPackageFiles },
  );
}

async function refusal(to: string, sql = cluster('4.3.5.4')): Promise<string> {
  return plan(to, sql).then(
    () => 'planned',
    (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
  );
}

describe('ob-upgrade route at plan time', () => {
  it('a direct route: the plan starts with the route, where it was read, and a check that the cluster is still at its start', async () => {
    const p = await plan('4.3.5.5');
    expect(p.title).toBe('Rolling upgrade of OceanBase cluster obcluster from 4.3.5.4 to 4.3.5.5');
    expect(p.steps[0]?.id).toBe('route');
    expect(p.steps[0]?.title).toBe(
      'Route 4.3.5.4 → 4.3.5.5 (one binary hop), from etc/oceanbase_upgrade_dep.yml of oceanbase-ce-4.3.5.5.rpm: the cluster still runs 4.3.5.4',
    );
    expect(renderPlan(p)).toMatch(/Route 4\.3\.5\.4 → 4\.3\.5\.5 \(one binary hop\)/);
    expect(p.steps.at(-1)?.id).toBe('final-upgrade-events');
  });

  it('a route of several binary hops is refused with the route, the packages still missing, and the commands hop by hop', async () => {
    const m = await refusal('4.4.0.0');
    expect(m).toBe(
      'OB_UPGRADE_MULTI_HOP: upgrade of OceanBase cluster obcluster refused: the route is 4.3.5.4 → 4.3.5.5 → 4.4.0.0 (2 binary hops: 4.3.5.5, 4.4.0.0), ' +
        'and opsgate upgrades one binary hop per run. Run, in order, each once the previous run completed: (1) /precheck xizang ob obcluster ' +
        '(2) /upgrade xizang ob obcluster --to 4.3.5.5 (3) /precheck xizang ob obcluster (4) /upgrade xizang ob obcluster --to 4.4.0.0.',
    );
    rmSync(join(dir, 'oceanbase-ce-4.3.5.5.rpm'));
    try {
      expect(await refusal('4.4.0.0')).toMatch(
        /\(4\) \/upgrade xizang ob obcluster --to 4\.4\.0\.0\. The packages of 4\.3\.5\.5 are not in .* yet: put them there first\.$/,
      );
    } finally {
      execFileSync('bash', [MAKE, dir, '4.3.5.5']);
    }
  });

  it('refuses up front, naming the versions: downgrade, a target its own dep file does not list, no package, a hop without its libs', async () => {
    expect(await refusal('4.3.5.3')).toBe(
      "OB_UPGRADE_NO_ROUTE: no upgrade route for OceanBase cluster obcluster from 4.3.5.4 to 4.3.5.3: 4.3.5.3 is older than the cluster's 4.3.5.4; OceanBase cannot be downgraded (etc/oceanbase_upgrade_dep.yml of oceanbase-ce-4.3.5.3.rpm)",
    );
    expect(await refusal('4.3.6.0')).toMatch(
      /^OB_UPGRADE_NO_ROUTE: .* from 4\.3\.5\.4 to 4\.3\.6\.0: 4\.3\.6\.0 is not in its own dep file/,
    );
    expect(await refusal('4.3.5.9')).toMatch(
      /^OB_PACKAGE_MISSING: upgrade of OceanBase cluster obcluster refused: no oceanbase-ce package for 4\.3\.5\.9 in /,
    );
    expect(await refusal('4.4.1.0', cluster('4.3.5.5'))).toMatch(
      /^OB_PACKAGE_MISSING: .*no oceanbase-ce package for 4\.4\.1\.0 .*the route is 4\.3\.5\.5 → 4\.4\.0\.0 → 4\.4\.1\.0 \(one binary hop\)/,
    );
  });

  it('versions between barriers are passed by the target scripts: one hop, planned', async () => {
    const p = await plan('4.3.5.5', cluster('4.3.5.2'));
    expect(p.steps[0]?.title).toMatch(/^Route 4\.3\.5\.2 → 4\.3\.5\.3 → 4\.3\.5\.4 → 4\.3\.5\.5 \(one binary hop\)/);
  });

  it('refuses a cluster whose observers and cluster version disagree (an upgrade left half done)', async () => {
    expect(await refusal('4.3.5.5', cluster('4.3.5.4', ['4.3.5.4_1', '4.3.5.5_2']))).toBe(
      'OB_CLUSTER_VERSION_UNCLEAR: cannot tell which version OceanBase cluster obcluster runs (cluster version 4.3.5.4, observers on 4.3.5.4, 4.3.5.5); finish or roll back the earlier upgrade first',
    );
  });

  it('refuses a two-zone cluster before asking it anything', async () => {
    const sql = cluster('4.3.5.4');
    const e = await registry
      .preparePlan(
        'ob-upgrade',
        await labXizang(),
        { cluster: 'obsmall', toVersion: '4.3.5.5' },
        { openSql: async () => sql, files: localPackageFiles },
      )
      .catch((x: unknown) => x);
    expect(String(e)).toMatch(/obsmall refused: it has 2 zone\(s\)/);
    expect(sql.calls).toEqual([]);
  });
});

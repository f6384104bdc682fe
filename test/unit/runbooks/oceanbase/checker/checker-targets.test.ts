import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Site } from '../../../../../src/core/sites/site.ts';
import { localPackageFiles } from '../../../../../src/adapters/files/local-package-files.ts';
import { FakeSqlSession } from '../../../../support/oceanbase/fake-sql-session.ts';
import { withTopology } from '../../../../support/oceanbase/fake-topology.ts';
import { labWith, labXizang, registry } from '../ob-fixture-site.ts';

/**
 * The checks opsgate carries are upgrade_checker.py 4.3.5.5's: an upgrade to another release is refused at plan
 * time, naming the versions opsgate supports, even where the route itself is fine (4.3.5.5 → 4.4.0.0 is one hop).
 */
const MAKE = fileURLToPath(new URL('../../../../../lab/obsim/make-ob-packages.sh', import.meta.url));
let dir: string;
let site: Site;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ob-targets-'));
  execFileSync('bash', [MAKE, dir, '4.3.5.5', '4.4.0.0']);
  site = await labWith('obcluster', (ob) => ({ upgrade: { ...ob.upgrade, packages: dir } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clusterAt(version: string): FakeSqlSession {
  return withTopology(new FakeSqlSession())
    .on(/name = 'min_observer_version'/, [{ value: version }])
    .on(/from oceanbase\.__all_server/, [{ build: `${version}_100000012025052614-1c8e3f` }]);
}

async function outcome(to: string, from: string): Promise<{ said: string; sql: FakeSqlSession }> {
  const sql = clusterAt(from);
  const said = await registry
    .preparePlan(
      'ob-upgrade',
      site,
      { cluster: 'obcluster', toVersion: to },
      { openSql: async () => sql, files: localPackageFiles },
    )
    .then(
      (p) => `planned: ${p.title}`,
      (e: unknown) => `${(e as { code?: string }).code}: ${(e as Error).message}`,
    );
  return { said, sql };
}

describe('upgrade targets whose checks opsgate does not carry', () => {
  it('refuses a one-hop upgrade to 4.4.0.0 before any step, naming the supported target, and only read the cluster', async () => {
    const { said, sql } = await outcome('4.4.0.0', '4.3.5.5');
    expect(said).toMatch(
      /^OB_UPGRADE_REFUSED: upgrade of OceanBase cluster obcluster refused: opsgate carries the upgrade checks of OceanBase 4\.3\.5\.5 only, not those of 4\.4\.0\.0: /,
    );
    expect(said).toMatch(/Upgrade to 4\.3\.5\.5, or upgrade by hand with the DBA$/);
    expect(sql.calls.every((c) => /^\s*select\b/i.test(c.statement))).toBe(true);
  });

  it('plans the upgrade to 4.3.5.5, the release whose checker it carries', async () => {
    expect((await outcome('4.3.5.5', '4.3.5.4')).said).toBe(
      'planned: Rolling upgrade of OceanBase cluster obcluster from 4.3.5.4 to 4.3.5.5',
    );
  });

  it('refuses another target in an engine without SQL too (the plan is built without facts)', async () => {
    expect(() => registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.6.0' })).toThrowError(
      /opsgate carries the upgrade checks of OceanBase 4\.3\.5\.5 only, not those of 4\.3\.6\.0/,
    );
    expect(
      registry.buildPlan('ob-upgrade', await labXizang(), { cluster: 'obcluster', toVersion: '4.3.5.5' }).steps.length,
    ).toBeGreaterThan(0);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { execOn, getLab } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { labSysPassword, resetObLab, startLabSim } from './ob-lab.ts';

/**
 * Planning `/upgrade <site> ob <cluster> --to V` through `opsgate run` against the lab: the route read from the
 * dep file inside V's package (the lab's packages) and the cluster's version from the simulator, which checks
 * the password the site file references.
 */
const MAKE = fileURLToPath(new URL('../../../lab/obsim/make-ob-packages.sh', import.meta.url));
let sim: ObSim;
const keys: RedisTestKeys[] = [];
let wrongSites: string;

function run(line: string, sites = labSitesDir()) {
  const k = new RedisTestKeys();
  keys.push(k);
  return opsgate(['run', line, '--sites', sites, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--verbose'], {
    REDIS_URL: TEST_REDIS_URL,
    OPSGATE_REDIS_PREFIX: k.prefix,
  });
}

beforeAll(async () => {
  await resetObLab();
  // The target of resetObLab (4.3.5.5) is there; add an older one and one beyond the lab's barrier.
  await promisify(execFile)('bash', [MAKE, `${getLab().stateDir}/ob-packages`, '4.3.5.3', '4.4.0.0']);
  sim = await startLabSim();
  // The same site file, next to the lab's, with obcluster's sys password pointing at a wrong one.
  wrongSites = join(getLab().stateDir, 'sites-wrong-password');
  mkdirSync(wrongSites, { recursive: true });
  writeFileSync(join(wrongSites, 'wrong-password'), 'not-the-password\n');
  const site = readFileSync(join(labSitesDir(), 'xizang.yml'), 'utf8');
  const changed = site.replace(
    /(port: 2881, user: root@sys, password: )\{ file: [^}]+\}/,
    '$1{ file: wrong-password }',
  );
  expect(changed).not.toBe(site);
  writeFileSync(join(wrongSites, 'xizang.yml'), changed);
}, 180_000);

afterAll(async () => {
  await sim?.close();
  for (const k of keys) await k.close();
  if (wrongSites !== undefined) rmSync(wrongSites, { recursive: true, force: true });
  await promisify(execFile)('bash', [
    '-c',
    `rm -f ${getLab().stateDir}/ob-packages/oceanbase-ce-*4.3.5.3.rpm ${getLab().stateDir}/ob-packages/oceanbase-ce-*4.4.0.0.rpm`,
  ]);
});

describe('the upgrade route in the plan', () => {
  it('the dry run of a direct upgrade shows the route and where it was read, and checks the cluster is still at its start', async () => {
    const r = await run('/upgrade xizang ob obcluster --to 4.3.5.5 --dry-run');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /Route 4\.3\.5\.4 → 4\.3\.5\.5 \(one binary hop\), from etc\/oceanbase_upgrade_dep\.yml of oceanbase-ce-4\.3\.5\.5\.rpm: the cluster still runs 4\.3\.5\.4/,
    );
    expect(r.stdout).toMatch(
      /select distinct value from oceanbase\.GV\$OB_PARAMETERS where name = 'min_observer_version'/,
    );
    expect(r.stdout).toMatch(/DBA_OB_CLUSTER_EVENT_HISTORY/);
  });

  it('a route through the lab barrier is refused with the route and the commands to run hop by hop; nothing is staged', async () => {
    const r = await run('/upgrade xizang ob obcluster --to 4.4.0.0 --dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /OB_UPGRADE_MULTI_HOP: upgrade of OceanBase cluster obcluster refused: the route is 4\.3\.5\.4 → 4\.3\.5\.5 → 4\.4\.0\.0 \(2 binary hops: 4\.3\.5\.5, 4\.4\.0\.0\)/,
    );
    expect(r.stdout + r.stderr).toMatch(
      /\(2\) \/upgrade xizang ob obcluster --to 4\.3\.5\.5 \(3\) \/precheck xizang ob obcluster \(4\) \/upgrade xizang ob obcluster --to 4\.4\.0\.0/,
    );
    expect((await execOn('ob-1', ['test', '-e', '/tmp/opsgate-ob'])).exitCode).not.toBe(0);
  });

  it('a downgrade, and a version the lab has no package for, are refused up front naming the versions', async () => {
    const down = await run('/upgrade xizang ob obcluster --to 4.3.5.3 --dry-run');
    expect(down.code).toBe(1);
    expect(down.stdout + down.stderr).toMatch(
      /OB_UPGRADE_NO_ROUTE: no upgrade route for OceanBase cluster obcluster from 4\.3\.5\.4 to 4\.3\.5\.3: 4\.3\.5\.3 is older than the cluster's 4\.3\.5\.4; OceanBase cannot be downgraded/,
    );
    const none = await run('/upgrade xizang ob obcluster --to 4.3.5.9 --dry-run');
    expect(none.stdout + none.stderr).toMatch(
      /OB_PACKAGE_MISSING: upgrade of OceanBase cluster obcluster refused: no oceanbase-ce package for 4\.3\.5\.9 in /,
    );
  });
});

describe('the simulator checks passwords', () => {
  it('refuses a wrong password with MySQL 1045 and accepts the right one', async () => {
    const host = `${getLab().net}.1`;
    const e = await mysql
      .createConnection({ host, port: 2881, user: 'root@sys', password: 'not-the-password' })
      .catch((x: unknown) => x as { errno?: number; message?: string });
    expect(e).toMatchObject({ errno: 1045, message: `Access denied for user 'root'@'${host}' (using password: YES)` });
    const c = await mysql.createConnection({ host, port: 2881, user: 'root@sys', password: labSysPassword() });
    await c.end();
  });

  it('a wrong password in the site file gets the clear error naming the cluster, and never the password', async () => {
    const r = await run('/upgrade xizang ob obcluster --to 4.3.5.5 --dry-run', wrongSites);
    const out = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(out).toMatch(
      /SQL_AUTH_FAILED: the SQL endpoint obcluster refused the login of user root@sys: check the user and the password reference in the site file/,
    );
    expect(out).not.toContain('not-the-password');
    expect(out).not.toContain(labSysPassword());
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  formatCheckerFailure,
  runUpgradeChecker,
  type UpgradeCheckerReport,
} from '../../../src/runbooks/oceanbase/checker/run-upgrade-checker.ts';
import { UPGRADE_CHECKS } from '../../../src/runbooks/oceanbase/checker/upgrade-checker-checks.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { GATE_SCENARIOS } from '../../support/oceanbase/gate-scenarios.ts';
import { createObFixture, uniqueFixtureName, type ObFixture } from '../../support/oceanbase/ob-fixture.ts';
import {
  HEALTHY,
  SEVERAL,
  SINGLE_FAILURES,
  VERSION_NOT_SYNC,
  type ObScenario,
} from '../../support/oceanbase/scenarios.ts';

let fixture: ObFixture;
let session: ObSqlSession;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  session = await createSqlSession(fixture.endpoint);
});

afterAll(async () => {
  await session?.close();
  await fixture?.drop();
});

async function run(scenario: ObScenario): Promise<UpgradeCheckerReport> {
  await fixture.load(scenario);
  return runUpgradeChecker(session, { cpuArch: 'avx2', ...scenario.options });
}

function expectScenario(report: UpgradeCheckerReport, scenario: ObScenario): void {
  expect(report.failures.map((f) => [f.checkId, f.message])).toEqual(scenario.failures.map(([id, m]) => [id, m]));
  expect(report.passed).toBe(scenario.failures.length === 0);
  const status = new Map(report.findings.map((f) => [f.checkId, f.status]));
  for (const id of scenario.skipped ?? []) expect(status.get(id), id).toBe('skipped');
  for (const id of scenario.warned ?? []) expect(status.get(id), id).toBe('warn');
}

describe('upgrade_checker against the MariaDB fixture', () => {
  test('passes a healthy cluster on every check and lists each one, in do_check order', async () => {
    const report = await run(HEALTHY);
    expectScenario(report, HEALTHY);
    expect(report.findings.map((f) => f.fn)).toEqual(UPGRADE_CHECKS.map((c) => c.fn));
    expect(report.findings).toHaveLength(27);
    expect(report.findings.filter((f) => f.status === 'pass')).toHaveLength(20);
    expect(report.summary).toBe(
      'upgrade checker passed: 20 passed, 0 warnings, 7 skipped (version gate does not hold)',
    );
    const skipped = report.findings.find((f) => f.checkId === 'archive-job');
    expect(skipped).toMatchObject({ status: 'skipped', gate: 'cluster version < 4.1.0.0', clusterVersion: '4.3.5.5' });
    const paxos = report.findings.find((f) => f.checkId === 'paxos-replica');
    expect(paxos?.evidence[0]).toMatchObject({
      sql: "select count(1) as unsync_cnt from GV$OB_LOG_STAT where in_sync = 'NO'",
      rowCount: 1,
    });
  });

  test.each(SINGLE_FAILURES.map((s) => [s.name, s] as const))(
    '%s: fails exactly its check with the script message',
    async (_name, scenario) => {
      const report = await run(scenario);
      expectScenario(report, scenario);
      expect(report.summary).toBe(formatCheckerFailure(scenario.failures.map(([, m]) => m)));
    },
  );

  test('reports several failures together in the script format', async () => {
    const report = await run(SEVERAL);
    expectScenario(report, SEVERAL);
    expect(report.summary).toBe(
      'upgrade checker failed with 5 reasons: [2 replicas unsync, please check] , [There are DDL task in progress] , ' +
        '[1 observer not available , please check] , [a tenant named all/all_user/all_meta (case insensitive) cannot exist in the cluster, please rename the tenant] , ' +
        '[Table api connection is not allowed to use zlib as compression algorithm during the upgrade, please use other compression algorithms by setting table_api_transport_compress_func] ',
    );
  });

  test('reports min_observer_version not in sync from every check that reads it', async () => {
    expectScenario(await run(VERSION_NOT_SYNC), VERSION_NOT_SYNC);
  });

  test.each(GATE_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    expectScenario(await run(scenario), scenario);
  });
});

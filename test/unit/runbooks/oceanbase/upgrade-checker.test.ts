import { describe, expect, test } from 'vitest';
import { COMPATIBLE_SQL, MIN_OBSERVER_VERSION_SQL } from '../../../../src/runbooks/oceanbase/checker/check-helpers.ts';
import { isPrimaryZoneDistributed } from '../../../../src/runbooks/oceanbase/checker/tenant-checks.ts';
import type { ObFinding } from '../../../../src/runbooks/oceanbase/checker/ob-check.ts';
import {
  formatCheckerFailure,
  runUpgradeChecker,
} from '../../../../src/runbooks/oceanbase/checker/run-upgrade-checker.ts';
import {
  UPGRADE_CHECKS,
  upgradeCheckSpecs,
} from '../../../../src/runbooks/oceanbase/checker/upgrade-checker-checks.ts';
import { renderCheckerReport } from '../../../../src/runbooks/oceanbase/checker/render-checker-report.ts';
import { FakeSqlSession, one } from '../../../support/oceanbase/fake-sql-session.ts';

/** Answers of a healthy 4.3.5.5 cluster with five tenants; tests override single statements. */
function healthy(version = '4.3.5.5'): FakeSqlSession {
  return new FakeSqlSession()
    .on(/^select /i, one(0))
    .on(/min_observer_version/, [{ value: version }])
    .on(COMPATIBLE_SQL, [{ value: version }])
    .on(
      'select tenant_id from oceanbase.__all_tenant',
      [1, 1001, 1002, 1003, 1004].map((tenant_id) => ({ tenant_id })),
    )
    .on(/'target_data_version', 'current_data_version'/, one(10))
    .on(/'upgrade_begin_data_version'/, one(5))
    .on(/as passed/, one(1, 'passed'))
    .on(/substring_index\(build_version/, one(version))
    .on(
      'select tenant_name from oceanbase.DBA_OB_TENANTS',
      ['sys', 'biz', 'ora'].map((tenant_name) => ({ tenant_name })),
    )
    .on(/compatibility_mode = 1/, [{ tenant_id: 1004 }])
    .on('select svr_ip, svr_port from __all_server', [{ svr_ip: '10.0.0.1', svr_port: 2882 }])
    .on(/__all_virtual_tablet_pointer_status/, one(10))
    .on(/free_size from __all_virtual_disk_stat/, [{ free_size: 10 ** 9 }]);
}

const find = (findings: readonly ObFinding[], id: string) => findings.find((f) => f.checkId === id);

describe('runUpgradeChecker', () => {
  test('runs the 27 checks in do_check order, labelling every statement with its check', async () => {
    const sql = healthy();
    const report = await runUpgradeChecker(sql, { cpuArch: 'avx2' });
    expect(report.passed).toBe(true);
    expect(report.findings.map((f) => f.fn)).toEqual(UPGRADE_CHECKS.map((c) => c.fn));
    expect(UPGRADE_CHECKS).toHaveLength(27);
    const paxos = sql.calls.find((c) => c.statement.includes('GV$OB_LOG_STAT'));
    expect(paxos?.opts?.label).toBe('paxos-replica');
  });

  test('passes -t on as the statement timeout and the tablet compaction hint; the zlib scan keeps its own 1000 s', async () => {
    const sql = healthy();
    await runUpgradeChecker(sql, { cpuArch: 'avx2', timeoutSeconds: 10 });
    const zlib = (c: { statement: string }) => c.statement.includes("compress_func_name like '%zlib%'");
    expect(sql.calls.filter((c) => !zlib(c)).every((c) => c.opts?.timeoutMs === 10_000)).toBe(true);
    expect(sql.calls.find(zlib)?.opts?.timeoutMs).toBe(1_000_000);
    expect(
      sql.calls.some((c) =>
        c.statement.startsWith(
          'select /*+ query_timeout(10000000) */ count(1) from __all_virtual_tablet_compaction_info',
        ),
      ),
    ).toBe(true);
  });

  test('skips a gated check with its gate and runs it on the other side of the gate', async () => {
    const at4355 = await runUpgradeChecker(healthy().on(/CDB_OB_ARCHIVELOG/, one(1)), { cpuArch: 'avx2' });
    expect(find(at4355.findings, 'archive-job')).toMatchObject({
      status: 'skipped',
      gate: 'cluster version < 4.1.0.0',
    });
    const at4000 = await runUpgradeChecker(healthy('4.0.0.0').on(/CDB_OB_ARCHIVELOG/, one(1)), { cpuArch: 'avx2' });
    expect(find(at4000.findings, 'archive-job')).toMatchObject({
      status: 'fail',
      messages: ['still has archive job, upgrade is not allowed temporarily'],
    });
  });

  test('collects every failure and renders them as the script does', async () => {
    const sql = healthy()
      .on(/GV\$OB_LOG_STAT/, one(3))
      .on(/__all_virtual_load_data_stat/, one(1));
    const report = await runUpgradeChecker(sql, { cpuArch: 'avx2' });
    expect(report.summary).toBe(
      'upgrade checker failed with 2 reasons: [3 replicas unsync, please check] , [There are direct load task in progress] ',
    );
    expect(formatCheckerFailure(['a', 'b'])).toBe('upgrade checker failed with 2 reasons: [a] , [b] ');
  });

  test('throws a SQL error instead of collecting it, as the script aborts', async () => {
    const sql = healthy().on(/GV\$OB_LOG_STAT/, () => {
      throw new Error('boom');
    });
    await expect(runUpgradeChecker(sql, { cpuArch: 'avx2' })).rejects.toThrow('boom');
  });

  test('exposes the checks as JSON data without their functions', () => {
    const specs = upgradeCheckSpecs();
    expect(JSON.parse(JSON.stringify(specs))).toEqual(specs);
    expect(specs.find((s) => s.id === 'tenant-clone-job')).toMatchObject({
      gate: { on: 'cluster', atLeast: '4.3.0.0' },
    });
  });
});

describe('evaluation of single checks', () => {
  const run = async (sql: FakeSqlSession, id: string, cpuArch: 'avx2' | 'avx2_not_support' | 'unknown' = 'avx2') =>
    find(
      (
        await runUpgradeChecker(
          sql,
          { cpuArch },
          UPGRADE_CHECKS.filter((c) => c.id === id),
        )
      ).findings,
      id,
    );

  test('observer version: fails below old_version, warns where the string compare would differ', async () => {
    expect(await run(healthy('4.2.5.0'), 'observer-version')).toMatchObject({
      status: 'fail',
      messages: ['old observer version is expected equal or higher than: 4.2.5.1, actual version:4.2.5.0'],
    });
    const f = await run(healthy('4.10.0.0'), 'observer-version');
    expect(f?.status).toBe('warn');
    expect(f && 'messages' in f ? f.messages[0] : '').toContain('would fail 4.10.0.0 against 4.2.5.1');
  });

  test('observer version: two values, or one the script cannot read, fail with its messages', async () => {
    expect(
      await run(
        healthy().on(MIN_OBSERVER_VERSION_SQL, [{ value: '4.3.5.5' }, { value: '4.3.5.4' }]),
        'observer-version',
      ),
    ).toMatchObject({
      messages: ['min_observer_version is not sync'],
    });
    expect(await run(healthy('4.3.5'), 'observer-version')).toMatchObject({ messages: ['version:4.3.5 is invalid'] });
  });

  test('data version: counts core-table rows against the tenants and reads upgrade_begin only from 4.3.5.1', async () => {
    expect(
      await run(healthy().on(/'target_data_version', 'current_data_version'/, one(9)), 'data-version'),
    ).toMatchObject({
      messages: ['target_data_version/current_data_version not match with 4.3.5.5, tenant_cnt:5, result_cnt:9'],
    });
    const sql = healthy('4.3.5.0');
    await run(sql, 'data-version');
    expect(
      sql.calls.some((c) =>
        c.statement.includes('column_value = 17180067072 and tenant_id in (1,1001,1002,1003,1004)'),
      ),
    ).toBe(true);
    expect(sql.calls.some((c) => c.statement.includes('upgrade_begin_data_version'))).toBe(false);
  });

  test('tenant status: a result that is not one number fails with results len not match', async () => {
    expect(await run(healthy().on(/LOCKED = 'YES'/, [{ a: 0 }, { a: 0 }]), 'tenant-status')).toMatchObject({
      messages: ['results len not match'],
    });
  });

  test('primary zone: RANDOM and a multi-zone first priority fail before 4.1', async () => {
    const sql = healthy('4.0.0.0').on(/primary_zone from DBA_OB_TENANTS/, [
      { tenant_name: 'a', primary_zone: 'RANDOM' },
      { tenant_name: 'b', primary_zone: 'zone1,zone2;zone3' },
      { tenant_name: 'c', primary_zone: 'zone1;zone2,zone3' },
    ]);
    expect(await run(sql, 'tenant-primary-zone')).toMatchObject({
      messages: [
        'a tenant primary zone random before update not allowed',
        'b tenant primary zone distributed before update not allowed',
      ],
    });
    expect([isPrimaryZoneDistributed('zone1'), isPrimaryZoneDistributed('zone1,zone2')]).toEqual([false, true]);
  });

  test('tenant names are compared case-insensitively', async () => {
    expect(
      (
        await run(
          healthy().on('select tenant_name from oceanbase.DBA_OB_TENANTS', [{ tenant_name: 'All_Meta' }]),
          'not-supported-tenant-name',
        )
      )?.status,
    ).toBe('fail');
  });

  test('oracle standby user: must be absent in [4.3.0.0, 4.3.1.0)', async () => {
    const sql = healthy('4.3.0.5').on(/count\(1\)=1 from oceanbase.__all_virtual_user/, one(1));
    expect(await run(sql, 'oracle-standby-replication')).toMatchObject({
      messages: ['1004 tenant standby_replication already exists, please check'],
    });
    expect(sql.calls.at(-1)?.statement).toBe(
      "select count(1)=1 from oceanbase.__all_virtual_user where user_name='STANDBY_REPLICATION' and tenant_id=1004",
    );
  });

  test('MDS disk: needs 8 KiB per tablet on each server', async () => {
    const sql = healthy('4.3.1.0').on(/free_size from __all_virtual_disk_stat/, [{ free_size: 81919 }]);
    expect(await run(sql, 'disk-space-for-mds-sstable-compat')).toMatchObject({
      messages: [
        'svr_ip: 10.0.0.1, svr_port: 2882, disk_free_size 81919 is not enough for mds sstable, needed_size is 81920, cannot upgrade',
      ],
    });
  });

  test('cs_encoding: an unknown CPU is checked as without AVX2 and flagged; AVX2 skips the queries', async () => {
    const unknown = healthy('4.3.2.0');
    const f = await run(unknown, 'cs-encoding-arch-dependency', 'unknown');
    expect(f?.status).toBe('warn');
    expect(unknown.calls.map((c) => c.statement)).toContain(
      "select count(1) from __all_virtual_table where row_store_type = 'cs_encoding_row_store'",
    );
    const avx2 = healthy('4.3.2.0');
    expect((await run(avx2, 'cs-encoding-arch-dependency', 'avx2'))?.status).toBe('pass');
    expect(avx2.calls).toHaveLength(1);
  });
});

describe('the report as text', () => {
  test('lists every check with its outcome after the summary, a skipped one with its gate', async () => {
    const report = await runUpgradeChecker(healthy().on(/GV\$OB_LOG_STAT/, one(1)), { cpuArch: 'avx2' });
    const lines = renderCheckerReport(report).split('\n');
    expect(lines).toHaveLength(28);
    expect(lines[0]).toBe('upgrade checker failed with 1 reasons: [1 replicas unsync, please check] ');
    expect(lines[3]).toBe(
      'FAIL check_paxos_replica: every paxos (log stream) replica is in sync: 1 replicas unsync, please check',
    );
    expect(lines[1]).toBe(
      'PASS check_observer_version: cluster version is at least the oldest version this build upgrades from',
    );
    expect(lines[11]).toBe(
      'SKIP check_archive_job_exist: no log archiving is running (upgrades from 4.0 only): not run: it applies only when cluster version < 4.1.0.0; the cluster version is 4.3.5.5',
    );
  });
});

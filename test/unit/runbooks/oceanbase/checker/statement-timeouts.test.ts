import { describe, expect, test } from 'vitest';
import { runUpgradeChecker } from '../../../../../src/runbooks/oceanbase/checker/run-upgrade-checker.ts';
import {
  hintedTimeoutMs,
  statementTimeoutMs,
} from '../../../../../src/runbooks/oceanbase/checker/statement-timeout.ts';
import { COMPATIBLE_SQL } from '../../../../../src/runbooks/oceanbase/checker/check-helpers.ts';
import { FakeSqlSession, one } from '../../../../support/oceanbase/fake-sql-session.ts';

/** A healthy cluster at `version` (4.3.1.0: the MDS disk-space scan runs) with two servers; the session's default 60 s. */
function cluster(version = '4.3.1.0'): FakeSqlSession {
  return new FakeSqlSession()
    .on(/^select /i, one(0))
    .on(/min_observer_version/, [{ value: version }])
    .on(COMPATIBLE_SQL, [{ value: version }])
    .on('select tenant_id from oceanbase.__all_tenant', [{ tenant_id: 1 }])
    .on(/'target_data_version', 'current_data_version'/, one(2))
    .on(/as passed/, one(1, 'passed'))
    .on(/substring_index\(build_version/, one(version))
    .on('select tenant_name from oceanbase.DBA_OB_TENANTS', [{ tenant_name: 'sys' }])
    .on('select svr_ip, svr_port from __all_server', [
      { svr_ip: '10.0.0.1', svr_port: 2882 },
      { svr_ip: '10.0.0.2', svr_port: 2882 },
    ])
    .on(/__all_virtual_tablet_pointer_status/, one(10))
    .on(/free_size from __all_virtual_disk_stat/, [{ free_size: 10 ** 9 }]);
}

const ZLIB = /compress_func_name like '%zlib%'/;
const TABLETS = /__all_virtual_tablet_compaction_info/;
const MDS = /__all_virtual_tablet_pointer_status/;

describe("upgrade_checker.py's statement timeouts", () => {
  test('reads the query_timeout hint in microseconds', () => {
    expect(hintedTimeoutMs('select /*+ query_timeout(1000000000) */ count(1) from t')).toBe(1_000_000);
    expect(hintedTimeoutMs('select /*+query_timeout( 2000000000 )*/ 1')).toBe(2_000_000);
    expect(hintedTimeoutMs('select count(1) from t')).toBeUndefined();
    expect(statementTimeoutMs('select 1', { timeoutSeconds: 0 })).toBeUndefined();
    expect(statementTimeoutMs('select /*+ query_timeout(1000000000) */ 1', { timeoutSeconds: 0, capMs: 500 })).toBe(
      500,
    );
  });

  test('gives the zlib and MDS scans 1000 s, the tablet scan 2000 s, and leaves the rest at the session default', async () => {
    const sql = cluster();
    await runUpgradeChecker(sql, { cpuArch: 'avx2' });
    const timeoutOf = (re: RegExp) => sql.calls.filter((c) => re.test(c.statement)).map((c) => c.opts?.timeoutMs);
    expect(timeoutOf(ZLIB)).toEqual([1_000_000]);
    expect(timeoutOf(MDS)).toEqual([1_000_000, 1_000_000]);
    expect(timeoutOf(TABLETS)).toEqual([2_000_000]);
    const others = sql.calls.filter((c) => ![ZLIB, MDS, TABLETS].some((re) => re.test(c.statement)));
    expect(others.length).toBeGreaterThan(20);
    expect(others.every((c) => c.opts?.timeoutMs === undefined)).toBe(true);
  });

  test('a scan slower than the 60 s session default but within its hint is not cut', async () => {
    const sql = cluster()
      .takes(ZLIB, 15 * 60_000)
      .takes(TABLETS, 30 * 60_000)
      .takes(MDS, 10 * 60_000);
    const report = await runUpgradeChecker(sql, { cpuArch: 'avx2' });
    expect(report.passed).toBe(true);
  });

  test('a scan past its own timeout stops the checker with an error naming the check and the timeout', async () => {
    const sql = cluster().takes(ZLIB, 1_000_001);
    const e = await runUpgradeChecker(sql, { cpuArch: 'avx2' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'OB_CHECK_TIMEOUT', retryable: true, checkId: 'table-compress-func' });
    expect(String((e as Error).message)).toBe(
      "check table-compress-func (check_table_compress_func) did not finish within its timeout of 1000 s: select /*+ query_timeout(1000000000) */ count(1) from __all_virtual_table where (compress_func_name like '%zlib%')",
    );
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runUpgradeChecker } from '../../../src/runbooks/oceanbase/checker/run-upgrade-checker.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { startLocalSim, type LocalSim } from '../../support/oceanbase/local-sim.ts';

/**
 * The checks' statement timeouts against the simulator, on a scaled-down clock: the session's default timeout
 * (60 s in production) is 1 s here, and the zlib table scan of check 21 is made to take 3.5 s (its table is a
 * view that sleeps once). The script gives that scan 1000 s (`query_timeout(1000000000)`), so it is not cut; with
 * a cap below the scan's time, the check fails naming itself and its timeout.
 */
let sim: LocalSim;
let sql: ObSqlSession;
const SCAN_SECONDS = 3.5;

beforeAll(async () => {
  sim = await startLocalSim('4.3.5.5');
  await sim.fixture.exec('RENAME TABLE __all_virtual_table TO __all_virtual_table_rows');
  await sim.fixture.exec(
    `CREATE VIEW __all_virtual_table AS SELECT t.* FROM __all_virtual_table_rows t JOIN (SELECT SLEEP(${SCAN_SECONDS}) AS s) slow`,
  );
});
beforeEach(async () => {
  await sql?.close();
  sql = await createSqlSession({
    host: '127.0.0.1',
    port: sim.port,
    user: 'root@sys',
    password: 'sim',
    target: 'obcluster',
    statementTimeoutMs: 1000,
  });
});
afterAll(async () => {
  await sql?.close();
  await sim?.close();
});

const realTime = (lines: string[]) => ({
  clock: { now: () => Date.now() },
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  everyMs: 1000,
  say: async (text: string) => void lines.push(text),
});

describe('statement timeouts of the checks, on the simulator', () => {
  test('a scan longer than the session default runs to its end under its own 1000 s, with progress lines', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const report = await runUpgradeChecker(sql, { cpuArch: 'avx2' }, undefined, realTime(lines));
    expect(Date.now() - started).toBeGreaterThanOrEqual(SCAN_SECONDS * 1000);
    expect(report.failures).toEqual([]);
    expect(report.findings.find((f) => f.checkId === 'table-compress-func')?.status).toBe('pass');
    expect(lines[0]).toMatch(
      /^check table-compress-func \(check_table_compress_func\) still running after [1-3] s \(timeout 1000 s\)$/,
    );
  });

  test('a scan past its own timeout stops the checks with an error naming the check and the timeout', async () => {
    const e = await runUpgradeChecker(sql, { cpuArch: 'avx2', statementCapMs: 500 }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'OB_CHECK_TIMEOUT', checkId: 'table-compress-func', timeoutMs: 500 });
    expect((e as Error).message).toMatch(
      /^check table-compress-func \(check_table_compress_func\) did not finish within its timeout of 500 ms: select \/\*\+ query_timeout\(1000000000\) \*\/ count\(1\) from __all_virtual_table /,
    );
  });
});

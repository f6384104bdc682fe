import { describe, expect, test } from 'vitest';
import { awaitPoll } from '../../../../src/runbooks/oceanbase/health/await-poll.ts';
import { healthChecks, majorMergeWaitNeeded } from '../../../../src/runbooks/oceanbase/health/health-checks.ts';
import { evaluatePoll, pollTimeoutMs } from '../../../../src/runbooks/oceanbase/health/ob-poll.ts';
import {
  parsePreviousValues,
  raisePermanentOfflineTime,
  restorePermanentOfflineTime,
} from '../../../../src/runbooks/oceanbase/precheck/permanent-offline-time.ts';
import { clusterVersionBumped, zoneWaits } from '../../../../src/runbooks/oceanbase/health/rolling-waits.ts';
import { FakeSqlSession, one } from '../../../support/oceanbase/fake-sql-session.ts';

describe('poll evaluation', () => {
  const waits = zoneWaits('zone1', '4.3.5.5');
  if (!waits.ok) throw new Error(waits.error);
  const w = waits.value;

  test('a zero-count wait is done only at 0', () => {
    expect(evaluatePoll(w.clogInSync, one(2))).toEqual({ done: false, observed: '2 not yet' });
    expect(evaluatePoll(w.clogInSync, one(0)).done).toBe(true);
  });

  test('the zone version wait needs exactly one version, the target', () => {
    expect(evaluatePoll(w.zoneVersion, [{ v: '4.3.5.5' }]).done).toBe(true);
    expect(evaluatePoll(w.zoneVersion, [{ v: '4.3.5.4' }, { v: '4.3.5.5' }])).toEqual({
      done: false,
      observed: '4.3.5.4, 4.3.5.5',
    });
  });

  test('timeouts scale with the tenant count, with the minimum and an explicit -t', () => {
    expect(pollTimeoutMs(w.serversServing.timeout, 5)).toBe(600_000);
    expect(pollTimeoutMs(w.serversServing.timeout, 201)).toBe(2_010_000);
    expect(pollTimeoutMs(w.schemaRefreshed.timeout, 41)).toBe(1_230_000);
    expect(pollTimeoutMs(w.schemaRefreshed.timeout, 41, 90)).toBe(90_000);
    expect(pollTimeoutMs(w.zoneInactive.timeout, 500)).toBe(300_000);
  });

  test('zone names and versions are validated before they reach the SQL', () => {
    expect(zoneWaits("zone1' or '1'='1", '4.3.5.5')).toMatchObject({ ok: false });
    expect(zoneWaits('zone1', '4.3.5.5; drop')).toMatchObject({ ok: false });
    expect(healthChecks({ zone: 'z 1' })).toMatchObject({ ok: false });
    expect(clusterVersionBumped('4.3.5.6')).toMatchObject({
      ok: true,
      value: { sql: expect.stringContaining("value != '4.3.5.6'") },
    });
  });

  test('the health checker adds the zone checks only with a zone and the merge waits only when asked', () => {
    const ids = (r: ReturnType<typeof healthChecks>) => (r.ok ? r.value.map((p) => p.id) : []);
    expect(ids(healthChecks())).toEqual(['observer-status', 'paxos-replica', 'schema-status']);
    expect(ids(healthChecks({ zone: 'zone2', needCheckMajorStatus: true }))).toEqual([
      'zone-valid',
      'observer-status',
      'paxos-replica',
      'schema-status',
      'zone-server-version',
      'major-merge-tenants',
      'major-merge-tablets',
    ]);
  });

  test('the major-merge waits are skipped only when every server has enable_major_freeze True', () => {
    expect(majorMergeWaitNeeded([{ value: 'True' }])).toBe(false);
    expect(majorMergeWaitNeeded([{ value: 'False' }])).toBe(true);
    expect(majorMergeWaitNeeded([{ value: 'True' }, { value: 'False' }])).toBe(true);
  });

  test('awaitPoll reports progress on every poll and stops when the condition holds', async () => {
    let n = 3;
    const sql = new FakeSqlSession().on(/GV\$OB_LOG_STAT/, () => one(n--));
    let now = 0;
    const seen: string[] = [];
    const res = await awaitPoll(
      {
        sql,
        clock: { now: () => now },
        sleep: async (ms) => void (now += ms),
        onProgress: (_p, o) => void seen.push(o.observed),
      },
      w.clogInSync,
      { tenantCount: 5 },
    );
    expect(res.ok).toBe(true);
    expect(seen).toEqual(['3 not yet', '2 not yet', '1 not yet', '0']);
    expect(now).toBe(30_000);
  });
});

describe('server_permanent_offline_time', () => {
  test('raises to 72h with the script statement and its wait', () => {
    const change = raisePermanentOfflineTime();
    expect(change.statements).toEqual(["alter system set server_permanent_offline_time = '72h'"]);
    expect(change.waits[0]?.sql).toBe(
      "select count(*) as cnt from oceanbase.__all_virtual_sys_parameter_stat\n           where name = 'server_permanent_offline_time' and value != '72h'",
    );
  });

  test('refuses a recorded value that is not a time, rather than quoting it back', () => {
    expect(parsePreviousValues([{ ip: '10.0.0.1', port: 2882, value: "1h'; drop" }])).toMatchObject({ ok: false });
    expect(restorePermanentOfflineTime([{ svrIp: '10.0.0.1', svrPort: 2882, value: '1h or 1' }])).toMatchObject({
      ok: false,
    });
    expect(parsePreviousValues([])).toMatchObject({ ok: false });
  });

  test('restores one uniform value cluster-wide and differing values per server', () => {
    const same = restorePermanentOfflineTime([
      { svrIp: '10.0.0.1', svrPort: 2882, value: '3600s' },
      { svrIp: '10.0.0.2', svrPort: 2882, value: '3600s' },
    ]);
    expect(same).toMatchObject({
      ok: true,
      value: { statements: ["alter system set server_permanent_offline_time = '3600s'"] },
    });
    const differ = restorePermanentOfflineTime([
      { svrIp: '10.0.0.1', svrPort: 2882, value: '3600s' },
      { svrIp: '10.0.0.2', svrPort: 2882, value: '2h' },
    ]);
    expect(differ.ok && differ.value.statements).toEqual([
      "alter system set server_permanent_offline_time = '3600s' server '10.0.0.1:2882'",
      "alter system set server_permanent_offline_time = '2h' server '10.0.0.2:2882'",
    ]);
  });
});

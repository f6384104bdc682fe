import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { awaitPoll, type PollDeps } from '../../../src/runbooks/oceanbase/health/await-poll.ts';
import { healthChecks } from '../../../src/runbooks/oceanbase/health/health-checks.ts';
import { TENANT_COUNT_SQL, evaluatePoll } from '../../../src/runbooks/oceanbase/health/ob-poll.ts';
import {
  READ_PERMANENT_OFFLINE_TIME_SQL,
  parsePreviousValues,
  raisePermanentOfflineTime,
  restorePermanentOfflineTime,
} from '../../../src/runbooks/oceanbase/precheck/permanent-offline-time.ts';
import { zoneWaits } from '../../../src/runbooks/oceanbase/health/rolling-waits.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { createObFixture, uniqueFixtureName, type ObFixture } from '../../support/oceanbase/ob-fixture.ts';

let fixture: ObFixture;
let session: ObSqlSession;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  session = await createSqlSession(fixture.endpoint);
});
beforeEach(() => fixture.load({ name: 'healthy' }));
afterAll(async () => {
  await session?.close();
  await fixture?.drop();
});

/** Real SQL, simulated time: sleeping advances the clock instead of waiting. */
function deps(seen: string[] = []): PollDeps {
  let now = 0;
  return {
    sql: session,
    clock: { now: () => now },
    sleep: async (ms) => void (now += ms),
    onProgress: (poll, obs, elapsed) => void seen.push(`${poll.id}@${elapsed / 1000}s: ${obs.observed}`),
  };
}

async function values(): Promise<string[]> {
  const res = await session.query(READ_PERMANENT_OFFLINE_TIME_SQL);
  return res.rows.map((r) => String(Object.values(r)[2]));
}

describe('server_permanent_offline_time as a gated step', () => {
  test('records the previous value, raises it to 72h on every server, and restores it', async () => {
    const previous = parsePreviousValues((await session.query(READ_PERMANENT_OFFLINE_TIME_SQL)).rows);
    expect(previous.ok && previous.value.map((p) => p.value)).toEqual(['3600s', '3600s', '3600s']);
    const raise = raisePermanentOfflineTime();
    for (const s of raise.statements) await session.query(s);
    for (const w of raise.waits) expect((await awaitPoll(deps(), w, { tenantCount: 5 })).ok).toBe(true);
    expect(await values()).toEqual(['72h', '72h', '72h']);

    if (!previous.ok) throw new Error(previous.error);
    const restore = restorePermanentOfflineTime(previous.value);
    if (!restore.ok) throw new Error(restore.error);
    for (const s of restore.value.statements) await session.query(s);
    for (const w of restore.value.waits) expect((await awaitPoll(deps(), w, { tenantCount: 5 })).ok).toBe(true);
    expect(await values()).toEqual(['3600s', '3600s', '3600s']);
  });

  test("gives up after the script's 10 polls with its message when a server never shows the value", async () => {
    const [wait] = raisePermanentOfflineTime().waits;
    await fixture.exec(
      "UPDATE __opsgate_parameter SET value = '72h' WHERE name = 'server_permanent_offline_time' AND svr_ip != '10.10.0.13'",
    );
    const seen: string[] = [];
    const res = await awaitPoll(deps(seen), wait!, { tenantCount: 5 });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toBe('check server_permanent_offline_time:72h sync timeout');
    expect(seen).toHaveLength(10);
    expect(seen[9]).toBe('sync-server_permanent_offline_time@45s: 1 not yet');
  });

  test('restores different previous values server by server', async () => {
    await fixture.exec(
      "UPDATE __opsgate_parameter SET value = '7200s' WHERE name = 'server_permanent_offline_time' AND svr_ip = '10.10.0.12'",
    );
    const previous = parsePreviousValues((await session.query(READ_PERMANENT_OFFLINE_TIME_SQL)).rows);
    if (!previous.ok) throw new Error(previous.error);
    for (const s of raisePermanentOfflineTime().statements) await session.query(s);
    const restore = restorePermanentOfflineTime(previous.value);
    if (!restore.ok) throw new Error(restore.error);
    expect(restore.value.statements).toHaveLength(3);
    for (const s of restore.value.statements) await session.query(s);
    for (const w of restore.value.waits) expect((await awaitPoll(deps(), w, { tenantCount: 5 })).ok).toBe(true);
    expect(await values()).toEqual(['3600s', '7200s', '3600s']);
  });
});

describe('health checks and rolling-upgrade waits against the fixture', () => {
  test('every health check of a zone holds on a healthy cluster', async () => {
    const polls = healthChecks({ zone: 'zone2', needCheckMajorStatus: true });
    if (!polls.ok) throw new Error(polls.error);
    for (const p of polls.value)
      expect(evaluatePoll(p, (await session.query(p.sql)).rows), p.id).toMatchObject({ done: true });
  });

  test('the zone-stopped wait completes only once the zone is INACTIVE', async () => {
    const waits = zoneWaits('zone1', '4.3.5.5');
    if (!waits.ok) throw new Error(waits.error);
    const { zoneInactive, zoneActive } = waits.value;
    expect(evaluatePoll(zoneInactive, (await session.query(zoneInactive.sql)).rows).done).toBe(false);
    await fixture.exec("UPDATE __all_zone SET info = 'INACTIVE' WHERE zone = 'zone1' AND name = 'status'");
    expect((await awaitPoll(deps(), zoneInactive, { tenantCount: 5 })).ok).toBe(true);
    expect(evaluatePoll(zoneActive, (await session.query(zoneActive.sql)).rows).done).toBe(false);
  });

  test('the servers-serving wait times out after max(tenants x 10 s, 600 s) while an observer is stopped', async () => {
    const waits = zoneWaits('zone3', '4.3.5.6');
    if (!waits.ok) throw new Error(waits.error);
    await fixture.exec(
      "UPDATE __all_server SET status = 'INACTIVE', stop_time = 1718000100000000, start_service_time = 0 WHERE zone = 'zone3'",
    );
    const tenants = (await session.query(TENANT_COUNT_SQL)).rows.length;
    expect(tenants).toBe(5);
    const res = await awaitPoll(deps(), waits.value.serversServing, { tenantCount: tenants });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.waitedMs).toBe(600_000);
    const version = waits.value.zoneVersion;
    expect(evaluatePoll(version, (await session.query(version.sql)).rows)).toEqual({
      done: false,
      observed: '4.3.5.5',
    });
  });
});

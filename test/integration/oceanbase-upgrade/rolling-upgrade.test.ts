import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { execOn } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { FROM, TO, observerState, obHosts, resetObLab, simQuery, startLabSim } from './ob-lab.ts';

/**
 * The OceanBase runbooks end to end through `opsgate run`, against the lab's observer stand-ins and the
 * control-plane simulator on the lab bridge: refusals, the precheck, then the rolling upgrade zone by zone.
 */
let sim: ObSim;
const keys: RedisTestKeys[] = [];

function run(line: string, k: RedisTestKeys = fresh()) {
  return opsgate(['run', line, '--sites', labSitesDir(), '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'], { REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: k.prefix });
}

function fresh(): RedisTestKeys {
  const k = new RedisTestKeys();
  keys.push(k);
  return k;
}

beforeAll(async () => {
  await resetObLab();
  sim = await startLabSim();
  // The observers were just restarted: let the simulator see every replica caught up before the precheck reads it.
  for (let i = 0; i < 60; i++) {
    const rows = await simQuery("select count(*) as n from oceanbase.GV$OB_LOG_STAT where IN_SYNC != 'YES'");
    if (Number(Object.values(rows[0] ?? {})[0]) === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 180_000);

afterAll(async () => {
  await sim?.close();
  for (const k of keys) await k.close();
});

describe('OceanBase rolling upgrade in the lab', () => {
  it('refuses the two-zone cluster with the reason and runs nothing', async () => {
    const r = await run(`/upgrade xizang ob obsmall --to ${TO}`);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/obsmall refused: it has 2 zone\(s\) \(zone1, zone2\); a rolling upgrade stops one zone at a time and needs at least 3/);
    expect(r.stdout).not.toMatch(/▶ step/);
  });

  it('refuses the upgrade when it is requested without a completed precheck, having touched nothing', async () => {
    const r = await run(`/upgrade xizang ob obcluster --to ${TO}`);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/ob-upgrade refused: it needs a completed run of ob-precheck for cluster=obcluster within the last 1h: there is none\. Run the precheck of obcluster first/);
    expect(r.stdout).not.toMatch(/▶ step/);
    expect((await execOn('ob-1', ['test', '-e', '/tmp/opsgate-ob'])).exitCode).not.toBe(0);
  });

  it('prechecks, then upgrades zone by zone with approvals, restores the 72h parameter, and the probe sees every zone stop', async () => {
    const k = fresh();
    const pre = await run('/precheck xizang ob obcluster', k);
    expect(pre.stdout).toMatch(/upgrade checker passed: \d+ checks passed/);
    expect(pre.code).toBe(0);
    expect(await simQuery("select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'")).toEqual([{ VALUE: '72h' }]);

    const up = await run(`/upgrade xizang ob obcluster --to ${TO}`, k);
    const out = up.stdout;
    expect(up.stderr).not.toMatch(/opsgate run:/);
    expect(up.code, `${out.slice(-3000)}\n${up.stderr.slice(-1500)}`).toBe(0);
    expect(out.match(/\? gate approval for step zone\d-stop-(zone|observer)/g)).toHaveLength(6);
    expect(out).toMatch(/obcluster\$ alter system stop zone 'zone2'/);

    // Zone by zone: each zone serves the new version before the next zone is stopped.
    const at = (re: RegExp) => out.search(re);
    const order = [
      at(/step zone1-stop-zone \(attempt/), at(/every observer of zone1 runs 4\.3\.5\.5: done/),
      at(/step zone2-stop-zone \(attempt/), at(/every observer of zone2 runs 4\.3\.5\.5: done/),
      at(/step zone3-stop-zone \(attempt/), at(/every observer of zone3 runs 4\.3\.5\.5: done/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    for (const { host } of obHosts()) expect(await observerState(host)).toEqual({ installed: `oceanbase-ce-${TO}`, running: expect.stringMatching(new RegExp(`^OBSERVER ${TO.replace(/\./g, '\\.')} zone\\d$`)) });
    expect(await simQuery("select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'min_observer_version'")).toEqual([{ VALUE: TO }]);
    expect(await simQuery("select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'")).toEqual([{ VALUE: '3600s' }]);
    expect(out).toMatch(/every server shows server_permanent_offline_time = 3600s/);

    // The business probe: errors only while a zone is out of service.
    for (const zone of ['zone1', 'zone2', 'zone3']) {
      const m = new RegExp(`zone ${zone} out of service: (\\d+) requests, (\\d+) errors`).exec(out);
      expect(m, `probe report for ${zone}`).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThan(5);
      expect(Number(m?.[2])).toBeGreaterThan(0);
      expect(out).toMatch(new RegExp(`before zone ${zone} stopped: \\d+ requests, 0 errors`));
    }
    expect(FROM).not.toBe(TO);
  }, 900_000);
});

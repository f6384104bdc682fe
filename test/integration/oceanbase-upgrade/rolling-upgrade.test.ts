import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import type { UpgradeJobScenario } from '../../../lab/obsim/upgrade-jobs.ts';
import { execOn } from '../../support/lab.ts';
import { everythingUnder } from '../../support/redis-stored-text.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { FROM, TO, labSysPassword, observerState, obHosts, resetObLab, simQuery, startLabSim } from './ob-lab.ts';

/**
 * The OceanBase runbooks end to end through `opsgate run`, against the lab's observer stand-ins and the
 * control-plane simulator on the lab bridge: refusals, the precheck, then the rolling upgrade zone by zone.
 */
let sim: ObSim;
const keys: RedisTestKeys[] = [];

function run(line: string, k: RedisTestKeys = fresh()) {
  return opsgate(
    ['run', line, '--sites', labSitesDir(), '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--verbose'],
    {
      REDIS_URL: TEST_REDIS_URL,
      OPSGATE_REDIS_PREFIX: k.prefix,
    },
  );
}

function fresh(): RedisTestKeys {
  const k = new RedisTestKeys();
  keys.push(k);
  return k;
}

/** Every observer back at FROM and a fresh simulator (whose UPGRADE_ALL jobs go as `upgradeJob` says). */
async function freshLab(upgradeJob?: UpgradeJobScenario): Promise<void> {
  await sim?.close();
  await resetObLab();
  // startLabSim returns once every replica has caught up after the restart.
  sim = await startLabSim(upgradeJob);
}

beforeAll(() => freshLab(), 180_000);

afterAll(async () => {
  await sim?.close();
  for (const k of keys) await k.close();
});

describe('OceanBase rolling upgrade in the lab', () => {
  it('refuses the two-zone cluster with the reason and runs nothing', async () => {
    const r = await run(`/upgrade xizang ob obsmall --to ${TO}`);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /obsmall refused: it has 2 zone\(s\) \(zone1, zone2\); a rolling upgrade stops one zone at a time and needs at least 3/,
    );
    expect(r.stdout).not.toMatch(/▶ step/);
  });

  it('refuses the upgrade when it is requested without a completed precheck, having touched nothing', async () => {
    const r = await run(`/upgrade xizang ob obcluster --to ${TO}`);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /ob-upgrade refused: it needs a completed run of ob-precheck for cluster=obcluster within the last 1h: there is none\. Run the precheck of obcluster first/,
    );
    expect(r.stdout).not.toMatch(/▶ step/);
    expect((await execOn('ob-1', ['test', '-e', '/tmp/opsgate-ob'])).exitCode).not.toBe(0);
  });

  it('prechecks, then upgrades zone by zone with approvals, restores the 72h parameter, and the probe sees every zone stop', async () => {
    const k = fresh();
    const pre = await run('/precheck xizang ob obcluster', k);
    expect(pre.stdout).toMatch(/upgrade checker passed: \d+ passed, \d+ warnings?/);
    expect(pre.code).toBe(0);
    expect(
      await simQuery(
        "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'",
      ),
    ).toEqual([{ VALUE: '72h' }]);

    const up = await run(`/upgrade xizang ob obcluster --to ${TO}`, k);
    const out = up.stdout;
    expect(up.stderr).not.toMatch(/opsgate run:/);
    expect(up.code, `${out.slice(-3000)}\n${up.stderr.slice(-1500)}`).toBe(0);
    expect(out.match(/\? gate approval for step zone\d-stop-(zone|observer)/g)).toHaveLength(6);
    expect(out).toMatch(/obcluster\$ alter system stop zone 'zone2'/);
    const at = (re: RegExp) => out.search(re);

    // Zone by zone: each zone serves the new version before the next zone is stopped.
    const order = [
      at(/step zone1-stop-zone \(attempt/),
      at(/⌛ \S+: every observer of zone1 runs 4\.3\.5\.5[^\n]*: ended after/),
      at(/step zone2-stop-zone \(attempt/),
      at(/⌛ \S+: every observer of zone2 runs 4\.3\.5\.5[^\n]*: ended after/),
      at(/step zone3-stop-zone \(attempt/),
      at(/⌛ \S+: every observer of zone3 runs 4\.3\.5\.5[^\n]*: ended after/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    for (const { host, zone } of obHosts())
      expect(await observerState(host)).toEqual({ installed: `oceanbase-ce-${TO}`, running: `OBSERVER ${TO} ${zone}` });
    // As obd runs it: stopped through its pid file with SIGTERM, both packages in one rpm transaction, started
    // with no options as admin from its home (its zone read back from etc/observer.config.bin); no init script.
    expect(out.match(/the observer of \/home\/admin\/oceanbase \(pid \d+\) stopped after SIGTERM/g)).toHaveLength(3);
    expect(out.match(/runs as admin \(pid \d+\) and listens on 2882/g)).toHaveLength(3);
    for (const { host } of obHosts()) {
      const proc = await execOn(host, [
        'bash',
        '-c',
        'h=/home/admin/oceanbase; p=$(cat $h/run/observer.pid); ps -o user=,args= -p $p; readlink /proc/$p/cwd; test ! -e /etc/init.d/observer && echo no-init-script',
      ]);
      expect(proc.stdout.trim().split('\n')).toEqual([
        'admin    /usr/bin/python3 /home/admin/oceanbase/bin/observer',
        '/home/admin/oceanbase',
        'no-init-script',
      ]);
    }
    expect(
      await simQuery("select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'min_observer_version'"),
    ).toEqual([{ VALUE: TO }]);
    expect(
      await simQuery(
        "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'",
      ),
    ).toEqual([{ VALUE: '3600s' }]);
    expect(out).toMatch(/every server shows server_permanent_offline_time = 3600s/);

    // upgrade_pre's special_action (4.3.5.4 -> 4.3.5.5 is cross-version), gated; the tenant upgrade job with its
    // progress; post_check's data-version waits; every recorded parameter back as it was.
    expect(out).toMatch(/cross-version: special_action takes variant from-4\.2\.1-or-later/);
    expect(out).toMatch(/\? gate approval for step special-action/);
    expect(out).toMatch(/alter system set enable_ddl = 'False'/);
    expect(out).toMatch(/alter system suspend merge tenant = all_user/);
    expect(out).toMatch(/upgrade job \d+: INPROGRESS, progress \d+%/);
    expect(out).toMatch(/upgrade job \d+ succeeded/);
    expect(out).toMatch(/compatible is 4\.3\.5\.5 on every server for every non-standby tenant/);
    expect(at(/step special-action \(attempt/)).toBeLessThan(at(/step zone1-stop-zone \(attempt/));
    expect(at(/step tenant-upgrade-job \(attempt/)).toBeGreaterThan(at(/step end-rolling-upgrade \(attempt/));
    expect(
      await simQuery(
        "select distinct value from oceanbase.__all_virtual_tenant_parameter_info where name = 'compatible'",
      ),
    ).toEqual([{ value: TO }]);
    for (const p of ['enable_ddl', 'enable_major_freeze', '_ob_enable_direct_load']) {
      expect(await simQuery(`select distinct value from oceanbase.GV$OB_PARAMETERS where name = '${p}'`)).toEqual([
        { VALUE: 'True' },
      ]);
    }
    expect(
      await simQuery("select count(*) as n from oceanbase.CDB_OB_MAJOR_COMPACTION where IS_SUSPENDED = 'YES'"),
    ).toEqual([{ n: 0 }]);

    // The business probe: errors only while a zone is out of service (stopped, then its observers restarted).
    for (const zone of ['zone1', 'zone2', 'zone3']) {
      const phase = (name: string) => new RegExp(`zone ${zone}, ${name}: (\\d+) requests, (\\d+) errors`).exec(out);
      const [stopped, restarted] = [phase('zone stopped'), phase('observers restarted')];
      expect(stopped && restarted, `probe report for ${zone}`).not.toBeNull();
      expect(Number(stopped?.[1]) + Number(restarted?.[1])).toBeGreaterThan(5);
      expect(Number(stopped?.[2]) + Number(restarted?.[2])).toBeGreaterThan(0);
      expect(out).toMatch(new RegExp(`zone ${zone}, before stop: \\d+ requests, 0 errors`));
      expect(out).toMatch(
        new RegExp(`longest interruption: \\S+ \\((zone stopped|observers restarted|after start)\\) for `),
      );
    }
    // The whole upgrade as the probe saw it: its data, and its chart drawn beside it as a PNG.
    expect(out).toMatch(/attachment probe-latency-obcluster\.json \(application\/json, \d+ bytes\)/);
    expect(out).toMatch(/chart probe-latency-obcluster\.png \(image\/png, 1200×520\): \S+\.png/);
    // The probe logged in with the site file's password (in the lab, the root-password secret), written to its
    // stdin: its option file is gone from the probe host, and the value is not in the thread nor anything stored.
    expect(
      (await execOn('ob-1', ['ls', '-A', '/var/tmp/opsgate-ob-probe-obcluster'])).stdout.trim().split('\n').sort(),
    ).toEqual(['endpoint', 'errors', 'log']);
    expect(sim.business.tables(), 'the probe table is dropped').toEqual([]);
    const stored = await everythingUnder(k.connect(), k.prefix);
    expect(
      stored.includes('<secret: oceanbase[obcluster].probeTenant.password>'),
      'the stored plan names the secret',
    ).toBe(true);
    expect(
      `${out}\n${up.stderr}\n${pre.stdout}\n${pre.stderr}`.includes(labSysPassword()),
      'the password in the thread',
    ).toBe(false);
    expect(stored.includes(labSysPassword()), 'the password stored in Redis (run record, plan, audit, events)').toBe(
      false,
    );
    expect(FROM).not.toBe(TO);
  }, 900_000);

  it('stops at a FAILED tenant upgrade job, saying where the cluster stands and what to decide, with upgrade mode still on', async () => {
    await freshLab({ outcome: 'fail', durationMs: 4_000 });
    const k = fresh();
    expect((await run('/precheck xizang ob obcluster', k)).code).toBe(0);
    const up = await run(`/upgrade xizang ob obcluster --to ${TO}`, k);
    const out = up.stdout;
    expect(up.code, out.slice(-3000)).toBe(1);
    expect(out).toMatch(/upgrade job \d+: INPROGRESS, progress \d+%/);
    expect(out).toMatch(/execute upgrade job failed/);
    expect(out).toMatch(
      /UPGRADE_ALL job \d+ FAILED \(result_code -4012\) after \d+ s\. Every zone runs 4\.3\.5\.5 and the cluster version is 4\.3\.5\.5 \(it cannot go back\)/,
    );
    expect(out).toMatch(
      /Decide: read the job in DBA_OB_TENANT_JOBS and the RootService log with the DBA, then retry this step/,
    );
    expect(out).toMatch(/waits at step tenant-upgrade-job \(failure gate\)/);
    expect(out).not.toMatch(/step end-upgrade \(attempt/);
    expect(
      await simQuery("select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'enable_upgrade_mode'"),
    ).toEqual([{ VALUE: 'True' }]);
    expect(
      await simQuery(
        "select distinct value from oceanbase.__all_virtual_tenant_parameter_info where name = 'compatible'",
      ),
    ).toEqual([{ value: FROM }]);
  }, 900_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, RunState } from '../../../src/core/plan/run-state.ts';
import type { Plan, Step } from '../../../src/core/plan/step-schema.ts';
import { UPGRADE_PRE_POST_PROGRAMS } from '../../../src/runbooks/oceanbase/upgrade/upgrade-programs.ts';
import { waitProgram } from '../../../src/runbooks/oceanbase/health/wait-program.ts';
import type { ProgramContext } from '../../../src/core/ports/runbook.ts';
import { startLocalSim, type LocalSim } from '../../support/oceanbase/local-sim.ts';
import { labXizang, programContext, registry, runWith, stepOf } from '../../unit/runbooks/oceanbase/ob-fixture-site.ts';

/**
 * upgrade_pre's special_action, upgrade_post's tenant upgrade and post_check, run step by step against the
 * control-plane simulator (its SQL face, over a fixture database; no lab needed), through the real SQL session.
 */
let sim: LocalSim;
let site: Awaited<ReturnType<typeof labXizang>>;
let plan: Plan;

beforeAll(async () => {
  sim = await startLocalSim();
  site = await labXizang();
  plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

/** Runs a step's program; `real` uses the wall clock (the simulator's upgrade job takes real time). */
async function run(
  step: Step,
  runState: RunState = runWith({}),
  opts: { real?: boolean; args?: Record<string, unknown> } = {},
): Promise<{ findings: readonly Finding[]; lines: string[] }> {
  const ctx: ProgramContext & { lines: string[] } = programContext(site, step, sim.sql, runState);
  const real =
    opts.real === true
      ? { clock: { now: () => Date.now() }, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) }
      : {};
  const c = { ...ctx, ...real };
  const program = step.program?.id === 'ob.wait' ? waitProgram : UPGRADE_PRE_POST_PROGRAMS[step.program?.id ?? ''];
  if (program === undefined) throw new Error(`no program for ${step.id}`);
  return { findings: await program(c, { ...step.program?.args, ...opts.args }), lines: ctx.lines };
}

const values = async (sql: string) =>
  (await sim.sql.query(sql)).rows.map((r) => Object.values(r).map(String).join(' '));
const param = (name: string) => values(`select distinct value from oceanbase.GV$OB_PARAMETERS where name = '${name}'`);
const tenantParam = (name: string) =>
  values(
    `select distinct tenant_id, value from oceanbase.__all_virtual_tenant_parameter_info where name = '${name}' order by tenant_id`,
  );
const suspended = () =>
  values("select TENANT_ID from oceanbase.CDB_OB_MAJOR_COMPACTION where IS_SUSPENDED = 'YES' order by TENANT_ID");

describe('special_action, tenant upgrade and post_check against the simulator', () => {
  it('runs a cross-version upgrade from 4.3.5.4: freezes with waits, then the job raises the data version and post_check puts back every recorded value', async () => {
    await sim.fixture.load({ name: 'cross-version', shape: { clusterVersion: '4.3.5.4', dataVersion: '4.3.5.4' } });
    const record = await run(stepOf(plan, 'upgrade-record'));
    expect(record.findings[0]).toMatchObject({
      status: 'pass',
      title: 'cluster version 4.3.5.4, target 4.3.5.5',
      evidence: expect.stringContaining('variant from-4.2.1-or-later'),
    });
    const runState = runWith({ 'upgrade-record': { status: 'succeeded', attempt: 1, findings: record.findings } });

    const special = await run(stepOf(plan, 'special-action'), runState);
    expect(special.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    expect(special.lines).toEqual(
      expect.arrayContaining([
        "alter system set enable_ddl = 'False'",
        "alter system set _enable_adaptive_compaction = 'False' tenant = 'all_meta'",
        'alter system suspend merge tenant = all_user',
        "alter system set enable_rebalance = 'False' tenant = 'sys'",
      ]),
    );
    expect(special.lines.some((l) => l.includes('_bloom_filter_enabled'))).toBe(false);
    expect(await param('enable_ddl')).toEqual(['False']);
    expect(await param('_ob_enable_direct_load')).toEqual(['False']);
    expect(await tenantParam('_enable_adaptive_compaction')).toEqual([
      '1 False',
      '1001 False',
      '1002 False',
      '1003 False',
      '1004 False',
    ]);
    expect(await tenantParam('enable_rebalance')).toEqual([
      '1 False',
      '1001 True',
      '1002 True',
      '1003 True',
      '1004 True',
    ]);
    expect(await suspended()).toEqual(['1', '1001', '1002', '1003', '1004']);

    // The zones are upgraded and END ROLLING UPGRADE raised the cluster version.
    await sim.fixture.exec("update __opsgate_parameter set value = '4.3.5.5' where name = 'min_observer_version'");
    const job = await run(stepOf(plan, 'tenant-upgrade-job'), runState, { real: true, args: { pollSec: 1 } });
    expect(job.findings.at(-1)).toMatchObject({
      status: 'pass',
      title: expect.stringMatching(/^upgrade job 2 succeeded$/),
    });
    expect(job.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tenant upgrade needed: 0 of the 15 data-version rows/),
        "alter system set enable_ddl = 'True'",
        "alter system run upgrade job 'UPGRADE_ALL'",
      ]),
    );
    const progress = job.lines.filter((l) => /^upgrade job 2: INPROGRESS, progress \d+%/.test(l));
    expect(progress.length).toBeGreaterThan(1);

    const post = await run(stepOf(plan, 'post-check-data-version'));
    expect(post.findings.map((f) => [f.status, f.title])).toEqual([
      ['pass', 'min_observer_version is 4.3.5.5 on every server'],
      ['pass', 'compatible is 4.3.5.5 on every server for every non-standby tenant'],
      ['pass', 'target, current and upgrade-begin data versions are 4.3.5.5 for every non-standby tenant'],
      ['pass', 'every upgrade inspection item succeeded'],
    ]);
    const restore = await run(stepOf(plan, 'post-check-restore'), runState);
    expect(restore.findings.filter((f) => f.status !== 'pass')).toEqual([]);
    for (const p of ['enable_ddl', 'enable_major_freeze', '_ob_enable_direct_load'])
      expect(await param(p)).toEqual(['True']);
    expect(await param('enable_sys_table_ddl')).toEqual(['False']);
    expect(await tenantParam('_enable_adaptive_compaction')).toEqual([
      '1 True',
      '1001 True',
      '1002 True',
      '1003 True',
      '1004 True',
    ]);
    expect(await tenantParam('enable_rebalance')).toEqual([
      '1 True',
      '1001 True',
      '1002 True',
      '1003 True',
      '1004 True',
    ]);
    expect(await suspended()).toEqual([]);
  }, 60_000);

  it('changes nothing when the cluster already runs the target version', async () => {
    await sim.fixture.load({ name: 'same-version' });
    const special = await run(stepOf(plan, 'special-action'));
    expect(special.findings).toEqual([
      {
        status: 'pass',
        title: 'cluster version 4.3.5.5 is the target: no special action',
        evidence: 'variant same-version (cluster version = 4.3.5.5)',
      },
    ]);
    expect(await param('enable_ddl')).toEqual(['True']);
    expect(await suspended()).toEqual([]);
    const job = await run(stepOf(plan, 'tenant-upgrade-job'));
    expect(job.findings).toEqual([
      {
        status: 'pass',
        title: 'data version already 4.3.5.5',
        evidence: 'every tenant is at the target: no upgrade job needed',
      },
    ]);
  });

  it('stops on a FAILED upgrade job with the cluster state and the decision, and a retry runs a new job', async () => {
    await sim.fixture.load({ name: 'job-fails', shape: { clusterVersion: '4.3.5.5', dataVersion: '4.3.5.4' } });
    sim.plane.upgrade.jobs.scenario = { outcome: 'fail', durationMs: 1500 };
    const failed = await run(stepOf(plan, 'tenant-upgrade-job'), runWith({}), { real: true, args: { pollSec: 1 } });
    const last = failed.findings.at(-1);
    expect(last).toMatchObject({ status: 'fail', title: 'execute upgrade job failed' });
    expect(last?.evidence).toMatch(
      /^UPGRADE_ALL job 2 FAILED \(result_code -4012\) after \d+ s\. Every zone runs 4\.3\.5\.5 and the cluster version is 4\.3\.5\.5 \(it cannot go back\).*data version is still behind 4\.3\.5\.5\. Decide: .*retry this step \(it starts a new UPGRADE_ALL job\); or abort/,
    );
    expect(await tenantParam('compatible')).toEqual([
      '1 4.3.5.4',
      '1001 4.3.5.4',
      '1002 4.3.5.4',
      '1003 4.3.5.4',
      '1004 4.3.5.4',
    ]);

    sim.plane.upgrade.jobs.scenario = { outcome: 'success', durationMs: 500 };
    const retried = await run(stepOf(plan, 'tenant-upgrade-job'), runWith({}), { real: true, args: { pollSec: 1 } });
    expect(retried.findings.at(-1)).toMatchObject({ status: 'pass', title: 'upgrade job 3 succeeded' });
    expect(await tenantParam('compatible')).toEqual([
      '1 4.3.5.5',
      '1001 4.3.5.5',
      '1002 4.3.5.5',
      '1003 4.3.5.5',
      '1004 4.3.5.5',
    ]);
  }, 60_000);

  it('refuses to start a job while an UPGRADE_ALL job is INPROGRESS', async () => {
    await sim.fixture.load({
      name: 'job-running',
      shape: { clusterVersion: '4.3.5.5', dataVersion: '4.3.5.4' },
      faults: [
        "INSERT INTO __all_rootservice_job (job_id, job_type, job_status, progress, tenant_id) VALUES (7, 'UPGRADE_ALL', 'INPROGRESS', 40, 1)",
      ],
    });
    const r = await run(stepOf(plan, 'tenant-upgrade-job'));
    expect(r.findings).toEqual([
      {
        status: 'fail',
        title: 'upgrade job still running, should wait',
        evidence: expect.stringMatching(
          /An UPGRADE_ALL job is INPROGRESS.*Decide: retry this step once it has ended, or abort\./,
        ),
      },
    ]);
    expect(await values("select count(*) from oceanbase.__all_rootservice_job where job_type = 'UPGRADE_ALL'")).toEqual(
      ['1'],
    );
  });

  it('runs root inspection only when an inspection item has not succeeded, and 4.3.5.5 turns syslog_level INFO into WDIAG', async () => {
    await sim.fixture.load({
      name: 'inspection',
      faults: ["UPDATE __all_virtual_upgrade_inspection SET info = 'failed' WHERE name = 'sys_table_schema_checker'"],
    });
    const inspection = await run(stepOf(plan, 'root-inspection'));
    expect(inspection.lines).toEqual(["1 to fix: alter system run job 'root_inspection'"]);
    expect(
      await values("select count(*) from oceanbase.__all_virtual_upgrade_inspection where info != 'succeed'"),
    ).toEqual(['0']);
    expect((await run(stepOf(plan, 'root-inspection'))).findings[0]?.title).toBe('nothing to do');
    const syslog = await run(stepOf(plan, 'syslog-level'));
    expect(syslog.findings).toEqual([
      expect.objectContaining({ status: 'pass', title: 'every server shows syslog_level = WDIAG' }),
    ]);
    expect(await param('syslog_level')).toEqual(['WDIAG']);
  });
});

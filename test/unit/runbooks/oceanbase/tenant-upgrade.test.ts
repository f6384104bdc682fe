import { describe, expect, it } from 'vitest';
import { tenantUpgradeProgram } from '../../../../src/runbooks/oceanbase/upgrade/tenant-upgrade-steps.ts';
import { FakeSqlSession, one } from '../../../support/oceanbase/fake-sql-session.ts';
import { labXizang, programContext, registry, stepOf } from './ob-fixture-site.ts';

/** A cluster whose data version is behind, with enable_ddl on and job 4 the last one; the new job stays INPROGRESS. */
function behindCluster(): FakeSqlSession {
  return new FakeSqlSession()
    .on(/__all_table where table_name/, one(1))
    .on('select count(*) from oceanbase.__all_tenant', one(5))
    .on(/__all_virtual_core_table where table_name = '__all_global_stat'/, one(0))
    .on(
      /distinct tenant_id from oceanbase.__all_tenant/,
      [1, 1001, 1002, 1003, 1004].map((t) => ({ tenant_id: t })),
    )
    .on(/job_type = 'UPGRADE_ALL' order by job_id desc limit 1/, one('SUCCESS'))
    .on(/name = 'enable_ddl'/, one('True'))
    .on(/select job_id from oceanbase.__all_rootservice_job order by/, one(4))
    .on("alter system run upgrade job 'UPGRADE_ALL'", [])
    .on(/job_id > 4/, [
      {
        job_id: 5,
        job_status: 'INPROGRESS',
        rs_svr_ip: '10.0.0.1',
        rs_svr_port: 2882,
        progress: 30,
        result_code: null,
      },
    ]);
}

async function jobStep() {
  const site = await labXizang();
  return {
    site,
    step: stepOf(
      registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' }),
      'tenant-upgrade-job',
    ),
  };
}

describe('the tenant upgrade job', () => {
  it('checks every 10th poll that the RootService has not moved, and stops saying the job is lost when it has', async () => {
    const { site, step } = await jobStep();
    const sql = behindCluster().on(
      /__all_virtual_core_meta_table where role = 1 and svr_ip = '10.0.0.1' and svr_port = 2882/,
      one(0),
    );
    const ctx = programContext(site, step, sql);
    const f = await tenantUpgradeProgram(ctx, step.program?.args ?? {});
    expect(f.at(-1)).toMatchObject({
      status: 'fail',
      title: 'the RootService changed during the upgrade job',
      evidence: expect.stringMatching(
        /^the RootService is no longer on 10\.0\.0\.1:2882: job 5 will not finish\..*Decide: retry this step/,
      ),
    });
    expect(sql.calls.filter((c) => /job_id > 4/.test(c.statement))).toHaveLength(10);
  });

  it('gives up after 100 s per tenant, at least an hour, polling every 10 s, with the job still running', async () => {
    const { site, step } = await jobStep();
    const sql = behindCluster()
      .on(/__all_virtual_core_meta_table/, one(1))
      .on(/__all_rootservice_event_history/, one(0));
    const ctx = programContext(site, step, sql);
    const f = await tenantUpgradeProgram(ctx, step.program?.args ?? {});
    expect(f.at(-1)).toMatchObject({
      status: 'fail',
      title: 'upgrade job timed out',
      evidence: expect.stringMatching(/^UPGRADE_ALL job 5 still INPROGRESS after 3600 s \(limit 3600 s\)/),
    });
    expect(sql.calls.filter((c) => /job_id > 4/.test(c.statement))).toHaveLength(361);
    expect(ctx.lines).toContain('upgrade job 5: INPROGRESS, progress 30% after 0 s');
  });
});

import { describe, expect, it } from 'vitest';
import type { CheckStep } from '../../../../src/core/plan/step-schema.ts';
import {
  previousEvidence,
  previousOfflineTimeEvaluator,
  restoreOfflineTimeProgram,
} from '../../../../src/runbooks/oceanbase/precheck/offline-time-steps.ts';
import { precheckFreshEvaluator } from '../../../../src/runbooks/oceanbase/precheck/precheck-record.ts';
import { waitProgram } from '../../../../src/runbooks/oceanbase/health/wait-program.ts';
import { FakeSqlSession, one } from '../../../support/oceanbase/fake-sql-session.ts';
import { labXizang, programContext, registry, runWith, stepOf } from './ob-fixture-site.ts';

const NOW = 1_800_000_000;
const record = (cluster: string) =>
  JSON.stringify({
    cluster,
    version: '4.3.5.4',
    runId: 'run_p',
    previous: previousEvidence([{ svrIp: '10.0.0.1', svrPort: 2882, value: '3600s' }]),
  });

async function freshStep(): Promise<CheckStep> {
  const s = stepOf(
    registry.buildPlan('ob-upgrade', await labXizang(), { cluster: 'obcluster', toVersion: '4.3.5.5' }),
    'precheck-fresh',
  );
  if (s.kind !== 'check') throw new Error('not a check');
  return s;
}

function hostsSaying(text: (host: string) => string) {
  return ['ob-1', 'ob-2', 'ob-3'].map((target) => ({ target, exitCode: 0, stdout: text(target), stderr: '' }));
}

describe('precheck freshness', () => {
  it('passes with a record younger than the validity on every host, and carries the recorded values', async () => {
    const f = precheckFreshEvaluator(
      hostsSaying(() => `${NOW}\n${NOW - 600}\n${record('obcluster')}\n`),
      await freshStep(),
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ status: 'pass', title: expect.stringContaining('run run_p, version 4.3.5.4') });
    expect(f[0]?.evidence).toContain('"value":"3600s"');
  });

  it('refuses when no precheck was recorded, saying what to run', async () => {
    const f = precheckFreshEvaluator(
      hostsSaying(() => `${NOW}\nmissing\n`),
      await freshStep(),
    );
    expect(f[0]?.status).toBe('fail');
    expect(f[0]?.evidence).toMatch(
      /no passed precheck of obcluster is recorded on ob-1.*run \/precheck <site> ob obcluster first/,
    );
  });

  it('refuses a precheck older than the validity, with its age', async () => {
    const f = precheckFreshEvaluator(
      hostsSaying((h) => `${NOW}\n${h === 'ob-2' ? NOW - 7500 : NOW - 60}\n${record('obcluster')}\n`),
      await freshStep(),
    );
    expect(f[0]).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('the precheck recorded on ob-2 passed 2h 5m ago'),
    });
  });

  it('does not accept the record of another cluster', async () => {
    const f = precheckFreshEvaluator(
      hostsSaying(() => `${NOW}\n${NOW - 60}\n${record('obsmall')}\n`),
      await freshStep(),
    );
    expect(f[0]?.status).toBe('fail');
  });
});

describe('server_permanent_offline_time', () => {
  it('records every server value and refuses an odd one rather than quoting it back later', () => {
    const step = {} as CheckStep;
    const rows = [
      { svr_ip: '10.0.0.1', svr_port: 2882, value: '3600s' },
      { svr_ip: '10.0.0.2', svr_port: 2882, value: '3600s' },
    ];
    const ok = previousOfflineTimeEvaluator([{ target: 'obcluster', exitCode: 0, stdout: '', stderr: '', rows }], step);
    expect(ok[0]).toMatchObject({
      status: 'pass',
      title: 'recorded server_permanent_offline_time (3600s) on 2 server(s)',
    });
    const bad = previousOfflineTimeEvaluator(
      [
        {
          target: 'obcluster',
          exitCode: 0,
          stdout: '',
          stderr: '',
          rows: [{ svr_ip: '10.0.0.1', svr_port: 2882, value: "1h'; drop" }],
        },
      ],
      step,
    );
    expect(bad[0]?.status).toBe('fail');
  });

  it('restores the values another step recorded and waits until every server shows them', async () => {
    const site = await labXizang();
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const sql = new FakeSqlSession()
      .on(/^select distinct tenant_id/, [{ tenant_id: 1 }, { tenant_id: 1001 }])
      .on(/^alter system set server_permanent_offline_time = '3600s'$/, [])
      .on(/__all_virtual_sys_parameter_stat/, one(0, 'cnt'));
    const run = runWith({
      'precheck-fresh': {
        status: 'succeeded',
        attempt: 1,
        findings: [
          {
            status: 'pass',
            title: 't',
            evidence: previousEvidence([{ svrIp: '10.0.0.1', svrPort: 2882, value: '3600s' }]),
          },
        ],
      },
    });
    const ctx = programContext(site, stepOf(plan, 'restore-offline-time'), sql, run);
    const f = await restoreOfflineTimeProgram(ctx, { fromStep: 'precheck-fresh' });
    expect(f.map((x) => x.status)).toEqual(['pass']);
    expect(sql.calls.map((c) => c.statement)).toContain("alter system set server_permanent_offline_time = '3600s'");
  });

  it('fails plainly when nothing was recorded, instead of guessing a value', async () => {
    const site = await labXizang();
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const ctx = programContext(site, stepOf(plan, 'restore-offline-time'), new FakeSqlSession());
    const f = await restoreOfflineTimeProgram(ctx, { fromStep: 'precheck-fresh' });
    expect(f[0]).toMatchObject({ status: 'fail', evidence: expect.stringContaining('recorded no previous value') });
  });
});

describe('wait steps', () => {
  it('reports its wait as it goes (value last seen, done at the end) and passes once the zone is INACTIVE', async () => {
    const site = await labXizang();
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const step = stepOf(plan, 'zone1-wait-inactive');
    let polls = 0;
    const sql = new FakeSqlSession()
      .on(/^select distinct tenant_id/, [{ tenant_id: 1 }])
      .on(/DBA_OB_ZONES WHERE STATUS = 'INACTIVE'/, () => one(++polls >= 3 ? 1 : 0));
    const ctx = programContext(site, step, sql);
    const f = await waitProgram(ctx, step.program?.args ?? {});
    expect(f).toEqual([expect.objectContaining({ status: 'pass', title: 'zone zone1 is INACTIVE' })]);
    expect(ctx.waits.map((w) => [w.awaited, w.lastValue, w.elapsedMs, w.done])).toEqual([
      ['zone zone1 is INACTIVE', '0 (want 1)', 0, false],
      ['zone zone1 is INACTIVE', '0 (want 1)', 5000, false],
      ['zone zone1 is INACTIVE', '1 (want 1)', 10_000, true],
    ]);
    expect(ctx.lines).toEqual([]);
  });

  it('on a timeout states the zone and the decision it needs', async () => {
    const site = await labXizang();
    const plan = registry.buildPlan('ob-upgrade', site, { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const step = stepOf(plan, 'zone2-wait-active');
    const sql = new FakeSqlSession().on(/^select distinct tenant_id/, [{ tenant_id: 1 }]).on(/DBA_OB_ZONES/, one(0));
    const ctx = programContext(site, step, sql);
    const f = await waitProgram(ctx, step.program?.args ?? {});
    expect(f.at(-1)).toMatchObject({ status: 'fail' });
    expect(ctx.waits.at(-1)).toMatchObject({
      awaited: 'zone zone2 is ACTIVE',
      lastValue: 'timed out (0 (want 1))',
      done: true,
    });
    expect(f.at(-1)?.evidence).toMatch(
      /not reached within 300 s.*Zone zone2 runs 4\.3\.5\.5 but is not ACTIVE after START ZONE\. Decide:/,
    );
  });
});

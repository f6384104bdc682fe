import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/plan/run-state.ts';
import type { Plan, Step } from '../../../src/core/plan/step-schema.ts';
import { createSqlSession, type ObSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { checkerProgram } from '../../../src/runbooks/oceanbase/precheck/checker-program.ts';
import {
  previousOfflineTimeEvaluator,
  restoreOfflineTimeProgram,
} from '../../../src/runbooks/oceanbase/precheck/offline-time-steps.ts';
import { waitProgram } from '../../../src/runbooks/oceanbase/health/wait-program.ts';
import { createObFixture, uniqueFixtureName, type ObFixture } from '../../support/oceanbase/ob-fixture.ts';
import { HEALTHY, SEVERAL } from '../../support/oceanbase/scenarios.ts';
import { labXizang, programContext, registry, runWith, stepOf } from '../../unit/runbooks/oceanbase/ob-fixture-site.ts';

/** The ob-precheck runbook's steps run, in plan order, against the MariaDB fixture through the real SQL session. */
let fixture: ObFixture;
let sql: ObSqlSession;
let plan: Plan;
let site: Awaited<ReturnType<typeof labXizang>>;

beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
  sql = await createSqlSession(fixture.endpoint);
  site = await labXizang();
  plan = registry.buildPlan('ob-precheck', site, { cluster: 'obcluster' });
});

afterAll(async () => {
  await sql?.close();
  await fixture?.drop();
});

async function runChecker(): Promise<{ findings: readonly Finding[]; lines: string[] }> {
  const step = stepOf(plan, 'upgrade-checker');
  const ctx = programContext(site, step, sql);
  return { findings: await checkerProgram(ctx, step.program?.args ?? {}), lines: ctx.lines };
}

describe('ob-precheck against the fixture', () => {
  it('passes a healthy cluster and lists every check it ran, with the report attached', async () => {
    await fixture.load(HEALTHY);
    const { findings, lines } = await runChecker();
    expect(lines[0]).toMatch(/running the 27 checks/);
    expect(findings).toHaveLength(28);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
    expect(findings[0]).toMatchObject({
      status: 'pass',
      evidence: expect.stringMatching(
        /^upgrade checker passed: \d+ passed, \d+ warnings?, 7 skipped \(version gate does not hold\)$/,
      ),
    });
    expect(findings[0]?.attachment?.text).toMatch(/PASS check_observer_version/);
    expect(findings.find((f) => f.title.startsWith('check_ddl_task_execute'))?.evidence).toMatch(
      /checked with 1 statement\(s\): .*__all_virtual_ddl_task_status/,
    );
  });

  it('reports every failure together with the script messages, not only the first', async () => {
    await fixture.load(SEVERAL);
    const { findings } = await runChecker();
    const failed = findings.slice(1).filter((f) => f.status === 'fail');
    expect(failed.map((f) => f.evidence)).toEqual(SEVERAL.failures.map(([, message]) => message));
    expect(findings[0]).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(/^upgrade checker failed with 5 reasons: \[2 replicas unsync, please check\] /),
    });
  });

  it('records the old server_permanent_offline_time, raises it to 72h, waits, and restores the recorded value', async () => {
    await fixture.load(HEALTHY);
    const record = stepOf(plan, 'record-offline-time');
    const read = await sql.query(record.sql[0] ?? '');
    const recorded = previousOfflineTimeEvaluator(
      [{ target: 'obcluster', exitCode: 0, stdout: '', stderr: '', rows: read.rows }],
      record as never,
    );
    expect(recorded[0]).toMatchObject({
      status: 'pass',
      title: 'recorded server_permanent_offline_time (3600s) on 3 server(s)',
    });

    for (const s of stepOf(plan, 'raise-offline-time').sql) await sql.query(s);
    const wait: Step = stepOf(plan, 'wait-offline-time');
    expect((await waitProgram(programContext(site, wait, sql), wait.program?.args ?? {})).map((f) => f.status)).toEqual(
      ['pass'],
    );
    expect(
      (
        await sql.query(
          "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'",
        )
      ).rows,
    ).toEqual([{ VALUE: '72h' }]);

    const raise = stepOf(plan, 'raise-offline-time');
    const restore = raise.kind === 'action' ? raise.rollback?.steps[0] : undefined;
    if (restore === undefined) throw new Error('no restore step');
    const run = runWith({ 'record-offline-time': { status: 'succeeded', attempt: 1, findings: recorded } });
    const restored = await restoreOfflineTimeProgram(
      programContext(site, restore as Step, sql, run),
      restore.program?.args ?? {},
    );
    expect(restored.map((f) => f.status)).toEqual(['pass']);
    expect(
      (
        await sql.query(
          "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'server_permanent_offline_time'",
        )
      ).rows,
    ).toEqual([{ VALUE: '3600s' }]);
  });
});

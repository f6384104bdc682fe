import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../../src/core/plan/run-state.ts';
import { checkerProgram } from '../../../../../src/runbooks/oceanbase/precheck/checker-program.ts';
import { cpuArchEvaluator, cpuArchFoundBy } from '../../../../../src/runbooks/oceanbase/precheck/cpu-arch-probe.ts';
import { COMPATIBLE_SQL } from '../../../../../src/runbooks/oceanbase/checker/check-helpers.ts';
import { FakeSqlSession, one } from '../../../../support/oceanbase/fake-sql-session.ts';
import { labXizang, programContext, registry, runWith, stepOf } from '../ob-fixture-site.ts';

const answer = (target: string, stdout: string, exitCode: number | null = 0) => ({
  target,
  exitCode,
  stdout,
  stderr: '',
});
const evaluate = (results: Parameters<typeof cpuArchEvaluator>[0]): Finding => {
  const [f] = cpuArchEvaluator(results, undefined as never);
  if (f === undefined) throw new Error('no finding');
  return f;
};

describe('the CPU architecture of the observers (-C of upgrade_checker.py)', () => {
  it('is avx2 when every host lists it, and avx2_not_support naming the hosts without it', () => {
    const all = evaluate([answer('ob-1', 'avx2\n'), answer('ob-2', 'avx2\n')]);
    expect(all).toMatchObject({ status: 'pass', evidence: '-C avx2: AVX2 on ob-1, ob-2' });
    const one2 = evaluate([answer('ob-1', 'avx2\n'), answer('ob-2', 'no-avx2 1\n'), answer('ob-3', 'avx2\n')]);
    expect(one2).toMatchObject({
      status: 'pass',
      evidence: '-C avx2_not_support: AVX2 on ob-1, ob-3; no AVX2 on ob-2',
    });
  });

  it('is unknown, as a warning naming the host, when a /proc/cpuinfo cannot be read', () => {
    const f = evaluate([answer('ob-1', 'avx2\n'), answer('ob-2', 'no-avx2 2\n')]);
    expect(f).toMatchObject({
      status: 'warn',
      evidence: '-C unknown: /proc/cpuinfo not read on ob-2 (exit 0: no-avx2 2); AVX2 on ob-1',
    });
  });

  it('hands the value found to the checks, whose cs_encoding check then runs only without AVX2', async () => {
    const site = await labXizang();
    const step = stepOf(registry.buildPlan('ob-precheck', site, { cluster: 'obcluster' }), 'upgrade-checker');
    const cluster = () =>
      new FakeSqlSession()
        .on(/^select /i, one(0))
        .on(/min_observer_version/, [{ value: '4.3.2.0' }])
        .on(COMPATIBLE_SQL, [{ value: '4.3.2.0' }]);
    const ran = async (evidence: string) => {
      const sql = cluster();
      const run = runWith({
        'cpu-arch': { status: 'succeeded', attempt: 1, findings: [{ status: 'pass', title: 'cpu', evidence }] },
      });
      expect(cpuArchFoundBy(run, 'cpu-arch')).toBe(evidence.split(':')[0]?.slice(3));
      const ctx = programContext(site, step, sql, run);
      await checkerProgram(ctx, step.program?.args ?? {});
      return { csQueries: sql.calls.filter((c) => /cs_encoding_row_store/.test(c.statement)).length, lines: ctx.lines };
    };
    const without = await ran('-C avx2_not_support: AVX2 on ob-1, ob-3; no AVX2 on ob-2');
    expect(without.csQueries).toBe(1);
    expect(without.lines[0]).toMatch(/\(-C avx2_not_support;/);
    expect((await ran('-C avx2: AVX2 on ob-1, ob-2, ob-3')).csQueries).toBe(0);
  });
});

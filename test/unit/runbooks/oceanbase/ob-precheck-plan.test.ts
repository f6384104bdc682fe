import { describe, expect, it } from 'vitest';
import { choicesForKind } from '../../../../src/approvals/choices-for-kind.ts';
import { labXizang, registry, stepOf } from './ob-fixture-site.ts';

describe('ob-precheck plan', () => {
  it('asks every observer host for AVX2 first, then runs the checker with that -C as a check that cannot be marked done', async () => {
    const plan = registry.buildPlan('ob-precheck', await labXizang(), { cluster: 'obcluster' });
    expect(plan.steps[0]).toMatchObject({
      id: 'cpu-arch',
      kind: 'check',
      targets: { kind: 'hosts', hosts: ['ob-1', 'ob-2', 'ob-3'] },
      commands: ['ob-1', 'ob-2', 'ob-3'].map((host) => ({
        host,
        command: 'if grep -qw avx2 /proc/cpuinfo; then echo avx2; else echo "no-avx2 $?"; fi',
      })),
    });
    const checker = plan.steps[1]!;
    expect(checker.program?.args).toEqual({ cpuArchStep: 'cpu-arch' });
    expect(checker).toMatchObject({
      id: 'upgrade-checker',
      kind: 'check',
      targets: { kind: 'sql', target: 'obcluster' },
    });
    expect(checker.kind === 'check' && checker.advisory).toBeFalsy();
    expect(choicesForKind('failure')).not.toContain('mark-done');
  });

  it('makes the 72h change a gated step of its own, after recording the old values, with a wait and a restore', async () => {
    const plan = registry.buildPlan('ob-precheck', await labXizang(), { cluster: 'obcluster' });
    expect(plan.steps.map((s) => s.id)).toEqual([
      'cpu-arch',
      'upgrade-checker',
      'record-offline-time',
      'raise-offline-time',
      'wait-offline-time',
      'record-pass',
    ]);
    const raise = stepOf(plan, 'raise-offline-time');
    expect(raise.sql).toEqual(["alter system set server_permanent_offline_time = '72h'"]);
    expect(raise.destructive && raise.gate !== undefined).toBe(true);
    expect(raise.kind === 'action' ? raise.rollback?.steps[0]?.program?.args : {}).toEqual({
      fromStep: 'record-offline-time',
    });
  });

  it('refuses a cluster the site does not have', async () => {
    expect(() => registry.buildPlan('ob-precheck', {} as never, { cluster: 'x' })).toThrow();
    const site = await labXizang();
    expect(() => registry.buildPlan('ob-precheck', site, { cluster: 'x' })).toThrowError(/no OceanBase cluster x/);
  });

  it('takes -C as given instead of asking the hosts', async () => {
    const plan = registry.buildPlan('ob-precheck', await labXizang(), { cluster: 'obcluster', cpuArch: 'avx2' });
    expect(plan.steps[0]?.id).toBe('upgrade-checker');
    expect(plan.steps[0]?.program?.args).toEqual({ cpuArch: 'avx2' });
  });
});

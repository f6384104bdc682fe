import { describe, expect, it } from 'vitest';
import {
  pickVariant,
  specialActionOps,
  specialActionVariants,
  type SpecialOp,
} from '../../../../../src/runbooks/oceanbase/upgrade/special-action.ts';
import {
  restoreActions,
  type UpgradeRecord,
} from '../../../../../src/runbooks/oceanbase/upgrade/upgrade-parameters.ts';
import {
  specialActionProgram,
  specialActionStep,
} from '../../../../../src/runbooks/oceanbase/upgrade/special-action-steps.ts';
import type { Step } from '../../../../../src/core/plan/step-schema.ts';
import { tenantUpgradeSteps } from '../../../../../src/runbooks/oceanbase/upgrade/tenant-upgrade-steps.ts';
import { FakeSqlSession, one } from '../../../../support/oceanbase/fake-sql-session.ts';
import { labXizang, programContext, registry, stepOf } from '../ob-fixture-site.ts';

const statements = (ops: readonly SpecialOp[]) =>
  ops.flatMap((o) => (o.kind === 'sql' ? o.statements : [`-- settle ${o.seconds} s`]));
const waitsOf = (ops: readonly SpecialOp[]) => ops.flatMap((o) => (o.kind === 'sql' ? o.waits.map((w) => w.sql) : []));

describe('special_action variants', () => {
  it('from 4.2.1.0 or later: per-scope tenant statements, the settle, the merge check, suspend per scope, rebalance off for sys only', () => {
    const ops = specialActionOps('4.3.5.4', '4.3.5.5', 120);
    expect(statements(ops)).toEqual([
      "alter system set enable_ddl = 'False'",
      "alter system set enable_major_freeze = 'False'",
      "alter system set _enable_adaptive_compaction = 'False' tenant = 'sys'",
      "alter system set _enable_adaptive_compaction = 'False' tenant = 'all_user'",
      "alter system set _enable_adaptive_compaction = 'False' tenant = 'all_meta'",
      "alter system set _ob_enable_direct_load = 'False'",
      '-- settle 120 s',
      'alter system suspend merge tenant = sys',
      'alter system suspend merge tenant = all_user',
      'alter system suspend merge tenant = all_meta',
      "alter system set enable_rebalance = 'False' tenant = 'sys'",
    ]);
    const waits = waitsOf(ops);
    expect(waits[0]).toBe(
      "select count(*) as cnt from oceanbase.GV$OB_PARAMETERS where name = 'enable_ddl' and value != 'False'",
    );
    expect(waits.some((w) => w.includes('CDB_OB_MAJOR_COMPACTION'))).toBe(true);
    expect(waits.at(-1)).toMatch(
      /__all_virtual_tenant_parameter_info where name = 'enable_rebalance' and value != 'False' and tenant_id in \(select tenant_id from oceanbase.__all_tenant where tenant_id = 1\)/,
    );
    const merge = ops
      .flatMap((o) => (o.kind === 'sql' ? o.waits : []))
      .filter((w) => w.id.startsWith('special-major-merge'));
    expect(merge.map((w) => w.timeout)).toEqual([
      { kind: 'fixed', seconds: 600 },
      { kind: 'fixed', seconds: 600 },
    ]);
    const tenantWait = ops
      .flatMap((o) => (o.kind === 'sql' ? o.waits : []))
      .find((w) => w.sql.includes('_enable_adaptive_compaction'));
    expect(tenantWait).toMatchObject({
      timeout: { kind: 'per-tenant', perTenantSec: 10, minSec: 60 },
      intervalSec: 5,
      timeoutMessage: 'check _enable_adaptive_compaction:False sync timeout',
    });
  });

  it("below 4.2.1.0 uses one tenant = 'all' per statement", () => {
    const s = statements(specialActionOps('4.2.0.0', '4.3.5.5', 120));
    expect(s).toContain("alter system set _enable_adaptive_compaction = 'False' tenant = 'all'");
    expect(s).toContain('alter system suspend merge tenant = all');
    expect(s.filter((x) => x.includes('_enable_adaptive_compaction'))).toHaveLength(1);
    expect(s.at(-1)).toBe("alter system set enable_rebalance = 'False' tenant = 'sys'");
  });

  it('crossing 4.2.0.0 turns the bloom filter off for every tenant and rebalance off cluster-wide', () => {
    const s = statements(specialActionOps('4.1.0.2', '4.3.5.5', 120));
    expect(s.slice(-2)).toEqual([
      "alter system set _bloom_filter_enabled = 'False' tenant = 'all'",
      "alter system set enable_rebalance = 'False'",
    ]);
    expect(
      statements(specialActionOps('4.2.1.2', '4.3.5.5', 120)).some((x) => x.includes('_bloom_filter_enabled')),
    ).toBe(false);
  });

  it('skips everything when the cluster already runs the target', () => {
    expect(specialActionOps('4.3.5.5', '4.3.5.5', 120)).toEqual([]);
  });

  it('lists only the variants a cluster older than the target can be in, and picks by the version read at run time', () => {
    const all = specialActionVariants('4.3.5.5', 120);
    if (!all.ok) throw new Error(all.error);
    expect(all.value.map((v) => [v.id, v.when])).toEqual([
      ['same-version', 'cluster version = 4.3.5.5'],
      ['from-4.2.1-or-later', 'cluster version >= 4.2.1.0 and < 4.3.5.5'],
      ['from-4.2.0', 'cluster version >= 4.2.0.0 and < 4.2.1.0'],
      ['from-before-4.2', 'cluster version < 4.2.0.0'],
    ]);
    const pick = (vals: string[]) => {
      const r = pickVariant(all.value, vals, '4.3.5.5');
      return r.ok ? r.value.id : r.error;
    };
    expect(pick(['4.3.5.4'])).toBe('from-4.2.1-or-later');
    expect(pick(['4.2.0.0'])).toBe('from-4.2.0');
    expect(pick(['4.1.0.2'])).toBe('from-before-4.2');
    expect(pick(['4.3.5.5'])).toBe('same-version');
    expect(pick(['4.4.0.0'])).toBe('the cluster version 4.4.0.0 is newer than the target 4.3.5.5');
    expect(pick(['4.3.5.4', '4.3.5.5'])).toBe(
      'min_observer_version is not the same on every server (4.3.5.4, 4.3.5.5)',
    );
    const to420 = specialActionVariants('4.2.0.0', 120);
    expect(to420.ok && to420.value.map((v) => v.id)).toEqual(['same-version', 'from-before-4.2']);
  });
});

describe('the plan', () => {
  it('records, then gates special_action (not destructive, every variant shown, rollback restores), and runs the tenant upgrade and post_check in the script order', async () => {
    const plan = registry.buildPlan('ob-upgrade', await labXizang(), { cluster: 'obcluster', toVersion: '4.3.5.5' });
    const ids = plan.steps.map((s) => s.id);
    const order = [
      'pre-health',
      'upgrade-record',
      'begin-upgrade',
      'wait-rolling-stage',
      'special-action',
      'zone1-health',
      'wait-cluster-version',
      'tenant-upgrade-job',
      'root-inspection',
      'syslog-level',
      'end-upgrade',
      'wait-upgrade-mode-off',
      'post-check-data-version',
      'post-check-restore',
      'restore-offline-time',
    ];
    expect(order.map((id) => ids.indexOf(id))).toEqual(order.map((id) => ids.indexOf(id)).sort((a, b) => a - b));
    const special = stepOf(plan, 'special-action');
    expect(special.kind === 'action' && special.gate !== undefined && !special.destructive).toBe(true);
    expect(special.kind === 'action' ? special.rollback?.steps.map((s) => s.program?.id) : []).toEqual([
      'ob.restore-recorded',
    ]);
    expect(JSON.stringify(special.program?.args)).toContain(
      "alter system set _enable_adaptive_compaction = 'False' tenant = 'all'",
    );
    expect(JSON.stringify(special.program?.args)).toContain('"kind":"settle","seconds":5');
    // 4.3.5.5's own post action only (a plan to another target is refused: checker-targets.test.ts).
    expect(tenantUpgradeSteps('obcluster', '4.3.5.4').map((s) => s.id)).not.toContain('syslog-level');
  });
});

describe('a variant fixed when the plan was built', () => {
  it('carries only the variant of the version planning read, and stops without changing anything when the cluster is no longer in it', async () => {
    const step = specialActionStep('obcluster', '4.3.5.5', 120, '4.2.0.1') as Step;
    const variants = step.program?.args['variants'] as { id: string }[];
    expect(variants.map((v) => v.id)).toEqual(['from-4.2.0']);
    const sql = new FakeSqlSession().on(/min_observer_version/, one('4.3.5.4'));
    const f = await specialActionProgram(programContext(await labXizang(), step, sql), step.program?.args ?? {});
    expect(f).toEqual([
      {
        status: 'fail',
        title: 'cluster version',
        evidence: expect.stringMatching(
          /^no special_action variant covers cluster version 4\.3\.5\.4 \(planned: cluster version >= 4\.2\.0\.0 and < 4\.2\.1\.0\); nothing has been changed/,
        ),
      },
    ]);
    expect(sql.calls.map((c) => c.statement).filter((s) => /^alter/.test(s))).toEqual([]);
  });
});

describe('with the route read when planning', () => {
  it('the plan carries the variant of the version planning read, so the gate shows exactly what will run', async () => {
    const route = {
      from: '4.3.5.4',
      path: ['4.3.5.4', '4.3.5.5'],
      hops: ['4.3.5.5'],
      route: '4.3.5.4 -> 4.3.5.5',
      depFile: 'oceanbase-ce-4.3.5.5.rpm',
    };
    const plan = registry.buildPlan(
      'ob-upgrade',
      await labXizang(),
      { cluster: 'obcluster', toVersion: '4.3.5.5' },
      { route },
    );
    const variants = stepOf(plan, 'special-action').program?.args['variants'] as { id: string }[];
    expect(variants.map((v) => v.id)).toEqual(['from-4.2.1-or-later']);
  });
});

describe('restoring the recorded values', () => {
  const server = (ip: string) => ({ svrIp: ip, svrPort: 2882 });
  const before: UpgradeRecord = {
    values: [
      { name: 'enable_ddl', ...server('10.0.0.1'), value: 'True' },
      { name: 'enable_ddl', ...server('10.0.0.2'), value: 'True' },
      { name: 'enable_rereplication', ...server('10.0.0.1'), value: 'False' },
      { name: 'enable_rebalance', tenantId: 1, tenantName: 'sys', ...server('10.0.0.1'), value: 'True' },
      { name: 'enable_rebalance', tenantId: 1002, tenantName: 'biz', ...server('10.0.0.1'), value: 'True' },
    ],
    suspended: [{ id: 1004, name: 'ora' }],
  };

  it("puts back only what differs now, keeps an operator's own settings, and resumes only the merges the run suspended", () => {
    const now: UpgradeRecord = {
      values: before.values.map((v) =>
        v.name === 'enable_ddl' || (v.name === 'enable_rebalance' && v.tenantId === 1) ? { ...v, value: 'False' } : v,
      ),
      suspended: [
        { id: 1, name: 'sys' },
        { id: 1002, name: 'biz' },
        { id: 1003, name: 'META$1004' },
        { id: 1004, name: 'ora' },
      ],
    };
    expect(restoreActions(before, now).map((a) => a.statement)).toEqual([
      "alter system set enable_ddl = 'True'",
      "alter system set enable_rebalance = 'True' tenant = 'sys'",
      'alter system resume merge tenant = sys',
      'alter system resume merge tenant = biz',
      'alter system resume merge tenant = all_meta',
    ]);
    expect(restoreActions(before, before)).toEqual([]);
  });
});

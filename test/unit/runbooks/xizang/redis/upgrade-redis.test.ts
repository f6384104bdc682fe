import { beforeAll, describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../../src/core/engine/render-plan.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
let text: string;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-redis', await labXizang(), {});
  text = allCommandText(plan);
});

describe('upgrade-redis plan', () => {
  it('runs the seed steps in order: inspect, SAVE, stop, back up, ADM install, vesta-safe restore, verify', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'r01-inspect',
      'r02-save-fingerprint',
      'r03-stop',
      'r04-backup',
      'r05-adm-install',
      'r06-pause-new',
      'r07-restore-dump',
      'r08-start-new',
      'r09-verify',
    ]);
  });

  it('carries none of the seed slips', () => {
    expect(text).not.toMatch(/keeplived|redis\.cnf|rdb\.dump/);
    expect(text).toContain('/etc/redis/redis.conf');
  });

  it('moves every path once, with -T so that nothing nests into an existing _bak, guarded by "backup absent"', () => {
    const backup = plan.steps.find((s) => s.id === 'r04-backup');
    const cmd = backup?.commands.find((c) => c.host === 'redis-a')?.command ?? '';
    const moves = cmd.split(' && ');
    expect(moves).toEqual([
      'mv -T -- /app/soft/redis-5.0.5 /app/soft/redis-5.0.5_bak',
      'mv -T -- /app/soft/keepalived /app/soft/keepalived_bak',
      'mv -T -- /etc/init.d/redis /etc/init.d/redis_bak',
      'mv -T -- /etc/init.d/keepalived /etc/init.d/keepalived_bak',
      'mv -T -- /app/redis_data /app/redis_data_bak',
      'mv -T -- /etc/redis/redis.conf /etc/redis/redis.conf_bak',
      'mv -T -- /etc/keepalived/keepalived.conf /etc/keepalived/keepalived.conf_bak',
    ]);
    expect(backup?.preconditions).toContainEqual({
      kind: 'path-absent',
      path: '/app/redis_data_bak',
      hosts: ['redis-b'],
    });
    expect(backup?.preconditions).toContainEqual({
      kind: 'service',
      name: 'redis',
      state: 'stopped',
      hosts: ['redis-a'],
    });
    const restore = backup?.kind === 'action' ? backup.rollback?.steps[0] : undefined;
    expect(restore?.commands[0]?.command.split(' && ')[0]).toBe(
      'mv -T -- /etc/keepalived/keepalived.conf_bak /etc/keepalived/keepalived.conf',
    );
  });

  it('gates every destructive step and gives each action a rollback or a reason', () => {
    for (const s of plan.steps) {
      if (s.destructive) expect(s.gate, s.id).toBeDefined();
      if (s.kind !== 'check') expect(s.rollback !== undefined || s.irreversible !== undefined, s.id).toBe(true);
    }
    expect(plan.steps.filter((s) => s.destructive).map((s) => s.id)).toEqual([
      'r03-stop',
      'r04-backup',
      'r06-pause-new',
      'r07-restore-dump',
    ]);
  });

  it('never puts the password on a command line: ADM reads it on stdin from the backed-up config', () => {
    const adm = plan.steps.find((s) => s.id === 'r05-adm-install');
    expect(adm?.kind).toBe('manual');
    if (adm?.kind !== 'manual') return;
    expect(adm.parameters).toMatchObject({
      instance: '易联众-公共服务子系统Redis-A',
      vip: '10.77.0.100',
      password: expect.stringContaining('not shown'),
    });
    expect(adm.standIn?.[0]?.command).toMatch(
      /^sed -n .*\/etc\/redis\/redis\.conf_bak \| tail -n 1 \| tr -d '"' \| \/opt\/adm\/bin\/adm install redis-ha --instance/,
    );
    expect(text).not.toMatch(/redis-cli[^\n]* -a /);
    expect(adm.rollback?.steps[0]).toMatchObject({ kind: 'manual', id: 'r05-adm-uninstall', destructive: true });
  });

  it('restores the dump named by dbfilename of the old config into the new one, on the master only, while stopped', () => {
    const r07 = plan.steps.find((s) => s.id === 'r07-restore-dump');
    expect(r07?.targets).toEqual({ kind: 'hosts', hosts: ['redis-a'] });
    expect(r07?.commands[0]?.command).toContain("dbfilename[[:space:]][[:space:]]*//p' /etc/redis/redis.conf_bak");
    expect(r07?.commands[0]?.command).toContain('src=/app/redis_data_bak/"$f"');
    expect(r07?.preconditions).toContainEqual({ kind: 'service', name: 'redis', state: 'stopped' });
    const pause = plan.steps.find((s) => s.id === 'r06-pause-new');
    expect(pause?.commands.map((c) => c.host)).toEqual(['redis-b', 'redis-a']);
    expect(plan.steps.find((s) => s.id === 'r08-start-new')?.commands.map((c) => c.host)).toEqual([
      'redis-a',
      'redis-b',
    ]);
  });

  it('verifies the fingerprint after the upgrade and after a rollback', () => {
    const verify = plan.steps.find((s) => s.id === 'r09-verify');
    expect(JSON.stringify(verify?.verify)).toContain('fingerprint-equal');
    const stop = plan.steps.find((s) => s.id === 'r03-stop');
    expect(stop?.kind === 'action' && JSON.stringify(stop.rollback?.steps[0]?.verify)).toContain('fingerprint-equal');
  });

  it('renders a dry run a person can approve', () => {
    expect(renderPlan(plan)).toContain('rollback r05-adm-uninstall: ADM: uninstall 易联众-公共服务子系统Redis-A');
  });
});

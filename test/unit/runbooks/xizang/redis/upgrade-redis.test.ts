import { beforeAll, describe, expect, it } from 'vitest';
import { renderPlan } from '../../../../../src/core/engine/render-plan.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import { allCommandText, labXizang, registry } from '../xizang-fixture.ts';
import { movesOf, serviceDefinitionMoves } from '../../../../support/moves.ts';

let plan: Plan;
let text: string;
beforeAll(async () => {
  plan = registry.buildPlan('upgrade-redis', await labXizang(), {});
  text = allCommandText(plan);
});

describe('upgrade-redis plan', () => {
  it('runs the seed steps in order: inspect, arm the final dump, stop, digest it, back up, ADM install, vesta-safe restore, verify', () => {
    expect(plan.steps.map((s) => s.id)).toEqual([
      'r00-site-check',
      'r01-inspect',
      'r02-arm-final-dump',
      'r03-stop',
      'r03-final-dump',
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
    expect(movesOf(cmd)).toEqual([
      '/app/soft/redis-5.0.5 -> /app/soft/redis-5.0.5_bak',
      '/app/soft/keepalived -> /app/soft/keepalived_bak',
      ...serviceDefinitionMoves('redis'),
      ...serviceDefinitionMoves('keepalived'),
      '/app/redis_data -> /app/redis_data_bak',
      '/etc/redis/redis.conf -> /etc/redis/redis.conf_bak',
      '/etc/keepalived/keepalived.conf -> /etc/keepalived/keepalived.conf_bak',
    ]);
    // The init script or the unit, whichever the host has, each moved only when it exists.
    expect(cmd).toContain('if [ -e /etc/init.d/redis ]; then mv -T -- /etc/init.d/redis /etc/init.d/redis_bak; fi');
    expect(backup?.preconditions).toContainEqual({
      kind: 'path-absent',
      path: '/app/redis_data_bak',
      hosts: ['redis-b'],
    });
    // Stopped as the software shows it: no redis-server of the old home, port 6379 closed.
    expect(backup?.preconditions).toContainEqual(
      expect.objectContaining({
        kind: 'service',
        name: 'redis',
        state: 'stopped',
        process: '/app/soft/redis-5.0.5/bin/redis-server',
        port: 6379,
        hosts: ['redis-a'],
      }),
    );
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
    // The password read on the host from the backed-up config (as Redis reads it) and piped to ADM's stdin.
    expect(adm.standIn?.[0]?.command).toMatch(
      /^awk -v want=requirepass -v conf=\/etc\/redis\/redis\.conf_bak '.*' \| \/opt\/adm\/bin\/adm install redis-ha --instance/,
    );
    expect(text).not.toMatch(/redis-cli[^\n]* -a /);
    expect(adm.rollback?.steps[0]).toMatchObject({ kind: 'manual', id: 'r05-adm-uninstall', destructive: true });
  });

  it('restores the dump named by dbfilename of the old config into the new one, on the master only, while stopped', () => {
    const r07 = plan.steps.find((s) => s.id === 'r07-restore-dump');
    expect(r07?.targets).toEqual({ kind: 'hosts', hosts: ['redis-a'] });
    expect(r07?.commands[0]?.command).toContain('f=$(awk -v want=dbfilename -v conf=/etc/redis/redis.conf_bak ');
    expect(r07?.commands[0]?.command).toContain('src=/app/redis_data_bak/"$f"');
    // The new instance is stopped: its process (started from the new home, now moved aside) gone, port closed.
    expect(r07?.preconditions).toContainEqual(
      expect.objectContaining({
        kind: 'service',
        name: 'redis',
        state: 'stopped',
        process: '/app/soft/redis/bin/redis-server',
        port: 6379,
      }),
    );
    const pause = plan.steps.find((s) => s.id === 'r06-pause-new');
    expect(pause?.commands.map((c) => c.host)).toEqual(['redis-b', 'redis-a']);
    expect(plan.steps.find((s) => s.id === 'r08-start-new')?.commands.map((c) => c.host)).toEqual([
      'redis-a',
      'redis-b',
    ]);
  });

  it('compares the data with the final dump after the upgrade and after a rollback of the stop', () => {
    const verify = plan.steps.find((s) => s.id === 'r09-verify');
    expect(JSON.stringify(verify?.verify)).toContain('^data-equal$');
    const stop = plan.steps.find((s) => s.id === 'r03-stop');
    const undo = stop?.kind === 'action' ? stop.rollback?.steps : [];
    expect(undo?.map((s) => s.id)).toEqual(['r03-stop-undo', 'r03-stop-undo-data', 'r03-stop-undo-replicas']);
    expect(JSON.stringify(undo?.[1]?.verify)).toContain('^data-equal$');
  });

  it('renders a dry run a person can approve', () => {
    expect(renderPlan(plan)).toContain('rollback r05-adm-uninstall: ADM: uninstall 易联众-公共服务子系统Redis-A');
  });
});

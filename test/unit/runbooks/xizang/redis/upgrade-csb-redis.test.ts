import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../../src/commands/parse-command.ts';
import { DEFAULT_COMMAND_RUNBOOKS, runbookFor } from '../../../../../src/core/engine/command-runbooks.ts';
import { renderPlan } from '../../../../../src/core/engine/render-plan.ts';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import type { Site } from '../../../../../src/core/sites/site.ts';
import { allCommandText, labXizang, registry } from '../xizang-fixture.ts';

let site: Site;
let csb: Plan;
let business: Plan;
beforeAll(async () => {
  site = await labXizang();
  csb = registry.buildPlan('upgrade-csb-redis', site, {});
  business = registry.buildPlan('upgrade-redis', site, {});
});

describe('upgrade-csb-redis plan', () => {
  it('is the Redis phase over middleware.csbRedis: the same steps, on the CSB hosts only', () => {
    expect(csb.runbook).toBe('upgrade-csb-redis');
    expect(csb.title).toBe('Upgrade the CSB gateway Redis csb-redis at xizang through ADM');
    expect(csb.steps.map((s) => s.id)).toEqual(business.steps.map((s) => s.id));
    // The site check reads the whole site; what it refuses on is the CSB Redis and its hosts.
    const [check, ...rest] = csb.steps;
    expect(check?.program?.args).toMatchObject({
      sections: [['middleware', 'csbRedis', 0]],
      hosts: ['csb-redis-a', 'csb-redis-b'],
    });
    const hosts = new Set(rest.flatMap((s) => (s.targets.kind === 'hosts' ? s.targets.hosts : [])));
    expect([...hosts].sort()).toEqual(['csb-redis-a', 'csb-redis-b']);
    expect(csb.steps.find((s) => s.id === 'r03-stop')?.targets).toMatchObject({
      hosts: ['csb-redis-b', 'csb-redis-a'],
    });
  });

  it('keeps its records, ADM instance and VIP apart from the business Redis', () => {
    const text = allCommandText(csb);
    expect(text).toContain('/var/lib/opsgate/csb-redis/final-dump-digest');
    expect(text).not.toContain('/var/lib/opsgate/business-redis');
    const adm = csb.steps.find((s) => s.id === 'r05-adm-install');
    expect(adm?.kind === 'manual' && adm.parameters).toMatchObject({
      instance: '易联众-CSB网关Redis-A',
      vip: '10.77.0.101',
      master: 'csb-redis-a (10.77.0.23)',
      replicas: 'csb-redis-b (10.77.0.24)',
    });
    expect(renderPlan(csb)).not.toContain('公共服务子系统Redis');
  });

  it('has its own gates and rollback, and its own data proof', () => {
    expect(csb.steps.filter((s) => s.destructive).map((s) => s.id)).toEqual([
      'r03-stop',
      'r04-backup',
      'r06-pause-new',
      'r07-restore-dump',
    ]);
    const stop = csb.steps.find((s) => s.id === 'r03-stop');
    expect(stop?.kind === 'action' && stop.rollback?.steps.map((s) => s.id)).toEqual([
      'r03-stop-undo',
      'r03-stop-undo-data',
      'r03-stop-undo-replicas',
    ]);
    expect(stop?.gate?.prompt).toContain('of csb-redis');
    expect(csb.steps.find((s) => s.id === 'r09-verify')?.commands.map((c) => c.host)).toEqual([
      'csb-redis-a',
      'csb-redis-b',
    ]);
  });

  it('refuses a site without a CSB Redis, naming the list, before anything is planned', () => {
    if (site.spec === undefined) throw new Error('no site file');
    const bare: Site = { ...site, spec: { ...site.spec, middleware: { ...site.spec.middleware, csbRedis: [] } } };
    expect(() => registry.buildPlan('upgrade-csb-redis', bare, {})).toThrow(
      'site xizang has no CSB gateway Redis in middleware.csbRedis',
    );
    expect(() => registry.buildPlan('upgrade-csb-redis', site, { instance: 'nope' })).toThrow(
      'site xizang has no CSB gateway Redis named nope in middleware.csbRedis',
    );
  });
});

describe('/upgrade <site> csb-redis', () => {
  it('is a phase of the grammar that Slack, the console and the CLI share, mapped to the CSB runbook', () => {
    const parsed = parseCommand('/upgrade xizang csb-redis --dry-run', {
      sites: [{ name: site.name, obClusters: [] }],
    });
    expect(parsed).toEqual({
      ok: true,
      value: { name: 'upgrade', site: 'xizang', phase: 'csb-redis', dryRun: true },
    });
    if (!parsed.ok || parsed.value.name !== 'upgrade') return;
    expect(runbookFor(DEFAULT_COMMAND_RUNBOOKS, parsed.value)).toEqual({
      ok: true,
      value: { runbook: 'upgrade-csb-redis', args: {} },
    });
  });
});

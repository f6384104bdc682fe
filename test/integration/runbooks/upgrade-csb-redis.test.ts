import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execOn } from '../../support/lab.ts';
import {
  CSB_PAIR,
  redisBackups as bakOn,
  redisOldPaths as oldOn,
  existing,
  onHost,
  redisFingerprint,
  restoreRedisByHand,
} from './lab-state.ts';
import { findingsOf, labSecrets, stoppedAt, XizangCli } from './xizang-cli.ts';

const UPGRADE = '/upgrade xizang csb-redis';
const AS = ['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1'];
const INSTANCE = '易联众-CSB网关Redis-A';

/** The run id a `run` printed. */
const runIdOf = (events: readonly { runId?: string }[]) => events.find((e) => e.runId !== undefined)?.runId ?? '';

/** Whether the lab was brought up with the variant in which ADM deploys Redis with `appendonly yes` on `host`. */
async function admWritesAof(host: string): Promise<boolean> {
  const r = await execOn(host, ['sh', '-c', `grep -q '^${host} .* +adm-redis-aof\\b' /lab-pub/spec`]);
  return r.exitCode === 0;
}

describe('/upgrade xizang csb-redis in the site lab', () => {
  let cli: XizangCli;
  beforeEach(() => {
    cli = new XizangCli();
  });
  afterEach(async () => {
    await cli.close();
  });

  it('shows its own plan in a dry run (CSB hosts, CSB ADM instance, its own records) and touches nothing', async () => {
    const before = await redisFingerprint('csb-redis-a');
    const r = await cli.run(`${UPGRADE} --dry-run`, '--as', 'UOPERATOR');
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    const plan = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { kind?: string; title?: string; text?: string })
      .find((e) => e.kind === 'plan');
    expect(plan?.title).toBe('Dry run: upgrade csb-redis at xizang');
    const rendered = plan?.text ?? '';
    expect(rendered).toContain(
      'Plan: Upgrade the CSB gateway Redis csb-redis at xizang through ADM (runbook upgrade-csb-redis, site xizang)',
    );
    expect(rendered).toContain('/var/lib/opsgate/csb-redis/');
    expect(rendered).toContain(INSTANCE);
    // Its first step reads the whole site (read-only); every step after it is on the CSB hosts only.
    expect(rendered).toContain('1. [check] r00-site-check');
    expect(rendered.slice(rendered.indexOf('2. ['))).not.toMatch(/(?<![\w-])redis-[ab]\b|公共服务子系统Redis/);
    expect(r.events.some((e) => e.type === 'step.started')).toBe(false);
    expect(await existing('csb-redis-a', oldOn('csb-redis-a'))).toEqual(oldOn('csb-redis-a'));
    expect(await redisFingerprint('csb-redis-a')).toBe(before);
  });

  it('rolls back after a rejection in the middle of the phase, leaving the old install and the same data', async () => {
    const before = await redisFingerprint('csb-redis-a');
    const r = await cli.run(UPGRADE, ...AS, '--reject-at', 'r07-restore-dump');
    expect(stoppedAt(r)).toBe('r07-restore-dump');
    try {
      expect(r.code).toBe(1);
      expect(r.events.at(-1)).toMatchObject({ type: 'run.stopped' });
      expect(await existing('csb-redis-a', bakOn('csb-redis-a'))).toEqual(bakOn('csb-redis-a'));
      const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
      expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
      expect(rb.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'rolled-back' });
      const data = findingsOf(rb.events).filter((f) => f.step === 'r03-stop-undo-data');
      expect(data.length).toBeGreaterThan(0);
      expect(data.every((f) => f.status === 'pass')).toBe(true);
      for (const host of CSB_PAIR.hosts) {
        expect(await existing(host, oldOn(host))).toEqual(oldOn(host));
        expect(
          await existing(host, [...bakOn(host), '/app/soft/redis', `/app/adm/instances/${INSTANCE}.json`]),
        ).toEqual([]);
      }
      expect(await redisFingerprint('csb-redis-a')).toBe(before);
    } finally {
      await restoreRedisByHand(CSB_PAIR);
    }
  });

  it('upgrades through ADM with the data of the final dump, then rolls the whole upgrade back', async () => {
    const before = await redisFingerprint('csb-redis-a');
    const aof = await admWritesAof('csb-redis-a');
    const r = await cli.run(UPGRADE, ...AS);
    try {
      expect(r.code, r.stdout.slice(-4000)).toBe(0);
      expect(r.events.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
      const verify = findingsOf(r.events).filter((f) => f.step === 'r09-verify');
      expect(verify.length).toBeGreaterThan(0);
      expect(verify.every((f) => f.status === 'pass')).toBe(true);
      expect(await redisFingerprint('csb-redis-a')).toBe(before);
      expect(await redisFingerprint('csb-redis-b')).toBe(before);
      // With ADM writing `appendonly yes`, the new master runs with the AOF on, rewritten from the restored data,
      // and its config is again exactly as ADM wrote it.
      const persistence = await onHost(
        'csb-redis-a',
        'REDISCLI_AUTH="$(cat /lab-secrets/csb-redis-password)" redis-cli INFO persistence | tr -d "\\r" | grep -E "^aof_(enabled|rewrite_in_progress):"; grep -c "^appendonly" /app/soft/redis/conf/redis.conf',
      );
      expect(persistence.split('\n').filter(Boolean)).toEqual(
        aof ? ['aof_enabled:1', 'aof_rewrite_in_progress:0', '1'] : ['aof_enabled:0', 'aof_rewrite_in_progress:0', '1'],
      );
      for (const secret of await labSecrets()) expect(r.stdout + r.stderr).not.toContain(secret);
      // The business Redis is not touched by the CSB phase.
      expect(await existing('redis-a', bakOn('redis-a'))).toEqual([]);

      const rb = await cli.run(`/rollback ${runIdOf(r.events)}`, ...AS);
      expect(rb.code, rb.stdout.slice(-4000)).toBe(0);
      expect(await existing('csb-redis-a', oldOn('csb-redis-a'))).toEqual(oldOn('csb-redis-a'));
      expect(await redisFingerprint('csb-redis-a')).toBe(before);
    } finally {
      await restoreRedisByHand(CSB_PAIR);
    }
  });
});

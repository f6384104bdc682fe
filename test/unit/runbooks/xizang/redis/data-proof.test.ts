import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../../../../src/core/plan/step-schema.ts';
import type { SiteFile } from '../../../../../src/core/sites/site-schema.ts';
import { startLoadingDump } from '../../../../../src/runbooks/xizang/redis/aof-start.ts';
import { redisLayout, type RedisLayout } from '../../../../../src/runbooks/xizang/redis/upgrade-redis-steps.ts';
import { labXizang, registry } from '../xizang-fixture.ts';

let plan: Plan;
let spec: SiteFile;
beforeAll(async () => {
  const site = await labXizang();
  plan = registry.buildPlan('upgrade-redis', site, {});
  if (site.spec === undefined) throw new Error('no site file');
  spec = site.spec;
});
const step = (id: string) => {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id}`);
  return s;
};

describe('the data proof in the Redis plan', () => {
  it('never reads the whole data set in one command on a live instance: no KEYS, no EVAL, no SAVE', () => {
    const text = JSON.stringify(plan);
    expect(text).not.toMatch(/\bKEYS \*|\bEVAL\b|redis-cli[^"]* SAVE\b|\bDEBUG\b/);
  });

  it('arms the final dump on the master before the stop: save points from the running server, one added only if none', () => {
    const r02 = step('r02-arm-final-dump');
    const cmd = r02.commands[0]?.command ?? '';
    expect(r02.targets).toEqual({ kind: 'hosts', hosts: ['redis-a'] });
    expect(cmd).toContain('/app/soft/redis-5.0.5/bin/redis-cli -h 127.0.0.1 -p 6379 CONFIG GET save');
    expect(cmd).toContain('CONFIG GET dir');
    expect(cmd).toContain('CONFIG GET dbfilename');
    expect(cmd).toMatch(/if \[ -z "\$save" \]; then\n.*CONFIG SET save '900 1'/);
    expect(cmd).toContain('> /var/lib/opsgate/business-redis/final-dump-path');
    expect(r02.kind === 'action' && r02.rollback?.steps[0]?.commands[0]?.command).toContain(
      'CONFIG SET save "$(cat /var/lib/opsgate/business-redis/save-before)"',
    );
  });

  it('digests the final dump right after the stop, with the old binary, refusing a dump older than r02', () => {
    const ids = plan.steps.map((s) => s.id);
    expect(ids.indexOf('r03-final-dump')).toBe(ids.indexOf('r03-stop') + 1);
    const s = step('r03-final-dump');
    const cmd = s.commands[0]?.command ?? '';
    expect(cmd).toContain('[ "$p" -nt /var/lib/opsgate/business-redis/armed ] || { echo "$p is older than r02');
    expect(cmd).toContain('ln -s -- /app/soft/redis-5.0.5/bin/redis-server "$t/opsgate-scratch-redis"');
    expect(cmd).toContain('cp -- "$t/out" /var/lib/opsgate/business-redis/final-dump-digest');
    expect(s.preconditions).toContainEqual(
      expect.objectContaining({ kind: 'service', name: 'redis', state: 'stopped', hosts: ['redis-a'] }),
    );
    expect(s.commands[0]?.timeoutMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it('asks each replica itself in r09, and again after the rollback restarted the old pair', () => {
    const r09 = step('r09-verify');
    expect(r09.targets).toEqual({ kind: 'hosts', hosts: ['redis-a', 'redis-b'] });
    const replica = r09.commands.find((c) => c.host === 'redis-b');
    expect(replica?.command).toContain('timeout 5 /app/soft/redis/bin/redis-cli -h "$1" -p 6379 INFO replication');
    expect(replica?.command).toContain('mi=$(ask 10.77.0.21)');
    expect(replica?.command).toContain(
      `[ "$role" = slave ] && [ "$mh" = 10.77.0.21 ] && [ "$mp" = 6379 ] && [ "$link" = up ] && [ "$off" -ge "$m" ]`,
    );
    expect(replica?.timeoutMs).toBeGreaterThanOrEqual(150_000);
    expect(r09.verify).toContainEqual(
      expect.objectContaining({ pattern: '^master_link_status:up\\r?$', hosts: ['redis-b'] }),
    );
    expect(r09.commands.find((c) => c.host === 'redis-a')?.command).toContain('final-dump-digest');
    const r03 = step('r03-stop');
    const undo = r03.kind === 'action' ? (r03.rollback?.steps ?? []) : [];
    expect(undo.map((s) => s.id)).toEqual(['r03-stop-undo', 'r03-stop-undo-data', 'r03-stop-undo-replicas']);
    expect(undo[2]?.commands.map((c) => c.host)).toEqual(['redis-b']);
    expect(undo[2]?.commands[0]?.command).toContain('timeout 5 /app/soft/redis-5.0.5/bin/redis-cli -h "$1"');
  });

  it('starts the new master through the dump-loading start, the replica plainly', () => {
    const r08 = step('r08-start-new');
    expect(r08.commands.find((c) => c.host === 'redis-a')?.command).toContain('CONFIG SET appendonly yes');
    expect(r08.commands.find((c) => c.host === 'redis-b')?.command).not.toContain('appendonly');
  });
});

describe('commands run against fake hosts', () => {
  let dir: string;
  let l: RedisLayout;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'og-redis-'));
    const r = spec.middleware.redis[0];
    if (r === undefined) throw new Error('no redis');
    l = {
      ...redisLayout(spec, r),
      newHome: join(dir, 'home'),
      newConfig: join(dir, 'home/conf/redis.conf'),
      stateDir: join(dir, 'state'),
    };
    mkdirSync(join(dir, 'home/bin'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A redis-cli that logs its arguments and answers from the shell `answer` (a `case "$*"`). */
  function fakeCli(answer: string) {
    const cli = join(dir, 'home/bin/redis-cli');
    writeFileSync(cli, `#!/bin/sh\necho "$*" >> '${dir}/cli.log'\n${answer}\n`);
    chmodSync(cli, 0o755);
  }
  const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  const cliLog = () => readFileSync(join(dir, 'cli.log'), 'utf8');

  it('starts a master whose config says appendonly yes with AOF off, then turns it on and puts the config back', () => {
    mkdirSync(join(dir, 'paused'));
    const original = '# ADM\nappendonly "YES"\nrequirepass s3cret\n';
    writeFileSync(join(dir, 'paused/redis.conf'), original);
    fakeCli(`case "$*" in
  *'CONFIG SET appendonly yes') echo OK ;;
  *'INFO persistence') n=$(cat '${dir}/n' 2>/dev/null || echo 0); echo $((n + 1)) > '${dir}/n'
    [ "$n" -ge 1 ] && p=0 || p=1; printf 'aof_enabled:1\\r\\naof_rewrite_in_progress:%s\\r\\naof_rewrite_scheduled:0\\r\\naof_last_bgrewrite_status:ok\\r\\n' $p ;;
esac`);
    // The start moves the home back, as r08 does, and keeps the config the server started with.
    const start = `mkdir -p '${dir}/home/conf' && cp '${dir}/paused/redis.conf' '${dir}/started-with.conf' && mv '${dir}/paused/redis.conf' '${l.newConfig}'`;
    const r = sh(startLoadingDump(l, { pausedConfig: join(dir, 'paused/redis.conf'), start }));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'started-with.conf'), 'utf8').trimEnd().split('\n').at(-1)).toBe('appendonly no');
    expect(cliLog()).toMatch(/CONFIG SET appendonly yes\n(.*INFO persistence\n){2}$/);
    expect(readFileSync(l.newConfig, 'utf8')).toBe(original);
    expect(r.stdout).toContain('AOF on and rewritten from the restored data');
  });

  it('starts a master whose config has no AOF as it is, without touching its config', () => {
    mkdirSync(join(dir, 'paused'));
    writeFileSync(join(dir, 'paused/redis.conf'), 'appendonly no\n');
    fakeCli('echo unexpected');
    const start = `mkdir -p '${dir}/home/conf' && mv '${dir}/paused/redis.conf' '${l.newConfig}'`;
    const r = sh(startLoadingDump(l, { pausedConfig: join(dir, 'paused/redis.conf'), start }));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(l.newConfig, 'utf8')).toBe('appendonly no\n');
    expect(r.stdout).toBe('');
  });
});

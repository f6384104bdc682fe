import { describe, expect, it } from 'vitest';
import { compileServiceProbe, judgeService, readServiceProbe } from '../../src/core/plan/service-probe.ts';
import { readDirective, readRequirepass } from '../../src/runbooks/xizang/redis/redis-cli.ts';
import { redisService } from '../../src/runbooks/xizang/redis/redis-service.ts';
import { controlService, serviceProbe } from '../../src/runbooks/xizang/shared/site-services.ts';
import { execOn, getLab } from '../support/lab.ts';

/** The lab's business Redis as the site file describes it (Redis 5.0.5 layout). */
const REDIS = { service: 'redis', home: '/app/soft/redis-5.0.5', config: '/etc/redis/redis.conf', port: 6379 };
const sh = (host: string, script: string) => execOn(host, ['bash', '-c', script]);
const variantsOf = (host: string) => getLab().hosts.find((h) => h.name === host)?.variants ?? [];

/** What the runbooks' service probe says about the old Redis on `host`. */
async function redisState(host: string, state: 'running' | 'stopped') {
  const p = serviceProbe(redisService('redis', REDIS), state);
  if (p.kind !== 'service') throw new Error('not a service probe');
  const r = await sh(host, compileServiceProbe(p));
  return judgeService(p, readServiceProbe(r.stdout));
}

describe('the variant lab is built as asked', () => {
  it('has the stock init script on redis-a, systemd on redis-b, and config syntax variations everywhere', () => {
    expect(variantsOf('redis-a')).toEqual(expect.arrayContaining(['redis-stock-init', 'conf-syntax']));
    expect(variantsOf('redis-b')).toEqual(expect.arrayContaining(['systemd', 'conf-syntax']));
  });
});

describe("Redis 5.0.5's stock utils/redis_init_script (redis-a)", () => {
  it('knows no status: prints its usage line and exits 0, so its exit code says nothing', async () => {
    const r = await sh('redis-a', '/etc/init.d/redis status');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('Please use start or stop as first argument');
    expect(await redisState('redis-a', 'running')).toMatchObject({ ok: true });
  });

  it('cannot stop an instance with requirepass: its shutdown is refused (NOAUTH) and it waits forever', async () => {
    const r = await sh('redis-a', 'timeout 3 /etc/init.d/redis stop');
    expect(r.exitCode).toBe(124);
    expect(r.stdout).toContain('Waiting for Redis to shutdown');
    expect(await redisState('redis-a', 'running')).toMatchObject({ ok: true });
  });

  it('says "already running" and exits 0 when a pidfile is left, whether or not Redis runs', async () => {
    const r = await sh('redis-a', '/etc/init.d/redis start');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('exists, process is already running or crashed');
  });

  it('is stopped and started by the runbooks through Redis itself, and the software says so', async () => {
    const svc = redisService('redis', REDIS);
    const stop = await sh('redis-a', controlService(svc, 'stop'));
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(await redisState('redis-a', 'stopped')).toMatchObject({ ok: true });
    const start = await sh('redis-a', controlService(svc, 'start'));
    expect(start.exitCode, start.stderr).toBe(0);
    expect(await redisState('redis-a', 'running')).toMatchObject({ ok: true });
  });
});

describe('Redis under systemd (redis-b)', () => {
  it('is a unit and has no init script; systemctl and service both reach it', async () => {
    expect((await sh('redis-b', 'test -e /etc/init.d/redis')).exitCode).toBe(1);
    expect((await sh('redis-b', 'systemctl is-active redis')).stdout.trim()).toBe('active');
    expect((await sh('redis-b', 'service redis status')).exitCode).toBe(0);
  });

  it('is stopped through systemctl (not behind its back) and started again', async () => {
    const svc = redisService('redis', REDIS);
    const stop = await sh('redis-b', controlService(svc, 'stop'));
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect((await sh('redis-b', 'systemctl is-active redis')).stdout.trim()).toBe('inactive');
    expect(await redisState('redis-b', 'stopped')).toMatchObject({ ok: true });
    const start = await sh('redis-b', controlService(svc, 'start'));
    expect(start.exitCode, start.stderr).toBe(0);
    expect(await redisState('redis-b', 'running')).toMatchObject({ ok: true });
    // The replica is back in replication.
    const link = await sh(
      'redis-b',
      'for i in $(seq 30); do REDISCLI_AUTH=$(cat /run/lab/redis-auth) redis-cli info replication | grep -q "master_link_status:up" && echo up && break; sleep 1; done',
    );
    expect(link.stdout.trim()).toBe('up');
  });
});

describe('redis.conf written with the syntax Redis accepts (conf-syntax)', () => {
  it('is read by the runbooks as Redis reads it: include followed, quotes stripped, the last dir winning', async () => {
    for (const host of ['redis-a', 'redis-b']) {
      const ask = (arg: string) =>
        sh(host, `REDISCLI_AUTH=$(cat /run/lab/redis-auth) redis-cli --raw CONFIG GET ${arg} | tail -n 1`);
      const dir = (await sh(host, readDirective(REDIS.config, 'dir'))).stdout.trim();
      expect(dir.replace(/(.)\/+$/, '$1')).toBe((await ask('dir')).stdout.trim());
      expect((await sh(host, readDirective(REDIS.config, 'dbfilename'))).stdout.trim()).toBe(
        (await ask('dbfilename')).stdout.trim(),
      );
      // The password is in an included file, in quotes: the reader finds the one Redis uses (PING with it works).
      const ping = await sh(host, `REDISCLI_AUTH="$(${String(readRequirepass(REDIS.config))})" redis-cli PING`);
      expect(ping.stdout.trim()).toBe('PONG');
    }
  });
});

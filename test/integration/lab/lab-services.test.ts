import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureLabHealthy, execOn, getLab, labHost } from '../../support/lab.ts';

const run = promisify(execFile);

async function redis(address: string, passwordFile: string, args: string[]): Promise<string> {
  const password = (await readFile(passwordFile, 'utf8')).trim();
  const { stdout } = await run('redis-cli', ['-h', address, ...args], {
    env: { ...process.env, REDISCLI_AUTH: password },
    timeout: 10_000,
  });
  return stdout.trim();
}

/** Asks a ZooKeeper node `srvr` over TCP, as a monitoring probe would, and returns its mode. */
async function zkMode(address: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', 'exec 3<>"/dev/tcp/$0/2181" && echo srvr >&3 && cat <&3', address], {
    timeout: 10_000,
  });
  return /^Mode: (\w+)/m.exec(stdout)?.[1] ?? 'none';
}

async function eventually(check: () => Promise<boolean>, what: string, seconds = 10): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

describe('lab services', () => {
  beforeAll(ensureLabHealthy);

  it('replicates a write through the VIP to the replica, whose link to the master is up', async () => {
    const lab = getLab();
    const key = `test-${randomUUID()}`;
    const pw = lab.secrets.redisPassword;
    expect(await redis(lab.vip, pw, ['set', key, 'v1'])).toBe('OK');
    try {
      await eventually(async () => (await redis(labHost('redis-b').address, pw, ['get', key])) === 'v1', 'replication');
      const info = await redis(labHost('redis-b').address, pw, ['info', 'replication']);
      expect(info).toMatch(/master_link_status:up/);
    } finally {
      await redis(lab.vip, pw, ['del', key]);
    }
  });

  it('seeds the master with at least 500 keys and refuses clients without the password', async () => {
    const lab = getLab();
    expect(
      Number(await redis(labHost('redis-a').address, lab.secrets.redisPassword, ['dbsize'])),
    ).toBeGreaterThanOrEqual(500);
    const { stdout } = await run('redis-cli', ['-h', labHost('redis-a').address, 'dbsize']);
    expect(stdout).toMatch(/NOAUTH/);
  });

  it('holds the VIP on redis-a', async () => {
    const vip = getLab().vip;
    expect((await execOn('redis-a', ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).stdout).toContain(` ${vip}/24`);
    expect((await execOn('redis-b', ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).stdout).not.toContain(` ${vip}/24`);
  });

  it('moves the VIP to redis-b when redis stops on redis-a, and back when it starts', async () => {
    const vip = ` ${getLab().vip}/24`;
    const holds = async (host: string) =>
      (await execOn(host, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).stdout.includes(vip);
    expect((await execOn('redis-a', ['service', 'redis', 'stop'])).exitCode).toBe(0);
    try {
      await eventually(() => holds('redis-b'), 'the VIP moving to redis-b', 20);
      expect(await holds('redis-a')).toBe(false);
    } finally {
      expect((await execOn('redis-a', ['service', 'redis', 'start'])).exitCode).toBe(0);
    }
    await eventually(() => holds('redis-a'), 'the VIP returning to redis-a', 20);
  });

  it('lays redis out as the site does, reporting version 5.0.5', async () => {
    const res = await execOn('redis-a', ['/app/soft/redis-5.0.5/bin/redis-server', '--version']);
    expect(res.stdout).toMatch(/v=5\.0\.5/);
    expect((await execOn('redis-a', ['grep', '-c', '^requirepass ', '/etc/redis/redis.conf'])).stdout).toBe('1\n');
    expect((await execOn('redis-a', ['ls', '/app/redis_data'])).stdout).toContain('dump.rdb');
  });

  it('runs the CSB redis alone with its own password', async () => {
    const lab = getLab();
    expect(await redis(labHost('csb-redis-a').address, lab.secrets.csbRedisPassword, ['ping'])).toBe('PONG');
    expect(await redis(labHost('csb-redis-a').address, lab.secrets.redisPassword, ['ping'])).toMatch(
      /NOAUTH|WRONGPASS/,
    );
  });

  it('has a ZooKeeper ensemble with exactly one leader', async () => {
    const modes = await Promise.all(['kafka-1', 'kafka-2', 'kafka-3'].map((h) => zkMode(labHost(h).address)));
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
  });

  it('answers biz.powercloud.com from dns-1 and refuses recursion', async () => {
    const lab = getLab();
    const dns = labHost('dns-1').address;
    const { stdout } = await run('dig', ['+short', `@${dns}`, 'redis-a.biz.powercloud.com']);
    expect(stdout.trim()).toBe(labHost('redis-a').address);
    const vip = await run('dig', ['+short', `@${dns}`, 'redis.biz.powercloud.com']);
    expect(vip.stdout.trim()).toBe(lab.vip);
    const outside = await run('dig', ['+time=2', '+tries=1', `@${dns}`, 'example.com']);
    expect(outside.stdout).toMatch(/status: REFUSED/);
  });
});

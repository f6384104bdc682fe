import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOn, getLab, labHost } from '../../support/lab.ts';
import { eventually, onHost } from './fixture-probes.ts';

const run = promisify(execFile);
const ADM = '/opt/adm/bin/adm';
const HOST = 'fdfs-3';
const INSTANCE = '西藏-公共服务子系统Redis-A';

/** `redis-cli ping` from the controller, with the password in REDISCLI_AUTH (never in argv) or with none. */
async function redisPing(address: string, password: string | null): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'REDISCLI_AUTH'));
  if (password !== null) env.REDISCLI_AUTH = password;
  const res = await run('redis-cli', ['-h', address, 'ping'], { env, timeout: 10_000 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  return res.stdout.trim();
}

/** The ports ADM's services listen on: a service runs when its port has a listener (the software, not its script). */
const PORTS: Record<string, number> = { redis: 6379, trackerd: 22122 };

async function serviceRunning(name: string): Promise<boolean> {
  const port = PORTS[name];
  if (port === undefined) throw new Error(`no port known for ${name}`);
  const res = await execOn(HOST, ['sh', '-c', `ss -ltnp 'sport = :${port}' | awk 'NR > 1' | grep -q 'pid='`]);
  return res.exitCode === 0;
}

describe('adm stand-in: redis-ha on the spare host', () => {
  // A VIP of its own, so this pair never competes with the site's business Redis VIP (.100).
  const vip = `${getLab().net}.150`;
  const password = `T${randomBytes(9).toString('hex')}`;
  let installOut = '';

  beforeAll(async () => {
    const args = [
      ADM,
      'install',
      'redis-ha',
      '--instance',
      INSTANCE,
      '--role',
      'master',
      '--vip',
      vip,
      '--peer',
      labHost('dns-1').address,
    ];
    installOut = await onHost(HOST, args, `${password}\n`);
  });

  afterAll(async () => {
    await execOn(HOST, [ADM, 'uninstall', '--instance', INSTANCE]);
  });

  it('serves redis on the VIP with the password given on stdin, and refuses clients without it', async () => {
    expect(installOut).toContain(`installed redis-ha instance ${INSTANCE}`);
    await eventually(async () => (await redisPing(vip, password)) === 'PONG', 'redis answering on the VIP');
    expect(await redisPing(labHost(HOST).address, null)).toMatch(/NOAUTH/);
  });

  it('writes the instance marker without the password', async () => {
    const raw = await onHost(HOST, ['cat', `/app/adm/instances/${INSTANCE}.json`]);
    const marker = JSON.parse(raw) as Record<string, unknown>;
    expect(marker).toMatchObject({
      instance: INSTANCE,
      product: 'redis-ha',
      mode: 'master-replica+keepalived',
      role: 'master',
      hosts: [labHost(HOST).address, labHost('dns-1').address].sort(),
      home: '/app/soft/redis',
      data: '/app/redis_data',
    });
    expect(marker.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(raw).not.toContain(password);
    expect(await onHost(HOST, [ADM, 'list'])).toContain(`${INSTANCE}\tredis-ha\t`);
  });

  it('is idempotent for the same settings and refuses other settings', async () => {
    const args = [
      ADM,
      'install',
      'redis-ha',
      '--instance',
      INSTANCE,
      '--role',
      'master',
      '--vip',
      vip,
      '--peer',
      labHost('dns-1').address,
    ];
    expect(await onHost(HOST, args, `${password}\n`)).toMatch(/already installed.*nothing to do/);
    const other = await execOn(HOST, [...args.slice(0, -1), labHost('paas-1').address], `${password}\n`);
    expect(other.exitCode).toBe(3);
    expect(other.stderr).toMatch(/already installed on this host with other settings/);
  });

  it('refuses a password on the command line without echoing it', async () => {
    const res = await execOn(HOST, [ADM, 'install', 'redis-ha', '--instance', 'x', '--password', 'hunter2-secret']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/read from stdin/);
    expect(res.stderr + res.stdout).not.toContain('hunter2-secret');
  });

  it('vesta restarts a stopped guarded service, and leaves it alone while its home is moved away', async () => {
    await onHost(HOST, ['service', 'redis', 'stop']);
    await eventually(() => serviceRunning('redis'), 'vesta restarting redis', 5);

    await onHost(HOST, ['mv', '/app/soft/redis', '/app/soft/redis_bak']);
    await onHost(HOST, ['systemctl', 'stop', 'redis']);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await serviceRunning('redis')).toBe(false);

    await onHost(HOST, ['mv', '/app/soft/redis_bak', '/app/soft/redis']);
    await onHost(HOST, ['systemctl', 'start', 'redis']);
    expect(await serviceRunning('redis')).toBe(true);
    expect(await onHost(HOST, ['cat', '/app/adm/logs/vesta.log'])).toMatch(/redis: home \/app\/soft\/redis is missing/);
  });

  it('uninstall takes redis, keepalived and the VIP away and leaves the host as it was', async () => {
    expect(await onHost(HOST, [ADM, 'uninstall', '--instance', INSTANCE])).toMatch(/uninstalled redis-ha instance/);
    for (const path of [
      '/etc/init.d/redis',
      '/etc/init.d/keepalived',
      '/app/soft/redis',
      '/app/soft/keepalived',
      '/app/redis_data',
      '/etc/keepalived/keepalived.conf',
    ]) {
      expect((await execOn(HOST, ['test', '-e', path])).exitCode, path).not.toBe(0);
    }
    expect(await onHost(HOST, ['ip', '-4', '-o', 'addr', 'show', 'eth0'])).not.toContain(` ${vip}/24`);
    expect(await redisPing(labHost(HOST).address, password)).not.toBe('PONG');
  });
});

describe('adm stand-in: refusals and uninstall', () => {
  it("refuses to install over the site's hand-installed redis and leaves nothing behind", async () => {
    const res = await execOn(
      'redis-a',
      [
        ADM,
        'install',
        'redis-ha',
        '--instance',
        'biz-redis',
        '--role',
        'master',
        '--vip',
        getLab().vip,
        '--peer',
        labHost('redis-b').address,
      ],
      'whatever\n',
    );
    expect(res.exitCode).toBe(3);
    expect(res.stderr).toMatch(/move it away first|already exists/);
    expect((await execOn('redis-a', ['test', '-e', '/app/adm/instances/biz-redis.json'])).exitCode).not.toBe(0);
    expect((await execOn('redis-a', ['test', '-e', '/app/soft/redis'])).exitCode).not.toBe(0);
  });

  it('installs a standalone redis without keepalived and refuses HA options for it', async () => {
    const name = 'standalone-probe';
    const bad = await execOn(
      HOST,
      [ADM, 'install', 'redis', '--instance', name, '--vip', `${getLab().net}.151`],
      'pw_standalone\n',
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/standalone redis takes no --vip/);
    try {
      await onHost(HOST, [ADM, 'install', 'redis', '--instance', name], 'pw_standalone\n');
      expect(await redisPing(labHost(HOST).address, 'pw_standalone')).toBe('PONG');
      expect(JSON.parse(await onHost(HOST, [ADM, 'show', '--instance', name]))).toMatchObject({
        product: 'redis',
        mode: 'standalone',
      });
      expect((await execOn(HOST, ['test', '-e', '/app/soft/keepalived'])).exitCode).not.toBe(0);
    } finally {
      await execOn(HOST, [ADM, 'uninstall', '--instance', name]);
    }
  });

  it('names the missing option of a product', async () => {
    const res = await execOn(HOST, [ADM, 'install', 'kafka', '--instance', 'k1', '--id', '1']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/kafka needs --zookeeper/);
  });

  it('uninstall stops the services and removes init scripts, homes, data, guards and the marker', async () => {
    const name = 'uninstall-probe';
    await onHost(HOST, [ADM, 'install', 'fdfs-tracker', '--instance', name]);
    expect(await serviceRunning('trackerd')).toBe(true);
    expect(await onHost(HOST, [ADM, 'uninstall', '--instance', name])).toMatch(/uninstalled fdfs-tracker instance/);
    for (const path of [
      '/etc/init.d/trackerd',
      '/mysql/fastdfs/tracker',
      '/mysql/fastdfs/tracker_base',
      '/app/adm/vesta/trackerd.json',
      `/app/adm/instances/${name}.json`,
    ]) {
      expect((await execOn(HOST, ['test', '-e', path])).exitCode, path).not.toBe(0);
    }
    await new Promise((r) => setTimeout(r, 2000));
    expect((await execOn(HOST, ['sh', '-c', 'ss -Hltn "sport = :22122"'])).stdout.trim()).toBe('');
    expect(await onHost(HOST, [ADM, 'uninstall', '--instance', name])).toMatch(/not installed.*nothing to uninstall/);
  });
});

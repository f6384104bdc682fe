import { raw } from '../../../src/core/shell-quote.ts';
import { liveDigestCommand } from '../../../src/runbooks/xizang/redis/data-digest.ts';
import { execOn, getLab, labHost } from '../../support/lab.ts';

/** State of lab hosts read behind the code under test (nsenter, no ssh). */

/**
 * `keys=N volatile=V digest=…` of the Redis answering on `host` (old or new install), read with the streamed digest
 * and the lab's password of that Redis (`csb-redis-password` on the CSB hosts).
 */
export async function redisFingerprint(host = 'redis-a'): Promise<string> {
  const secret = host.startsWith('csb-') ? 'csb-redis-password' : 'redis-password';
  const command = liveDigestCommand({
    cli: '/usr/bin/redis-cli',
    port: 6379,
    password: raw(`cat /lab-secrets/${secret}`),
    workDir: '/tmp/opsgate-test-digest',
  });
  const r = await execOn(host, ['sh', '-c', command]);
  if (r.exitCode !== 0) throw new Error(`digest on ${host}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Which of `paths` exist on `host`. */
export async function existing(host: string, paths: readonly string[]): Promise<string[]> {
  const r = await execOn(host, ['sh', '-c', 'for p in "$@"; do [ -e "$p" ] && echo "$p"; done; true', 'sh', ...paths]);
  return r.stdout.split('\n').filter(Boolean);
}

/** Runs a shell snippet on a host (test arrangement), failing loudly. */
export async function onHost(host: string, script: string): Promise<string> {
  const r = await execOn(host, ['sh', '-c', script]);
  if (r.exitCode !== 0) throw new Error(`on ${host}: ${script}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/**
 * The old install's paths the Redis upgrade moves aside on `host` (a sample the tests check): the service's
 * definition is its systemd unit on a host of the `systemd` variant, else its init script.
 */
export function redisOldPaths(host: string): string[] {
  const systemd = labHost(host).variants.includes('systemd');
  return [
    '/app/soft/redis-5.0.5',
    '/etc/redis/redis.conf',
    '/app/redis_data',
    systemd ? '/etc/systemd/system/redis.service' : '/etc/init.d/redis',
    '/etc/keepalived/keepalived.conf',
  ];
}
/** Their backups. */
export const redisBackups = (host: string): string[] => redisOldPaths(host).map((p) => `${p}_bak`);

/** A Redis pair of the lab: its hosts (master first), its ADM instance, the last octet of its VIP. */
export interface LabRedisPair {
  readonly hosts: readonly [string, string];
  readonly admInstance: string;
  readonly vipOctet: number;
}
/** The business Redis pair (`middleware.redis`, VIP .100). */
export const BUSINESS_PAIR: LabRedisPair = {
  hosts: ['redis-a', 'redis-b'],
  admInstance: '易联众-公共服务子系统Redis-A',
  vipOctet: 100,
};
/** The CSB gateway's Redis pair (`middleware.csbRedis`, VIP .101). */
export const CSB_PAIR: LabRedisPair = {
  hosts: ['csb-redis-a', 'csb-redis-b'],
  admInstance: '易联众-CSB网关Redis-A',
  vipOctet: 101,
};

/**
 * Puts a Redis pair of the lab back as the lab built it, behind the code under test (for a run a test leaves
 * paused): ADM instance removed, every `_bak` moved back, redis and keepalived started.
 */
export async function restoreRedisByHand(pair: LabRedisPair = BUSINESS_PAIR): Promise<void> {
  const paths = [
    '/app/soft/redis-5.0.5',
    '/app/soft/keepalived',
    '/etc/init.d/redis',
    '/etc/init.d/keepalived',
    '/app/redis_data',
    '/etc/redis/redis.conf',
    '/etc/keepalived/keepalived.conf',
    // The phase also moves a service's systemd unit when the host has one.
    '/etc/systemd/system/redis.service',
    '/etc/systemd/system/keepalived.service',
  ];
  const script = [
    `/opt/adm/bin/adm uninstall --instance '${pair.admInstance}' >/dev/null`,
    ...paths.map((p) => `if [ -e ${p}_bak ]; then rm -rf ${p}; mv -T ${p}_bak ${p}; fi`),
    'service redis start >/dev/null; service keepalived start >/dev/null; true',
  ].join('; ');
  for (const host of pair.hosts) await onHost(host, script);
  await untilMasterHoldsVip(pair);
}

/**
 * Waits (up to 30 s) until the pair's master holds its VIP again: keepalived restarted on both nodes takes a few
 * seconds to settle, and a run started before that fails its first check ("the master does not hold the VIP").
 */
export async function untilMasterHoldsVip(pair: LabRedisPair = BUSINESS_PAIR): Promise<void> {
  const vip = `${getLab().net}.${pair.vipOctet}`;
  for (let i = 0; i < 60; i++) {
    if ((await execOn(pair.hosts[0], ['ip', '-o', 'addr', 'show'])).stdout.includes(` ${vip}/`)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`restoring the lab's Redis: ${pair.hosts[0]} did not take the VIP ${vip} back within 30 s`);
}

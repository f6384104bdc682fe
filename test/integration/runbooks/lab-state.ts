import { FINGERPRINT_LUA } from '../../../src/runbooks/xizang/redis/redis-cli.ts';
import { execOn, getLab } from '../../support/lab.ts';

/** State of lab hosts read behind the code under test (nsenter, no ssh). */

/** `keys=N digest=…` of the Redis answering on `host` (old or new install), with the lab's password. */
export async function redisFingerprint(host = 'redis-a'): Promise<string> {
  const r = await execOn(host, [
    'sh',
    '-c',
    'REDISCLI_AUTH="$(cat /lab-secrets/redis-password)" /usr/bin/redis-cli -p 6379 EVAL "$1" 0',
    'sh',
    FINGERPRINT_LUA,
  ]);
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

/** The old install's paths the Redis upgrade moves aside (a sample the tests check), and their backups. */
export const REDIS_OLD_PATHS = [
  '/app/soft/redis-5.0.5',
  '/etc/redis/redis.conf',
  '/app/redis_data',
  '/etc/init.d/redis',
  '/etc/keepalived/keepalived.conf',
];
export const REDIS_BACKUPS = REDIS_OLD_PATHS.map((p) => `${p}_bak`);

/**
 * Puts the business Redis of the lab back as the lab built it, behind the code under test (for a run a test
 * leaves paused): ADM instance removed, every `_bak` moved back, redis and keepalived started.
 */
export async function restoreRedisByHand(): Promise<void> {
  const paths = [
    '/app/soft/redis-5.0.5',
    '/app/soft/keepalived',
    '/etc/init.d/redis',
    '/etc/init.d/keepalived',
    '/app/redis_data',
    '/etc/redis/redis.conf',
    '/etc/keepalived/keepalived.conf',
  ];
  const script = [
    "/opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Redis-A' >/dev/null",
    ...paths.map((p) => `if [ -e ${p}_bak ]; then rm -rf ${p}; mv -T ${p}_bak ${p}; fi`),
    'service redis start >/dev/null; service keepalived start >/dev/null; true',
  ].join('; ');
  for (const host of ['redis-a', 'redis-b']) await onHost(host, script);
  await untilMasterHoldsVip();
}

/**
 * Waits (up to 30 s) until redis-a holds the VIP again: keepalived restarted on both nodes takes a few seconds
 * to settle, and a run started before that fails its first check ("the master does not hold the VIP").
 */
async function untilMasterHoldsVip(): Promise<void> {
  const vip = getLab().vip;
  for (let i = 0; i < 60; i++) {
    if ((await execOn('redis-a', ['ip', '-o', 'addr', 'show'])).stdout.includes(` ${vip}/`)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`restoring the lab's Redis: redis-a did not take the VIP ${vip} back within 30 s`);
}

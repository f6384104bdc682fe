import { FINGERPRINT_LUA } from '../../../src/runbooks/xizang/redis-cli.ts';
import { execOn } from '../../support/lab.ts';

/** State of lab hosts read behind the code under test (nsenter, no ssh). */

/** `keys=N digest=…` of the Redis answering on `host` (old or new install), with the lab's password. */
export async function redisFingerprint(host = 'redis-a'): Promise<string> {
  const r = await execOn(host, ['sh', '-c', 'REDISCLI_AUTH="$(cat /lab-secrets/redis-password)" /usr/bin/redis-cli -p 6379 EVAL "$1" 0', 'sh', FINGERPRINT_LUA]);
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
 * Puts the business Redis of the lab back as the lab built it, behind the code under test (for a run a test
 * leaves paused): ADM instance removed, every `_bak` moved back, redis and keepalived started.
 */
export async function restoreRedisByHand(): Promise<void> {
  const paths = ['/app/soft/redis-5.0.5', '/app/soft/keepalived', '/etc/init.d/redis', '/etc/init.d/keepalived', '/app/redis_data', '/etc/redis/redis.conf', '/etc/keepalived/keepalived.conf'];
  const script = [
    "/opt/adm/bin/adm uninstall --instance '易联众-公共服务子系统Redis-A' >/dev/null",
    ...paths.map((p) => `if [ -e ${p}_bak ]; then rm -rf ${p}; mv -T ${p}_bak ${p}; fi`),
    'service redis start >/dev/null; service keepalived start >/dev/null; true',
  ].join('; ');
  for (const host of ['redis-a', 'redis-b']) await onHost(host, script);
}

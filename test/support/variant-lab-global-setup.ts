import type { TestProject } from 'vitest/node';
import { validateLabRef } from '../../src/wiring/lab/lab-ref.ts';
import { bringUpLab } from './lab-global-setup.ts';
import { ensureTestRedisPersists } from './test-redis-persistence.ts';

/**
 * The variants project's lab: the Xizang lab built the way real deployments differ from ours (lab/variants), on
 * its own prefix and /24 so that it runs beside the integration project's lab. The mix puts several variants in
 * one lab: the two Redis nodes are managed differently (Redis 5.0.5's stock init script on the master, systemd
 * units on the replica), systemd also runs a Kafka, a FastDFS and a PaaS host, and
 * every config file is written with the syntax variations its software accepts. Root cannot log in: opsgate logs
 * in as `ops` and becomes root with sudo, giving its password (no password on redis-b and kafka-2).
 */
export const VARIANT_LAB_VARIANTS = [
  'redis-stock-init@redis-a',
  'systemd@redis-b',
  'systemd@kafka-2',
  'systemd@fdfs-2',
  'systemd@paas-2',
  'adm-redis-aof@csb-redis-a',
  'adm-redis-aof@csb-redis-b',
  'conf-syntax',
  'login-ops',
  'sudo-nopasswd@redis-b',
  'sudo-nopasswd@kafka-2',
] as const;

/** Brings the variants lab up, after turning AOF on on the test Redis when it persists nothing (as the integration setup). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureTestRedisPersists();
  const ref = validateLabRef({
    prefix: process.env.OPSGATE_VARIANT_LAB_PREFIX || 'ogv',
    net: process.env.OPSGATE_VARIANT_LAB_NET || '10.77.110',
  });
  return bringUpLab(project, ref, VARIANT_LAB_VARIANTS);
}

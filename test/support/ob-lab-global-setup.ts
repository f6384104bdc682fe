import type { TestProject } from 'vitest/node';
import { validateLabRef } from '../../src/wiring/lab/lab-ref.ts';
import { bringUpLab } from './lab-global-setup.ts';
import { ensureTestRedisPersists } from './test-redis-persistence.ts';

/**
 * Every role but the observers': the OceanBase tests read and drive the observer hosts and the simulator on the
 * lab bridge only, so their lab leaves Redis, Kafka, FastDFS, PaaS, DNS and the ADM stand-in out (plain sshd
 * hosts stay where they were, and the site file is the same).
 */
export const OB_LAB_SKIPPED_ROLES = [
  'paas',
  'redis',
  'csb-redis',
  'keepalived',
  'zookeeper',
  'kafka',
  'fdfs-tracker',
  'fdfs-storage',
  'fdfs-nginx',
  'bind9',
  'power-dns',
  'adm',
] as const;

/**
 * The oceanbase project's lab: the Xizang lab with only the observers' roles, on its own prefix and /24 so that the
 * OceanBase files run beside the integration and variants projects (the simulator binds the lab's bridge address,
 * which is the lab's own).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureTestRedisPersists();
  const ref = validateLabRef({
    prefix: process.env.OPSGATE_OB_LAB_PREFIX || 'ogo',
    net: process.env.OPSGATE_OB_LAB_NET || '10.77.150',
  });
  return bringUpLab(project, ref, [], OB_LAB_SKIPPED_ROLES);
}

import type { TestProject } from 'vitest/node';
import { labDown } from '../../src/wiring/lab/lab-down.ts';
import { labRefFromEnv } from '../../src/wiring/lab/lab-ref.ts';
import { labUp } from '../../src/wiring/lab/lab-up.ts';
import type { LabInfo } from '../../src/wiring/lab/read-lab-info.ts';
import { assertLabCapable } from '../../src/wiring/lab/run-lab-script.ts';
import { ensureTestRedisPersists } from './test-redis-persistence.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Xizang site lab brought up for the integration project (see test/support/lab.ts). */
    lab: LabInfo;
  }
}

/** The integration suite's own lab, unless OPSGATE_LAB_PREFIX / OPSGATE_LAB_NET name another. */
const TEST_LAB = { prefix: 'ogt', net: '10.77.100' } as const;

/**
 * Brings the Xizang lab up once for the integration project, provides its info to the tests, and brings it
 * down after them (OPSGATE_LAB_KEEP=1 keeps it for the next run; `up` reuses a healthy lab). Turns AOF on on the
 * test Redis when it persists nothing (`ensureTestRedisPersists`), or `/upgrade` would be refused.
 * Fails loudly on a machine that cannot run it: CI must never skip the lab silently.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureTestRedisPersists();
  return bringUpLab(project, labRefFromEnv(process.env, TEST_LAB));
}

/**
 * Brings the lab `ref` up (with `variants`, else OPSGATE_LAB_VARIANTS, else none; without `skipRoles`) and provides
 * it to `project`.
 */
export async function bringUpLab(
  project: TestProject,
  ref: { prefix: string; net: string },
  variants?: readonly string[],
  skipRoles?: readonly string[],
): Promise<() => Promise<void>> {
  assertLabCapable();
  const started = Date.now();
  const lab = await labUp({
    prefix: ref.prefix,
    net: ref.net,
    ...(variants ? { variants } : {}),
    ...(skipRoles ? { skipRoles } : {}),
  });
  const with_ =
    (variants && variants.length > 0 ? ` with variants ${variants.join(',')}` : '') +
    (skipRoles && skipRoles.length > 0 ? ` without roles ${skipRoles.join(',')}` : '');
  process.stderr.write(
    `site lab ${lab.prefix} (${lab.net}.0/24)${with_} up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${lab.siteFile ?? lab.stateDir}\n`,
  );
  project.provide('lab', lab);
  return async () => {
    if (process.env.OPSGATE_LAB_KEEP === '1') return;
    await labDown(ref);
  };
}

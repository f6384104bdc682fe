import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import { execOn } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, opsgate } from '../cli/opsgate-process.ts';
import { resetObLab, startLabSim } from './ob-lab.ts';

/**
 * `/precheck xizang ob obcluster` end to end in the lab: its first step asks every observer host for AVX2 over
 * SSH and the checks run with what it found. ob-2 is made a host without AVX2 by bind-mounting, in its own mount
 * namespace only, a copy of /proc/cpuinfo without the flag over /proc/cpuinfo (what the probe reads on a real host).
 */
let sim: ObSim;
const keys: RedisTestKeys[] = [];
const FAKE = '/run/opsgate-test-cpuinfo';

function run(line: string) {
  const k = new RedisTestKeys();
  keys.push(k);
  return opsgate(
    ['run', line, '--sites', labSitesDir(), '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--verbose'],
    {
      REDIS_URL: TEST_REDIS_URL,
      OPSGATE_REDIS_PREFIX: k.prefix,
    },
  );
}

beforeAll(async () => {
  await resetObLab();
  sim = await startLabSim();
}, 180_000);
afterEach(async () => {
  await execOn('ob-2', ['sh', '-c', `umount /proc/cpuinfo 2>/dev/null; rm -f ${FAKE}`]);
});
afterAll(async () => {
  await sim?.close();
  for (const k of keys) await k.close();
});

describe('the precheck reads -C from the observers', () => {
  it('runs the checks with -C avx2 when every observer has AVX2', async () => {
    const r = await run('/precheck xizang ob obcluster');
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/-C avx2: AVX2 on ob-1, ob-2, ob-3/);
    expect(r.stdout).toMatch(
      /running the 27 checks of upgrade_checker\.py 4\.3\.5\.5 against the sys tenant \(-C avx2;/,
    );
  });

  it('names the observer without AVX2 and runs the checks with -C avx2_not_support', async () => {
    const hide = `sed '/^flags/s/ avx2\\b//' /proc/cpuinfo > ${FAKE} && mount --bind ${FAKE} /proc/cpuinfo`;
    expect((await execOn('ob-2', ['sh', '-c', hide])).exitCode).toBe(0);
    const r = await run('/precheck xizang ob obcluster');
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/-C avx2_not_support: AVX2 on ob-1, ob-3; no AVX2 on ob-2/);
    expect(r.stdout).toMatch(/against the sys tenant \(-C avx2_not_support;/);
  });
});

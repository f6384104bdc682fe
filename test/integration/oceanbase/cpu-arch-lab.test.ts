import { afterEach, describe, expect, test } from 'vitest';
import type { EvaluatorInput } from '../../../src/core/ports/runbook.ts';
import { cpuArchEvaluator } from '../../../src/runbooks/oceanbase/precheck/cpu-arch-probe.ts';
import { execOn } from '../../support/lab.ts';
import { labXizang, registry, stepOf } from '../../unit/runbooks/oceanbase/ob-fixture-site.ts';
import { runnerLab, sessionsClosedAfterEach } from '../runners/runner-lab.ts';

/**
 * The precheck's first step over real SSH on the lab's observer hosts. The lab's CPU is this machine's (it has
 * AVX2); a host without it is made by bind-mounting, in that host's own mount namespace only, a copy of
 * /proc/cpuinfo whose flags lack avx2 over /proc/cpuinfo. That is what the probe reads on a real host, so nothing
 * in opsgate is pointed elsewhere for the test.
 */
const open = sessionsClosedAfterEach();
const lab = runnerLab();
const HOSTS = ['ob-1', 'ob-2', 'ob-3'];
const FAKE = '/run/opsgate-test-cpuinfo';

afterEach(async () => {
  await execOn('ob-2', ['sh', '-c', `umount /proc/cpuinfo 2>/dev/null; rm -f ${FAKE}`]);
});

async function probe(): Promise<EvaluatorInput[]> {
  const step = stepOf(registry.buildPlan('ob-precheck', await labXizang(), { cluster: 'obcluster' }), 'cpu-arch');
  const { session } = open(HOSTS.map((h) => lab.host(h)));
  const byHost = new Map(step.commands.map((c) => [c.host, c.command]));
  const outcomes = await session.fanOut(HOSTS, (host) => ({ command: byHost.get(host) ?? 'false' }));
  return outcomes.map((o) => {
    if (o.status !== 'done') throw new Error(`${o.host}: ${o.status}`);
    return { target: o.host, exitCode: o.result.exitCode, stdout: o.result.stdout.head, stderr: o.result.stderr.head };
  });
}

describe('the AVX2 probe on the lab observers', () => {
  test('finds AVX2 on every host: -C avx2', async () => {
    const [f] = cpuArchEvaluator(await probe(), undefined as never);
    expect(f).toMatchObject({ status: 'pass', evidence: '-C avx2: AVX2 on ob-1, ob-2, ob-3' });
  });

  test('names the host whose CPU flags lack avx2: -C avx2_not_support', async () => {
    const hide = `sed '/^flags/s/ avx2\\b//' /proc/cpuinfo > ${FAKE} && mount --bind ${FAKE} /proc/cpuinfo`;
    const r = await execOn('ob-2', ['sh', '-c', hide]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [f] = cpuArchEvaluator(await probe(), undefined as never);
    expect(f).toMatchObject({
      status: 'pass',
      evidence: '-C avx2_not_support: AVX2 on ob-1, ob-3; no AVX2 on ob-2',
    });
  });
});

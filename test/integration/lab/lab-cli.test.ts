import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../src/wiring/lab/lab-ref.ts';
import { getLab } from '../../support/lab.ts';

/** Runs `opsgate lab …` as a user would, against the test suite's lab. */
function opsgateLab(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const lab = getLab();
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'opsgate.js'), 'lab', ...args], {
    env: { ...process.env, OPSGATE_LAB_PREFIX: lab.ref.prefix, OPSGATE_LAB_NET: lab.ref.net, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('opsgate lab', () => {
  it('passes the exit code and output of a command run with exec through', () => {
    const res = opsgateLab(['exec', 'kafka-3', '--', 'sh', '-c', 'hostname; exit 42']);
    expect(res.stdout).toBe('kafka-3\n');
    expect(res.status).toBe(42);
  });

  it('lists every host as up in status', () => {
    const res = opsgateLab(['status']);
    expect(res.status).toBe(0);
    for (const h of getLab().hosts)
      expect(res.stdout).toMatch(new RegExp(`^${h.name} +${h.address.replaceAll('.', '\\.')} +up$`, 'm'));
  });

  it('rejects a bare host count above 200 as bad usage, naming the limit', () => {
    const res = opsgateLab(['up', '--bare', '201']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/1 to 200/);
  });

  it('rejects a malformed lab net as bad usage, naming the variable', () => {
    const res = opsgateLab(['status'], { OPSGATE_LAB_NET: '10.77' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/OPSGATE_LAB_NET '10\.77'/);
  });

  it('names the host when exec is given one that is not in the lab', () => {
    const res = opsgateLab(['exec', 'no-such-host', '--', 'true']);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/no host 'no-such-host'/);
  });
});

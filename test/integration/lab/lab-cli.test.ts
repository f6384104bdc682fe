import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  it('refuses to bring up or down a lab of the same prefix that another checkout runs, touching nothing', async () => {
    // A host of lab `ogz` as another checkout boots it: its unshare names that checkout's hostboot.sh and state dir.
    const other = mkdtempSync(path.join(tmpdir(), 'other-checkout-'));
    const state = path.join(other, '.opsgate', 'lab', 'ogz');
    const host = spawn('unshare', [
      '--fork',
      'sh',
      '-c',
      'sleep 60',
      path.join(other, 'lab/host/hostboot.sh'),
      state,
      'h1',
    ]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const env = { OPSGATE_LAB_PREFIX: 'ogz', OPSGATE_LAB_NET: '10.77.250', OPSGATE_LAB_SKIP_ROLES: 'all' };
      for (const verb of [['down'], ['up']]) {
        const res = opsgateLab(verb, env);
        expect(res.status, res.stderr).toBe(1);
        expect(res.stderr).toContain(
          `lab ogz is running from another checkout (state in ${state}): nothing was touched`,
        );
      }
      expect(host.exitCode).toBeNull();
      expect(spawnSync('ip', ['link', 'show', 'ogzbr0']).status).not.toBe(0);
    } finally {
      host.kill('SIGKILL');
      rmSync(other, { recursive: true, force: true });
    }
  });
});

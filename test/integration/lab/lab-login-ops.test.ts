import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { passwordLogin } from './password-login.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { labDown } from '../../../src/wiring/lab/lab-down.ts';
import { LabCommandError } from '../../../src/wiring/lab/lab-errors.ts';
import { labUp } from '../../../src/wiring/lab/lab-up.ts';
import type { LabInfo } from '../../../src/wiring/lab/read-lab-info.ts';
import { getLab } from '../../support/lab.ts';

/**
 * A lab of its own beside the integration lab: the Xizang hosts without their roles (plain sshd hosts, up in
 * seconds), root login disabled, ops becoming root with sudo and its password, and without one on kafka-1.
 */
function loginOpsLabRef(): { prefix: string; net: string } {
  const { prefix, net } = getLab().ref;
  const [a, b, c] = net.split('.');
  // The integration lab's bare lab takes the next /24; this one takes the one after.
  return { prefix: `${prefix.slice(0, 5)}o`, net: `${a}.${b}.${Number(c) + 2}` };
}
const VARIANTS = ['login-ops', 'sudo-nopasswd@kafka-1'];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the OpenSSH client with the lab's ssh_config, feeding `input` to the remote command's stdin. */
function ssh(lab: LabInfo, args: readonly string[], input = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', ['-F', lab.sshConfig, ...args], { timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('lab hosts with root login disabled and an ops user with sudo', () => {
  let lab: LabInfo;
  let opsPassword: string;

  beforeAll(async () => {
    lab = await labUp({ ...loginOpsLabRef(), variants: VARIANTS, skipRoles: ['all'] });
    opsPassword = (await readFile(path.join(lab.stateDir, 'secrets', 'ops-password'), 'utf8')).trim();
  });
  afterAll(async () => {
    await labDown(loginOpsLabRef());
  });

  it('refuses root over SSH and lets ops in with the lab key or its password', async () => {
    const root = await ssh(lab, ['-o', 'User=root', 'redis-a', 'true']);
    expect(root.code).toBe(255);
    expect(root.stderr).toMatch(/Permission denied/);
    expect((await ssh(lab, ['redis-a', 'id -un'])).stdout).toBe('ops\n');
    await expect(
      passwordLogin(
        {
          host: 'paas-1',
          address: lab.hosts.find((h) => h.name === 'paas-1')?.address ?? '',
          knownHosts: lab.knownHosts,
        },
        'ops',
        opsPassword,
        'id -un',
      ),
    ).resolves.toBe('ops');
  });

  it('asks ops for its sudo password, taken on stdin without a terminal, except on a passwordless host', async () => {
    // One connection each, at once: a wrong password costs sudo's failure delay.
    const [noPassword, right, wrong, passwordless] = await Promise.all([
      ssh(lab, ['redis-a', 'sudo -n true']),
      ssh(lab, ['redis-a', "sudo -S -k -p '' id -un"], `${opsPassword}\n`),
      ssh(lab, ['redis-b', "sudo -S -k -p '' true"], `${opsPassword}-wrong\n`),
      ssh(lab, ['kafka-1', 'sudo -n id -un; sudo -n -u app id -un']),
    ]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('sudo: a password is required');
    expect(right).toMatchObject({ code: 0, stdout: 'root\n' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/incorrect password/);
    expect(passwordless).toMatchObject({ code: 0, stdout: 'root\napp\n' });
  });

  it('writes a site file that logs in as ops and becomes root with sudo, without a password on kafka-1', async () => {
    const siteFile = lab.siteFile ?? '';
    const site = parse(await readFile(siteFile, 'utf8')) as {
      ssh: Record<string, unknown>;
      hosts: { name: string; become?: unknown }[];
    };
    const secret = { file: '../secrets/ops-password' };
    expect(site.ssh).toMatchObject({ user: 'ops', password: secret, become: { method: 'sudo', password: secret } });
    expect(existsSync(path.resolve(path.dirname(siteFile), secret.file))).toBe(true);
    expect(site.hosts.filter((h) => h.become !== undefined)).toEqual([
      expect.objectContaining({ name: 'kafka-1', become: { method: 'sudo' } }),
    ]);
  });

  it('refuses login-ops on a single host and sudo-nopasswd without login-ops', async () => {
    const one = labUp({ ...loginOpsLabRef(), variants: ['login-ops@redis-a'], skipRoles: ['all'] });
    await expect(one).rejects.toBeInstanceOf(LabCommandError);
    await expect(one).rejects.toThrow(/login-ops applies to the whole lab/);
    const alone = labUp({ ...loginOpsLabRef(), variants: ['sudo-nopasswd@kafka-1'], skipRoles: ['all'] });
    await expect(alone).rejects.toThrow(/give it with 'login-ops'/);
    expect((await ssh(lab, ['redis-a', 'id -un'])).stdout).toBe('ops\n');
  });
});

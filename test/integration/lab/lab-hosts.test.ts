import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLabScript } from '../../../src/wiring/lab/run-lab-script.ts';
import { ensureLabHealthy, execOn, getLab, labHost, linkHost, sshArgs } from '../../support/lab.ts';
import { passwordLogin } from './password-login.ts';

const run = promisify(execFile);

/** Runs the OpenSSH client and reports how it ended instead of throwing. */
async function ssh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('ssh', args, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const f = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof f.code === 'number' ? f.code : -1, stdout: f.stdout ?? '', stderr: f.stderr ?? '' };
  }
}

/** Logs in as root with a password and runs hostname. */
const rootLogin = (host: string, password: string): Promise<string> =>
  passwordLogin(
    { host, address: labHost(host).address, knownHosts: getLab().knownHosts },
    'root',
    password,
    'hostname',
  );

describe('lab hosts', () => {
  beforeAll(ensureLabHealthy);

  it('accepts the controller key on every host, which answers with its own name', async () => {
    const lab = getLab();
    expect(lab.hosts.map((h) => h.name)).toContain('redis-a');
    const names = await Promise.all(
      lab.hosts.map(async (h) => (await ssh([...sshArgs(h.name), 'hostname'])).stdout.trim()),
    );
    expect(names).toEqual(lab.hosts.map((h) => h.name));
  });

  it('refuses a host whose key is not in the known_hosts file (never accepted blindly)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lab-kh-'));
    try {
      const empty = path.join(dir, 'known_hosts');
      await writeFile(empty, '');
      const res = await ssh([...sshArgs('paas-1'), '-o', `UserKnownHostsFile=${empty}`, 'true']);
      expect(res.code).toBe(255);
      expect(res.stderr).toMatch(/Host key verification failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lets root in with the lab root password and not with a wrong one', async () => {
    const lab = getLab();
    const password = (await readFile(lab.secrets.rootPassword, 'utf8')).trim();
    await expect(rootLogin('paas-2', password)).resolves.toBe('paas-2');
    await expect(rootLogin('paas-2', `${password}-wrong`)).rejects.toThrow(/authentication methods failed/);
  });

  it('keeps a file written on one host invisible on another host and on the machine', async () => {
    const file = `/etc/opsgate-isolation-${randomUUID()}`;
    expect((await execOn('redis-a', ['sh', '-c', `echo changed > ${file}`])).exitCode).toBe(0);
    expect((await execOn('redis-a', ['cat', file])).stdout).toBe('changed\n');
    expect((await execOn('redis-b', ['test', '-e', file])).exitCode).toBe(1);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const diff = await runLabScript(getLab().ref, ['diff', 'redis-a']);
    expect(diff.stdout.split('\n')).toContain(`A ${file}`);
    await execOn('redis-a', ['rm', '-f', file]);
  });

  it('hides the checkout and the controller home from hosts', async () => {
    const res = await execOn('paas-1', ['ls', '-A', getLab().stateDir]);
    expect(res.exitCode).not.toBe(0);
    expect((await execOn('paas-1', ['ls', '-A', '/root/.ssh'])).stdout).toBe('authorized_keys\n');
  });

  it('gives hosts no route off the lab /24, so nothing leaves the bridge', async () => {
    const { stdout } = await execOn('dns-1', ['ip', '-4', 'route', 'show']);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${getLab().net.replaceAll('.', '\\.')}\\.0/24 dev eth0 `)),
    ]);
  });

  it('passes the exit code of a command run with exec through', async () => {
    expect((await execOn('fdfs-3', ['sh', '-c', 'exit 7'])).exitCode).toBe(7);
  });

  it('has a user app and a systemctl that drives the init.d scripts on every host', async () => {
    expect((await execOn('kafka-2', ['id', '-un', 'app'])).stdout).toBe('app\n');
    expect((await execOn('redis-a', ['systemctl', 'is-active', 'redis'])).stdout).toBe('active\n');
    const missing = await execOn('redis-a', ['systemctl', 'status', 'no-such-service']);
    expect(missing.exitCode).toBe(4);
  });

  it('makes an unplugged host unreachable until it is plugged back in', async () => {
    await linkHost('fdfs-3', 'down');
    try {
      const cut = await ssh([...sshArgs('fdfs-3'), '-o', 'ConnectTimeout=2', 'true']);
      expect(cut.code).toBe(255);
    } finally {
      await linkHost('fdfs-3', 'up');
    }
    expect((await ssh([...sshArgs('fdfs-3'), 'hostname'])).stdout).toBe('fdfs-3\n');
  });
});

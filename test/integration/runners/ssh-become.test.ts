import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../../src/core/shell-quote.ts';
import { SshBecomeError, SshTimeoutError } from '../../../src/runners/ssh/ssh-errors.ts';
import type { SshHostConfig } from '../../../src/runners/ssh/ssh-host-config.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

/**
 * Logging in as an unprivileged user and running as root through sudo, on a real host with real sudo: users made
 * for the test on one lab host, one whose sudo wants its password, one whose sudo does not, one without sudo rights.
 */
const HOST = 'fdfs-3';
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}`;
let lab: RunnerLab;
let dir: string;
const open = sessionsClosedAfterEach();

beforeAll(async () => {
  lab = runnerLab();
  dir = mkdtempSync(join(tmpdir(), 'opsgate-become-'));
  await lab.inHost(
    HOST,
    [
      'for u in bpw bfree bnone; do id "$u" > /dev/null 2>&1 || useradd -m -s /bin/bash "$u"; done',
      `for u in bpw bfree bnone; do echo "$u:${PASSWORD}" | chpasswd; install -d -m 700 -o "$u" -g "$u" /home/$u/.ssh; install -m 600 -o "$u" -g "$u" /root/.ssh/authorized_keys /home/$u/.ssh/authorized_keys; done`,
      "printf 'bpw ALL=(ALL:ALL) ALL\\nbfree ALL=(ALL:ALL) NOPASSWD: ALL\\n' > /etc/sudoers.d/opsgate-become-test",
      'chmod 440 /etc/sudoers.d/opsgate-become-test && visudo -cf /etc/sudoers.d/opsgate-become-test > /dev/null',
      'install -d -m 700 /root/become-test',
    ].join('\n'),
  );
});
afterAll(async () => {
  await lab.inHost(
    HOST,
    'rm -rf /etc/sudoers.d/opsgate-become-test /root/become-test; for u in bpw bfree bnone; do userdel -r "$u" 2> /dev/null; done; true',
  );
  rmSync(dir, { recursive: true, force: true });
});

const as = (user: string, become: SshHostConfig['become']): SshHostConfig =>
  lab.host(HOST, { user, ...(become === undefined ? {} : { become }) });
const session = (cfg: SshHostConfig) => open([cfg], { secrets: [PASSWORD] }).session;

describe('become: an unprivileged login runs commands as root through sudo', () => {
  it('runs as root with the password on stdin, which the command never sees, and passes its own stdin through', async () => {
    const s = session(as('bpw', { method: 'sudo', password: PASSWORD }));
    const r = await s.exec(HOST, { command: 'id -un; cat', stdin: 'line one\nline two\n' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.head).toBe('root\nline one\nline two\n');
    expect(r.stderr.head).toBe('');
    const batch = await s.fanOutBatch?.([HOST], () => [{ command: 'id -un' }, { command: 'echo "$PWD"; exit 3' }]);
    const outcomes = batch?.[0]?.outcomes ?? [];
    expect(
      outcomes.map((o) => (o.status === 'done' ? `${o.result.exitCode} ${o.result.stdout.head.trim()}` : o.status)),
    ).toEqual(['0 root', '3 /home/bpw']);
  });

  it('needs no password where sudo asks for none', async () => {
    const r = await session(as('bfree', { method: 'sudo' })).exec(HOST, { command: 'id -u' });
    expect(r.stdout.head).toBe('0\n');
  });

  it('refuses before running anything, naming host, user and what sudo said, when a password is needed and not given', async () => {
    const s = session(as('bpw', { method: 'sudo' }));
    const marker = `/tmp/become-ran-${randomBytes(4).toString('hex')}`;
    const e = await s.exec(HOST, { command: sh`touch ${marker}` }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SshBecomeError);
    expect((e as Error).message).toMatch(
      /^fdfs-3 \(.*\): bpw cannot run commands as root with sudo: "sudo: a password is required"; the site file gives no become password/,
    );
    expect(await lab.inHost(HOST, sh`test -e ${marker} && echo ran || echo absent`)).toBe('absent\n');
  });

  it('names a wrong password and a user without sudo rights, and never shows the password', async () => {
    const wrong = `wrong-${PASSWORD}`;
    const e1 = await open([as('bpw', { method: 'sudo', password: wrong })], { secrets: [wrong] })
      .session.exec(HOST, { command: 'true' })
      .then(
        () => new Error('no error'),
        (x: unknown) => x as Error,
      );
    expect(e1).toBeInstanceOf(SshBecomeError);
    expect(e1.message).toMatch(/incorrect password|no password was provided/);
    expect(e1.message).toContain('not this user’s password on the host');
    expect(e1.message).not.toContain(wrong);
    const e2 = await session(as('bnone', { method: 'sudo', password: PASSWORD }))
      .exec(HOST, { command: 'true' })
      .then(
        () => new Error('no error'),
        (x: unknown) => x as Error,
      );
    expect(e2).toBeInstanceOf(SshBecomeError);
    expect(e2.message).toMatch(/bnone cannot run commands as root with sudo: "[^"]*not in the sudoers/);
  });

  it('uploads into a root-only directory through the staging directory: root-owned, its mode, nothing left staged', async () => {
    const s = session(as('bpw', { method: 'sudo', password: PASSWORD }));
    const data = randomBytes(200_000);
    const local = join(dir, 'pkg.bin');
    writeFileSync(local, data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const r = await s.upload(HOST, { localPath: local, remotePath: '/root/become-test/pkg.bin', mode: 0o640, sha256 });
    expect(r.sha256).toBe(sha256);
    const seen = await lab.inHost(
      HOST,
      'stat -c "%U:%G %a" /root/become-test/pkg.bin; ls -A /root/become-test /home/bpw/.opsgate-staging | grep -c opsgate-upload || true',
    );
    expect(seen).toBe('root:root 640\n0\n');
  });

  it('kills the command as root when it times out: nothing of it is left running', async () => {
    const s = session(as('bpw', { method: 'sudo', password: PASSWORD }));
    const secs = `300.${randomBytes(2).readUInt16BE()}`;
    const e = await s.exec(HOST, { command: `sleep ${secs}`, timeoutMs: 1500 }).then(
      () => new Error('no error'),
      (x: unknown) => x as Error,
    );
    expect(e).toBeInstanceOf(SshTimeoutError);
    expect((e as SshTimeoutError).killed).toBe(true);
    // The bracket keeps pgrep from finding the shell that runs it.
    expect(await lab.inHost(HOST, `pgrep -f '[s]leep ${secs}' || echo none`)).toBe('none\n');
  });
});

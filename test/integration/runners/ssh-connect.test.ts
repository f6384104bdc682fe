import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseKnownHosts } from '../../../src/runners/ssh/known-hosts.ts';
import { runnerLab, sessionsClosedAfterEach, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
beforeAll(() => {
  lab = runnerLab();
});
const open = sessionsClosedAfterEach();
const session = (...args: Parameters<typeof open>) => open(...args).session;

/** Client ports of the logins sshd on `host` has accepted so far, oldest first (its log lives inside the host). */
async function acceptedLogins(host: string): Promise<number[]> {
  const log = await lab.inHost(host, 'grep "Accepted " /var/log/sshd.log || true');
  return [...log.matchAll(/ port (\d+) /g)].map((m) => Number(m[1]));
}

/** Whether the TCP connection from client port `port` to the host's sshd is established. */
async function established(host: string, port: number): Promise<boolean> {
  const out = await lab.inHost(host, `ss -Htn state established '( sport = :22 and dport = :${port} )' | wc -l`);
  return Number(out.trim()) === 1;
}

describe('SSH session connections', () => {
  it('opens one connection per host, reuses it for every command and closes it on close()', async () => {
    const before = (await acceptedLogins('paas-2')).length;
    // Tracked too, so a failed assertion before the explicit dispose below still cleans up (dispose is idempotent).
    const s = open([lab.host('paas-2')]);
    for (let i = 0; i < 12; i++) {
      const r = await s.session.exec('paas-2', { command: `echo ${i}` });
      expect(r.stdout.head).toBe(`${i}\n`);
    }
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => s.session.exec('paas-2', { command: `echo parallel ${i}` })),
    );
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0]);
    const logins = (await acceptedLogins('paas-2')).slice(before);
    expect(logins).toHaveLength(1);
    expect(await established('paas-2', logins[0]!)).toBe(true);
    await s.dispose();
    expect(await established('paas-2', logins[0]!)).toBe(false);
  });

  it('reports a dropped connection as unreachable and reconnects on the next call', async () => {
    const s = session([lab.host('kafka-1')]);
    await s.exec('kafka-1', { command: 'true' });
    // Caught at once: it rejects while the kill below is still being awaited.
    const running = s.exec('kafka-1', { command: 'sleep 30' }).catch((e: unknown) => e);
    // Kill the per-connection sshd process on the host: the connection drops under a running command.
    await lab.inHost('kafka-1', `sleep 0.5; pkill -f '^sshd: root@notty' || pkill -f 'sshd: root'`);
    expect(await running).toMatchObject({
      code: 'SSH_UNREACHABLE',
      fields: { host: 'kafka-1', phase: 'connection lost' },
    });
    const again = await s.exec('kafka-1', { command: 'hostname' });
    expect(again.stdout.head).toBe('kafka-1\n');
  });

  it('fails with SSH_UNREACHABLE naming the host when nothing answers at its address', async () => {
    const s = session([lab.host('ghost', { address: `${lab.net}.250`, readyTimeoutMs: 3000 })]);
    await expect(s.exec('ghost', { command: 'true' })).rejects.toMatchObject({
      code: 'SSH_UNREACHABLE',
      retryable: true,
      fields: { host: 'ghost', address: `${lab.net}.250`, phase: 'connect' },
    });
  });

  it('logs in with the root password and refuses a wrong one with SSH_AUTH_FAILED', async () => {
    const password = lab.secret('root-password');
    const good = lab.host('dns-1', { password });
    delete (good as { privateKey?: unknown }).privateKey;
    const bad = { ...good, name: 'dns-1-bad', password: `${password}-wrong` };
    const s = session([good, bad]);
    const r = await s.exec('dns-1', { command: 'hostname' });
    expect(r.stdout.head).toBe('dns-1\n');
    await expect(s.exec('dns-1-bad', { command: 'true' })).rejects.toMatchObject({
      code: 'SSH_AUTH_FAILED',
      retryable: false,
      fields: { host: 'dns-1-bad', user: 'root', methods: ['password'] },
    });
  });

  it('refuses a host whose key differs from known_hosts', async () => {
    // known_hosts claims paas-1's address has fdfs-1's key: what a man in the middle would look like.
    const entries = parseKnownHosts(readFileSync(join(lab.stateDir, 'known_hosts'), 'utf8'));
    const fdfsKey = entries.find((e) => e.hosts.split(',').includes('fdfs-1'));
    expect(fdfsKey).toBeDefined();
    const forged = [{ ...fdfsKey!, hosts: `paas-1,${lab.address('paas-1')}` }];
    const s = session([lab.host('paas-1', { knownHosts: forged })]);
    const err = await s.exec('paas-1', { command: 'true' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_HOST_KEY_MISMATCH', retryable: false, fields: { host: 'paas-1' } });
    expect((err as Error).message).toContain('refusing to connect');
  });

  it('refuses a host that known_hosts does not list', async () => {
    const entries = parseKnownHosts(readFileSync(join(lab.stateDir, 'known_hosts'), 'utf8')).filter(
      (e) => !e.hosts.split(',').includes('paas-1'),
    );
    const s = session([lab.host('paas-1', { knownHosts: entries })]);
    await expect(s.exec('paas-1', { command: 'true' })).rejects.toMatchObject({
      code: 'SSH_HOST_KEY_UNKNOWN',
      fields: { host: 'paas-1' },
    });
  });

  it('reaches a host through a jump host', async () => {
    const s = session([lab.host('fdfs-3', { jump: lab.host('paas-1') })]);
    const r = await s.exec('fdfs-3', { command: 'echo "$SSH_CONNECTION"; hostname' });
    const [conn, name] = r.stdout.head.trim().split('\n');
    // The target sees the connection coming from the jump host, not from the controller.
    expect(conn?.split(' ')[0]).toBe(lab.address('paas-1'));
    expect(conn?.split(' ')[2]).toBe(lab.address('fdfs-3'));
    expect(name).toBe('fdfs-3');
  });

  it('names the jump host when the target behind it does not answer', async () => {
    const s = session([
      lab.host('ghost', { address: `${lab.net}.251`, readyTimeoutMs: 3000, jump: lab.host('paas-1') }),
    ]);
    await expect(s.exec('ghost', { command: 'true' })).rejects.toMatchObject({
      code: 'SSH_UNREACHABLE',
      fields: { host: 'ghost', via: 'paas-1' },
    });
  });
});

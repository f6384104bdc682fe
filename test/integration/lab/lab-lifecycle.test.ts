import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { labDown } from '../../../src/wiring/lab/lab-down.ts';
import { LabCommandError } from '../../../src/wiring/lab/lab-errors.ts';
import { labUp } from '../../../src/wiring/lab/lab-up.ts';
import { execOn, getLab } from '../../support/lab.ts';

const run = promisify(execFile);

/** Every trace of a lab prefix on this machine: namespaces, links, processes and mounts. */
async function traces(prefix: string, stateDir: string): Promise<string[]> {
  const found: string[] = [];
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
  found.push(...netns.filter((n) => n.startsWith(`${prefix}-`)).map((n) => `netns ${n}`));
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout
    .split('\n')
    .map((l) => (l.split(': ')[1] ?? '').replace(/@.*/, ''));
  found.push(
    ...links.filter((l) => l === `${prefix}br0` || new RegExp(`^${prefix}v\\d+$`).test(l)).map((l) => `link ${l}`),
  );
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(stateDir)) found.push(`process ${pid} ${cmdline.replaceAll('\0', ' ')}`);
  }
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  found.push(
    ...mounts
      .split('\n')
      .filter((m) => m.includes(stateDir) || m.includes(`/run/netns/${prefix}-`))
      .map((m) => `mount ${m}`),
  );
  return found;
}

describe('lab lifecycle', () => {
  it('brings bare sshd hosts up on the next /24 (leaving ip_forward alone), reuses them when healthy, and takes them down without a trace', async () => {
    const lab = getLab();
    const forwarding = await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8');
    const bare = await labUp({ prefix: lab.ref.prefix, net: lab.ref.net, bare: 3 });
    expect(await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(forwarding);
    try {
      const [a, b, c] = lab.ref.net.split('.');
      expect(bare.hosts).toEqual([
        { name: 'b001', address: `${a}.${b}.${Number(c) + 1}.11`, variants: [] },
        { name: 'b002', address: `${a}.${b}.${Number(c) + 1}.12`, variants: [] },
        { name: 'b003', address: `${a}.${b}.${Number(c) + 1}.13`, variants: [] },
      ]);
      const { stdout } = await run('ssh', ['-F', bare.sshConfig, 'b003', 'hostname']);
      expect(stdout).toBe('b003\n');
      // Up again on a healthy lab: the same hosts keep running (a rebuilt host would have lost the marker).
      const marker = '/tmp/still-the-same-boot';
      await execOn('b002', ['touch', marker]);
      const again = await labUp({ prefix: lab.ref.prefix, net: lab.ref.net, bare: 3 });
      expect(again.hosts).toEqual(bare.hosts);
      expect((await execOn('b002', ['test', '-e', marker])).exitCode).toBe(0);
      expect(await traces(bare.prefix, bare.stateDir)).not.toEqual([]);
    } finally {
      await labDown({ ...lab.ref, bare: true });
    }
    expect(await traces(bare.prefix, bare.stateDir)).toEqual([]);
    expect(existsSync(bare.stateDir)).toBe(false);
  });

  it('rebuilds a half-up lab: a host whose process tree died comes back', async () => {
    const lab = getLab();
    const ref = { prefix: lab.ref.prefix, net: lab.ref.net };
    const bare = await labUp({ ...ref, bare: 2 });
    try {
      const pids = await readFile(`${bare.stateDir}/pids`, 'utf8');
      const pid = Number(/^b002 (\d+)$/m.exec(pids)?.[1]);
      expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')).toContain(bare.stateDir);
      process.kill(pid, 'SIGKILL');
      const again = await labUp({ ...ref, bare: 2 });
      const { stdout } = await run('ssh', ['-F', again.sshConfig, 'b002', 'hostname']);
      expect(stdout).toBe('b002\n');
    } finally {
      await labDown({ ...ref, bare: true });
    }
  });

  it('refuses to come up on a /24 that something else already routes, and leaves nothing', async () => {
    const lab = getLab();
    const [a, b, c] = lab.ref.net.split('.');
    const taken = `${a}.${b}.${Number(c) + 1}`;
    const squatter = `${lab.ref.prefix}tst0`;
    await run('ip', ['link', 'add', squatter, 'type', 'bridge']);
    try {
      await run('ip', ['addr', 'add', `${taken}.1/24`, 'dev', squatter]);
      await run('ip', ['link', 'set', squatter, 'up']);
      const up = labUp({ prefix: lab.ref.prefix, net: lab.ref.net, bare: 1 });
      await expect(up).rejects.toBeInstanceOf(LabCommandError);
      await expect(up).rejects.toThrow(/already routed/);
      expect(await traces(`${lab.ref.prefix}b`, `${lab.stateDir}b`)).toEqual([]);
    } finally {
      await run('ip', ['link', 'del', squatter]);
    }
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { labDown } from '../../../src/lab/lab-down.ts';
import { labUp } from '../../../src/lab/lab-up.ts';
import { execOn, getLab } from '../../support/lab.ts';

const run = promisify(execFile);

/** Every trace of a lab prefix on this machine: namespaces, links, processes and mounts. */
async function traces(prefix: string, stateDir: string): Promise<string[]> {
  const found: string[] = [];
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0] ?? '');
  found.push(...netns.filter((n) => n.startsWith(`${prefix}-`)).map((n) => `netns ${n}`));
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout.split('\n').map((l) => (l.split(': ')[1] ?? '').replace(/@.*/, ''));
  found.push(...links.filter((l) => l === `${prefix}br0` || new RegExp(`^${prefix}v\\d+$`).test(l)).map((l) => `link ${l}`));
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(stateDir)) found.push(`process ${pid} ${cmdline.replaceAll('\0', ' ')}`);
  }
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  found.push(...mounts.split('\n').filter((m) => m.includes(stateDir) || m.includes(`/run/netns/${prefix}-`)).map((m) => `mount ${m}`));
  return found;
}

describe('lab lifecycle', () => {
  it('leaves a healthy lab as it is when brought up again', async () => {
    const lab = getLab();
    const marker = `/tmp/still-the-same-boot`;
    await execOn('paas-1', ['touch', marker]);
    const again = await labUp({ prefix: lab.ref.prefix, net: lab.ref.net });
    expect(again.siteFile).toBe(lab.siteFile);
    expect(again.hosts).toEqual(lab.hosts);
    expect((await execOn('paas-1', ['test', '-e', marker])).exitCode).toBe(0);
  });

  it('brings bare sshd hosts up on the next /24 and down again without a trace', async () => {
    const lab = getLab();
    const bare = await labUp({ prefix: lab.ref.prefix, net: lab.ref.net, bare: 3 });
    try {
      const [a, b, c] = lab.ref.net.split('.');
      expect(bare.hosts).toEqual([
        { name: 'b001', address: `${a}.${b}.${Number(c) + 1}.11` },
        { name: 'b002', address: `${a}.${b}.${Number(c) + 1}.12` },
        { name: 'b003', address: `${a}.${b}.${Number(c) + 1}.13` },
      ]);
      const { stdout } = await run('ssh', ['-F', bare.sshConfig, 'b003', 'hostname']);
      expect(stdout).toBe('b003\n');
      expect(await traces(bare.prefix, bare.stateDir)).not.toEqual([]);
    } finally {
      await labDown({ ...lab.ref, bare: true });
    }
    expect(await traces(bare.prefix, bare.stateDir)).toEqual([]);
    expect(existsSync(bare.stateDir)).toBe(false);
  });
});

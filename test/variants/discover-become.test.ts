import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { discover } from '../integration/sites/discover-cli.ts';
import { getLab } from '../support/lab.ts';

/**
 * `opsgate sites discover` where root cannot log in (the variants lab): it logs in as `ops` and reads every host as
 * root through sudo, and the draft logs in the same way, the sudo password a reference, never its value.
 */

interface Draft {
  readonly ssh: Record<string, unknown>;
  readonly middleware: { readonly redis?: readonly { master: string; replicas: string[] }[] };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('opsgate sites discover --become', () => {
  it('reads every host as root through sudo and drafts the same login', async () => {
    const lab = getLab();
    if (lab.siteFile === null) throw new Error('the lab has no site file');
    const site = parse(readFileSync(lab.siteFile, 'utf8')) as {
      hosts: { name: string; address: string; groups?: string[] }[];
      middleware: Draft['middleware'];
    };
    const dir = mkdtempSync(join(lab.stateDir, 'discover-become-'));
    dirs.push(dir);
    const hosts = join(dir, 'hosts.txt');
    writeFileSync(hosts, site.hosts.map((h) => `${h.address} ${h.name} ${(h.groups ?? []).join(',')}`).join('\n'));
    const out = join(dir, 'xizang.yml');
    const password = readFileSync(join(lab.stateDir, 'secrets', 'ops-password'), 'utf8').trim();
    const r = await discover(hosts, out, ['--user', 'ops', '--become', '--become-password-env', 'OPS_SUDO_PASSWORD'], {
      OPS_SUDO_PASSWORD: password,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/18 of 18 host\(s\) read/);
    const text = readFileSync(out, 'utf8');
    const draft = parse(text) as Draft;
    expect(draft.ssh).toMatchObject({
      user: 'ops',
      become: { method: 'sudo', password: { env: 'OPS_SUDO_PASSWORD' } },
    });
    // Who is master and who replicates it, read on the hosts as root, as from the lab's own site file.
    expect(draft.middleware.redis?.map((x) => `${x.master} ${x.replicas.join(',')}`)).toEqual(
      site.middleware.redis?.map((x) => `${x.master} ${x.replicas.join(',')}`),
    );
    expect(text + r.stdout + r.stderr).not.toContain(password);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../../src/adapters/files/load-site.ts';
import type { SiteFile } from '../../../src/core/sites/site-schema.ts';
import { sshHostsFromSite } from '../../../src/wiring/ssh-hosts-from-site.ts';

const SITE_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lab', 'sites', 'xizang.yml');

function ed25519Line(hosts: string): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const len = (b: Buffer): Buffer => Buffer.from([0, 0, 0, b.length]);
  return `${hosts} ssh-ed25519 ${Buffer.concat([len(type), type, len(raw), raw]).toString('base64')}`;
}

/** Secret files as the site file references them, served from memory. */
const files: Record<string, string> = {
  id_ed25519: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n-----END OPENSSH PRIVATE KEY-----\n',
  'root-password': 'Root_Pw_123\n',
  known_hosts: `${ed25519Line('paas-1,10.77.0.11')}\n`,
};
const readFile = async (path: string): Promise<string> => {
  const name = Object.keys(files).find((f) => path.endsWith(`/${f}`));
  if (name === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  return files[name] ?? '';
};

let site: SiteFile;
let baseDir: string;
beforeAll(async () => {
  const loaded = await loadSite(SITE_FILE, { env: {}, checkSecrets: false });
  if (!loaded.ok) throw new Error(loaded.error.map((p) => p.message).join('; '));
  site = loaded.value.site;
  baseDir = loaded.value.baseDir;
});

describe('sshHostsFromSite', () => {
  it('gives every host of the site the resolved credentials and known_hosts, and the secrets to redact', async () => {
    const { hosts, secrets } = await sshHostsFromSite(site, { env: {}, baseDir, readFile });
    expect(hosts.map((h) => h.name)).toEqual(site.hosts.map((h) => h.name));
    const paas1 = hosts.find((h) => h.name === 'paas-1');
    expect(paas1).toMatchObject({
      address: '10.77.0.11',
      port: 22,
      user: 'root',
      password: 'Root_Pw_123',
      privateKey: files.id_ed25519?.replace(/\n$/, ''),
    });
    expect(Array.isArray(paas1?.knownHosts) && paas1.knownHosts[0]?.hosts).toBe('paas-1,10.77.0.11');
    expect(secrets).toContain('Root_Pw_123');
    expect(hosts.every((h) => h.jump === undefined)).toBe(true);
  });

  it('sends every host but the jump host itself through a jump host of the site', async () => {
    const withJump: SiteFile = { ...site, ssh: { ...site.ssh, jump: { host: 'paas-1' } } };
    const { hosts } = await sshHostsFromSite(withJump, { env: {}, baseDir, readFile });
    expect(hosts.find((h) => h.name === 'paas-1')?.jump).toBeUndefined();
    expect(hosts.find((h) => h.name === 'redis-a')?.jump).toMatchObject({
      name: 'paas-1',
      address: '10.77.0.11',
      user: 'root',
    });
  });

  it('reaches an outside jump host with its own credentials, as the site user unless it names another', async () => {
    const jump = { address: '10.77.0.250', port: 2222, password: { env: 'JUMP_PW' } };
    const env = { JUMP_PW: 'Jump_Pw_9' };
    const asSiteUser = await sshHostsFromSite({ ...site, ssh: { ...site.ssh, jump } }, { env, baseDir, readFile });
    expect(asSiteUser.hosts.find((h) => h.name === 'redis-a')?.jump).toMatchObject({
      address: '10.77.0.250',
      port: 2222,
      user: site.ssh.user,
      password: 'Jump_Pw_9',
    });
    expect(asSiteUser.secrets).toContain('Jump_Pw_9');
    const named = await sshHostsFromSite(
      { ...site, ssh: { ...site.ssh, jump: { ...jump, user: 'bastion' } } },
      { env, baseDir, readFile },
    );
    expect(named.hosts.find((h) => h.name === 'redis-a')?.jump?.user).toBe('bastion');
  });

  it('gives every host the site become, a host its own, and the become passwords to redact', async () => {
    const env = { OPS_SUDO: 'Sudo_Pw_1', PAAS_SUDO: 'Sudo_Pw_2' };
    const withBecome: SiteFile = {
      ...site,
      ssh: {
        ...site.ssh,
        user: 'ops',
        become: { method: 'sudo', password: { env: 'OPS_SUDO' } },
        jump: { host: 'paas-1' },
      },
      hosts: site.hosts.map((h) =>
        h.name === 'paas-1'
          ? { ...h, become: { method: 'sudo', password: { env: 'PAAS_SUDO' }, stagingDir: '/data/stage' } }
          : h.name === 'kafka-1'
            ? { ...h, become: { method: 'sudo' } }
            : h,
      ),
    };
    const { hosts, secrets } = await sshHostsFromSite(withBecome, { env, baseDir, readFile });
    const of = (name: string) => hosts.find((h) => h.name === name);
    expect(of('redis-a')?.become).toEqual({ method: 'sudo', password: 'Sudo_Pw_1' });
    expect(of('kafka-1')?.become).toEqual({ method: 'sudo' });
    expect(of('paas-1')?.become).toEqual({ method: 'sudo', password: 'Sudo_Pw_2', stagingDir: '/data/stage' });
    // The jump host is the same login as the host itself, so that both share one connection.
    expect(of('redis-a')?.jump).toEqual({ ...of('paas-1'), jump: undefined, name: 'paas-1' });
    expect(secrets).toEqual(expect.arrayContaining(['Sudo_Pw_1', 'Sudo_Pw_2']));
  });

  it('names the reference of a secret it cannot read, never a value', async () => {
    const missing: SiteFile = { ...site, ssh: { ...site.ssh, password: { env: 'OPSGATE_TEST_UNSET_PW' } } };
    await expect(sshHostsFromSite(missing, { env: {}, baseDir, readFile })).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      fields: { reference: 'env OPSGATE_TEST_UNSET_PW' },
    });
  });

  it('names the line of a broken known_hosts entry', async () => {
    const broken = async (path: string): Promise<string> =>
      path.endsWith('/known_hosts') ? `${files.known_hosts}garbage\n` : readFile(path);
    await expect(sshHostsFromSite(site, { env: {}, baseDir, readFile: broken })).rejects.toMatchObject({
      code: 'SSH_CONFIG_INVALID',
      message: expect.stringContaining('ssh.knownHosts:2'),
    });
  });
});

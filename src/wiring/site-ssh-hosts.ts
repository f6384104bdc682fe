import type { Env, SecretRef } from '../core/sites/secret-ref.ts';
import { parseKnownHosts } from '../runners/ssh/known-hosts.ts';
import type { SshHostConfig } from '../runners/ssh/ssh-host-config.ts';
import { findSecretRefs } from '../core/sites/find-secret-refs.ts';
import type { LoadedSite } from '../adapters/files/load-site.ts';
import { requireSecret, resolveSecret } from '../adapters/files/resolve-secret.ts';

/** How to reach a site's hosts, and every secret of the site file (to be redacted from all output). */
export interface SiteSshSetup {
  readonly hosts: readonly SshHostConfig[];
  readonly secrets: readonly string[];
}

/**
 * Maps a validated site file onto the SSH runner's host configs, resolving its secret references (the site's
 * credentials, its known_hosts, an outside jump host). Every other secret the file references (Redis and
 * database passwords …) is resolved too, so the runner redacts it wherever it shows up in output.
 */
export async function siteSshSetup(loaded: LoadedSite, env: Env): Promise<SiteSshSetup> {
  const deps = { env, baseDir: loaded.baseDir };
  const secret = async (ref: SecretRef | undefined) => (ref === undefined ? undefined : requireSecret(ref, deps));
  const { site } = loaded;
  const ssh = site.ssh;
  const knownHosts = parseKnownHosts(await requireSecret(ssh.knownHosts, deps), 'site known_hosts');
  const auth = {
    user: ssh.user,
    knownHosts,
    ...optional('privateKey', await secret(ssh.privateKey)),
    ...optional('passphrase', await secret(ssh.passphrase)),
    ...optional('password', await secret(ssh.password)),
  };
  const byName = new Map(site.hosts.map((h) => [h.name, { name: h.name, address: h.address, port: h.port, ...auth }]));
  let jump: SshHostConfig | undefined;
  if (ssh.jump?.host !== undefined) jump = byName.get(ssh.jump.host);
  else if (ssh.jump?.address !== undefined) {
    jump = {
      name: 'jump',
      address: ssh.jump.address,
      port: ssh.jump.port ?? 22,
      user: ssh.jump.user ?? ssh.user,
      knownHosts,
      ...optional('privateKey', await secret(ssh.jump.privateKey)),
      ...optional('passphrase', await secret(ssh.jump.passphrase)),
      ...optional('password', await secret(ssh.jump.password)),
    };
  }
  const hosts = [...byName.values()].map((h) => (jump !== undefined && jump.name !== h.name ? { ...h, jump } : h));
  const secrets: string[] = [];
  for (const { path, ref } of findSecretRefs(site)) {
    if (path.at(-1) === 'knownHosts') continue;
    const r = await resolveSecret(ref, deps);
    if (r.ok) secrets.push(r.value);
  }
  return { hosts, secrets };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

import { requireSecret, resolveSecret, type SecretDeps } from '../adapters/files/resolve-secret.ts';
import { findSecretRefs } from '../core/sites/find-secret-refs.ts';
import type { SecretRef } from '../core/sites/secret-ref.ts';
import type { Host } from '../core/sites/host-schema.ts';
import type { SiteFile } from '../core/sites/site-schema.ts';
import { KnownHostsSyntaxError, parseKnownHosts, type KnownHostEntry } from '../runners/ssh/known-hosts.ts';
import { SshConfigError } from '../runners/ssh/ssh-errors.ts';
import type { BecomeConfig, SshHostConfig } from '../runners/ssh/ssh-host-config.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import type { Site } from '../core/sites/site.ts';

/** What `createSshSession` needs for a site: every host's resolved config and the secrets to redact. */
export interface SiteSshConfig {
  readonly hosts: SshHostConfig[];
  readonly secrets: string[];
}

/**
 * Maps a validated site file's `ssh` and `hosts` to session configs, resolving the secret references (key,
 * passphrase, password, known_hosts) once. A jump host that is a host of the file uses the site's credentials;
 * an outside one its own. Every other secret of the file that resolves is added to the secrets to redact. Throws
 * `SecretUnavailableError` for a secret that cannot be read and
 * `SshConfigError` for a known_hosts that cannot be parsed (naming its line). `pinned` replaces the file's
 * known_hosts (a key scan, before the file exists or while it is being rewritten).
 */
export async function sshHostsFromSite(
  site: SiteFile,
  deps: SecretDeps,
  pinned?: readonly KnownHostEntry[],
): Promise<SiteSshConfig> {
  const secrets: string[] = [];
  const read = async (ref: SecretRef | undefined): Promise<string | undefined> => {
    if (ref === undefined) return undefined;
    const value = await requireSecret(ref, deps);
    secrets.push(value);
    return value;
  };
  const ssh = site.ssh;
  const knownHosts = pinned ?? (await readKnownHosts(site, deps));
  const credentials = await readCredentials(ssh, read);
  const become = await becomeOf(site, read);
  // A host of the file as it is reached directly (the jump host itself, or any host when there is none).
  const direct = (h: Host): SshHostConfig => {
    const own = become.get(h.name);
    return {
      name: h.name,
      address: h.address,
      port: h.port,
      ...credentials,
      knownHosts,
      ...(own === undefined ? {} : { become: own }),
    };
  };
  const jump = await jumpConfig(site, direct, knownHosts, read);
  const hosts = site.hosts.map((h): SshHostConfig => {
    const self = jump !== undefined && site.ssh.jump?.host === h.name;
    // The jump host itself is reached directly.
    return { ...direct(h), ...(jump === undefined || self ? {} : { jump }) };
  });
  // Every other secret the file references (Redis and database passwords …) is redacted from all output too.
  for (const { path, ref } of findSecretRefs(site)) {
    // The SSH credentials and become passwords were read above; known_hosts is public, nothing to redact.
    if (path[0] === 'ssh' || (path[0] === 'hosts' && path[2] === 'become')) continue;
    const other = await resolveSecret(ref, deps);
    if (other.ok && !secrets.includes(other.value)) secrets.push(other.value);
  }
  return { hosts, secrets };
}

async function readKnownHosts(site: SiteFile, deps: SecretDeps): Promise<readonly KnownHostEntry[]> {
  const text = await requireSecret(site.ssh.knownHosts, deps);
  try {
    return parseKnownHosts(text, 'ssh.knownHosts');
  } catch (e) {
    throw new SshConfigError(
      site.id,
      e instanceof KnownHostsSyntaxError ? `bad known_hosts: ${e.message}` : 'bad known_hosts',
      e,
    );
  }
}

type Credentials = Pick<SshHostConfig, 'user' | 'privateKey' | 'passphrase' | 'password'>;

async function readCredentials(
  auth: {
    user: string;
    privateKey?: SecretRef | undefined;
    passphrase?: SecretRef | undefined;
    password?: SecretRef | undefined;
  },
  read: (ref: SecretRef | undefined) => Promise<string | undefined>,
): Promise<Credentials> {
  const [privateKey, passphrase, password] = await Promise.all([
    read(auth.privateKey),
    read(auth.passphrase),
    read(auth.password),
  ]);
  return {
    user: auth.user,
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(password === undefined ? {} : { password }),
  };
}

/** Each host's way to become root: its own `become`, else the site's; hosts without either log in as they are. */
async function becomeOf(
  site: SiteFile,
  read: (ref: SecretRef | undefined) => Promise<string | undefined>,
): Promise<Map<string, BecomeConfig>> {
  const out = new Map<string, BecomeConfig>();
  for (const h of site.hosts) {
    const b = h.become ?? site.ssh.become;
    if (b === undefined) continue;
    const password = await read(b.password);
    out.set(h.name, {
      method: b.method,
      ...(password === undefined ? {} : { password }),
      ...(b.stagingDir === undefined ? {} : { stagingDir: b.stagingDir }),
    });
  }
  return out;
}

async function jumpConfig(
  site: SiteFile,
  direct: (h: Host) => SshHostConfig,
  knownHosts: readonly KnownHostEntry[],
  read: (ref: SecretRef | undefined) => Promise<string | undefined>,
): Promise<SshHostConfig | undefined> {
  const jump = site.ssh.jump;
  if (jump === undefined) return undefined;
  if (jump.host !== undefined) {
    const host = site.hosts.find((h) => h.name === jump.host);
    if (host === undefined) throw new SshConfigError(jump.host, 'the jump host is not a host of the site file');
    // The same login as when it is a target, so that both share one connection (sudo is probed only for commands).
    return direct(host);
  }
  const address = jump.address ?? '';
  // An outside jump host logs in as the site's user unless it names its own.
  const own = await readCredentials({ ...jump, user: jump.user ?? site.ssh.user }, read);
  return { name: `jump ${address}`, address, port: jump.port ?? 22, ...own, knownHosts };
}

/** The SSH options of a site read from its site file; refuses a site built in code, which has no credentials. */
export async function sshConfigOf(site: Site, env: Env): Promise<SiteSshConfig> {
  if (site.spec === undefined || site.baseDir === undefined)
    throw new SshConfigError(site.name, 'the site was not read from a site file: no SSH credentials');
  return sshHostsFromSite(site.spec, { env, baseDir: site.baseDir });
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { effectiveLab, labStateDir, type LabRef } from './lab-ref.ts';

/** One lab host: its name (`redis-a`, `b001`), IPv4 address and the deployment variants it was built with. */
export interface LabHost {
  readonly name: string;
  readonly address: string;
  /** Names from lab/variants (`systemd`, `redis-stock-init`…) this host was brought up with. */
  readonly variants: readonly string[];
}

/** `NAME → variants` from the lab's resolved spec (`NAME ADDRESS role… +variant…`). */
function variantsByHost(stateDir: string): Map<string, string[]> {
  const spec = path.join(stateDir, 'pub', 'spec');
  const out = new Map<string, string[]>();
  if (!existsSync(spec)) return out;
  for (const line of readFileSync(spec, 'utf8').split('\n')) {
    const [name, , ...rest] = line.trim().split(/\s+/);
    if (name)
      out.set(
        name,
        rest.filter((t) => t.startsWith('+')).map((t) => t.slice(1)),
      );
  }
  return out;
}

/** Where a running lab keeps what clients need. Plain data, so vitest can `provide` it. */
export interface LabInfo {
  /** How to name this lab to labExec/labLink/labDown (the base prefix and net, and whether it is the bare lab). */
  readonly ref: LabRef;
  /** The prefix and net the lab really uses (`<prefix>b` and the next /24 for a bare lab). */
  readonly prefix: string;
  readonly net: string;
  readonly bare: boolean;
  readonly stateDir: string;
  /** `<state>/sites/xizang.yml`, or null for a bare lab or while lab/sites/xizang.yml does not exist. */
  readonly siteFile: string | null;
  readonly knownHosts: string;
  readonly clientKey: string;
  /** An `ssh -F` file: the key, the known_hosts, strict host key checking, one `Host` per lab host. */
  readonly sshConfig: string;
  readonly secrets: {
    readonly rootPassword: string;
    readonly redisPassword: string;
    readonly csbRedisPassword: string;
  };
  readonly vip: string;
  readonly hosts: readonly LabHost[];
}

/** Reads the info of the lab `ref` from its state dir (hosts.tsv is written by `lab.sh up`). */
export function readLabInfo(ref: LabRef): LabInfo {
  const stateDir = labStateDir(ref);
  const { prefix, net } = effectiveLab(ref);
  const tsv = path.join(stateDir, 'hosts.tsv');
  const variants = variantsByHost(stateDir);
  const hosts = existsSync(tsv)
    ? readFileSync(tsv, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          const [name = '', address = ''] = l.split('\t');
          return { name, address, variants: variants.get(name) ?? [] };
        })
    : [];
  const site = path.join(stateDir, 'sites', 'xizang.yml');
  const secrets = path.join(stateDir, 'secrets');
  return {
    ref: { prefix: ref.prefix, net: ref.net, bare: ref.bare === true },
    prefix,
    net,
    bare: ref.bare === true,
    stateDir,
    siteFile: existsSync(site) ? site : null,
    knownHosts: path.join(stateDir, 'known_hosts'),
    clientKey: path.join(stateDir, 'client', 'id_ed25519'),
    sshConfig: path.join(stateDir, 'ssh_config'),
    secrets: {
      rootPassword: path.join(secrets, 'root-password'),
      redisPassword: path.join(secrets, 'redis-password'),
      csbRedisPassword: path.join(secrets, 'csb-redis-password'),
    },
    vip: `${net}.100`,
    hosts,
  };
}

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Every program a bench spawns (its peers, and what the bare lab runs), with the Debian package that installs it. */
const DEBIAN_PACKAGE = {
  'parallel-ssh': 'pssh',
  ansible: 'ansible-core',
  sshpass: 'sshpass',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  sshd: 'openssh-server',
  ip: 'iproute2',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  openssl: 'openssl',
  rpmbuild: 'rpm',
  rpm2cpio: 'rpm2cpio',
  cpio: 'cpio',
} as const;

/** A program a bench may spawn. */
export type Peer = keyof typeof DEBIAN_PACKAGE;

/** What `opsgate lab up --bare N` runs (lab/ctl/up.sh checks the same, without naming packages). */
export const BARE_LAB_PEERS: readonly Peer[] = ['ip', 'nsenter', 'unshare', 'ssh-keygen', 'openssl', 'sshd'];

/**
 * Why `bench` cannot start: the programs of `peers` found nowhere on `searchPath` (nor in the sbin folders that
 * root's PATH has), with the Debian packages that install them; undefined when all are there. `hint` says how to
 * do without them, e.g. a flag that leaves a peer out.
 */
export function missingPeersMessage(
  bench: string,
  peers: readonly Peer[],
  searchPath: string,
  hint?: string,
): string | undefined {
  const dirs = [...searchPath.split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/sbin'];
  const missing = [...new Set(peers)].filter((p) => !dirs.some((d) => isExecutable(join(d, p))));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((p) => DEBIAN_PACKAGE[p]))];
  return (
    `${bench}: not installed: ${missing.join(', ')}. On Debian, as root: apt-get install ${packages.join(' ')}` +
    (hint === undefined ? '' : `; ${hint}`)
  );
}

/**
 * Exits 2 with `missingPeersMessage` before the bench starts anything (a lab, Redis keys) when one of its peers is
 * not installed: a bench that dies half-way with `spawn parallel-ssh ENOENT` says neither what nor how to install.
 */
export function requirePeers(bench: string, peers: readonly Peer[], hint?: string): void {
  const message = missingPeersMessage(bench, peers, process.env.PATH ?? '', hint);
  if (message === undefined) return;
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

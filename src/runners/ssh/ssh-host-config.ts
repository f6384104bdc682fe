import type { KnownHostEntry } from './known-hosts.ts';

/**
 * How to reach one host, with secrets already resolved (the site file → config mapping happens elsewhere).
 * At least one of `privateKey` and `password` is required.
 */
export interface SshHostConfig {
  /** The host's name in the site file; every message and error uses it. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly privateKey?: Buffer | string;
  /** Passphrase of an encrypted `privateKey`. */
  readonly passphrase?: string;
  readonly password?: string;
  /** Parsed known_hosts entries, or the path of a known_hosts file. Never optional: no blind trust. */
  readonly knownHosts: readonly KnownHostEntry[] | string;
  /** A host to tunnel through (ssh2 `forwardOut` over the jump host's own pooled connection). */
  readonly jump?: SshHostConfig;
  /** Run every command as root through sudo, after logging in as `user` (see `become.ts`). */
  readonly become?: BecomeConfig;
  /** Give up connecting (TCP + handshake + auth) after this long (default 10 000 ms). */
  readonly readyTimeoutMs?: number;
  /** Probe an idle connection this often, and call it dropped after 3 missed answers (default 15 000 ms). */
  readonly keepaliveIntervalMs?: number;
}

/** How a host's commands become root: sudo, with the password written to its stdin when the host asks for one. */
export interface BecomeConfig {
  readonly method: 'sudo';
  readonly password?: string;
  /** Where uploads wait before sudo moves them into place (absolute; default `.opsgate-staging` in the login home). */
  readonly stagingDir?: string;
}

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;

import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { fingerprint, keyTypeOf } from './known-hosts.ts';
import { endpointOf, type SshConnectionPool } from './ssh-connection-pool.ts';
import { SshUnreachableError } from './ssh-errors.ts';
import { DEFAULT_READY_TIMEOUT_MS, type SshHostConfig } from './ssh-host-config.ts';

/** The host key a host presented during key exchange. */
export interface ScannedHostKey {
  readonly keyType: string;
  /** The public key blob, as known_hosts holds it (base64). */
  readonly key: Buffer;
  /** `SHA256:…`, as OpenSSH prints it. */
  readonly fingerprint: string;
}

/**
 * Reads the host key `cfg`'s sshd presents, through its jump host when it has one (the jump's own connection comes
 * from `pool`, so the jump host's key must already be trusted). Nothing is authenticated to the scanned host: the
 * handshake is abandoned as soon as the key is seen, before any credential is offered, so a host whose key is not
 * yet trusted never sees a password or a key signature. `keyTypes` restricts the key exchange to those types (the
 * ones already pinned for the host, so that the comparison is like for like); empty takes the server's preference.
 */
export async function scanHostKey(
  cfg: SshHostConfig,
  pool: SshConnectionPool,
  keyTypes: readonly string[] = [],
): Promise<ScannedHostKey> {
  const endpoint = endpointOf(cfg);
  const sock: Duplex | undefined = cfg.jump === undefined ? undefined : await pool.tunnelTo(cfg);
  const algorithms = keyTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: ScannedHostKey | undefined;
    let settled = false;
    const done = (e?: Error): void => {
      if (settled) return;
      settled = true;
      client.end();
      sock?.destroy();
      if (seen !== undefined) resolve(seen);
      else reject(new SshUnreachableError(endpoint, 'connect', e ?? new Error('no host key was presented')));
    };
    client.on('error', (e: Error) => done(e));
    client.once('close', () => done(new Error('connection closed during key exchange')));
    client.once('ready', () => done());
    try {
      client.connect({
        host: cfg.address,
        port: cfg.port,
        username: cfg.user,
        readyTimeout: cfg.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
        tryKeyboard: false,
        hostVerifier: (key: Buffer): boolean => {
          const keyType = keyTypeOf(key);
          if (keyType !== undefined) seen = { keyType, key: Buffer.from(key), fingerprint: fingerprint(key) };
          // Refused on purpose: the key is all we came for, and no credential goes to an unverified host.
          return false;
        },
        ...(algorithms.length > 0 ? { algorithms: { serverHostKey: algorithms as never } } : {}),
        ...(sock === undefined ? {} : { sock }),
      });
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import {
  fingerprint,
  knownHostsNames,
  knownKeyTypes,
  verifyHostKey,
  type HostKeyVerdict,
  type KnownHostEntry,
} from './known-hosts.ts';
import {
  SshAuthFailedError,
  SshConfigError,
  SshHostKeyMismatchError,
  SshUnknownHostKeyError,
  SshUnreachableError,
  type SshEndpoint,
} from './ssh-errors.ts';
import { DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_READY_TIMEOUT_MS, type SshHostConfig } from './ssh-host-config.ts';

/** Host key algorithms to offer for each key type found in known_hosts (the server then shows that key). */
const ALGORITHMS_FOR_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Opens one authenticated ssh2 connection, checking the host key against known_hosts (by address, and by the
 * site name as an alias), and maps every failure to a coded error naming the host.
 * @param sock an already open stream to the host (a jump host's `forwardOut` channel), or none to dial TCP.
 */
export function openSshClient(
  cfg: SshHostConfig,
  knownHosts: readonly KnownHostEntry[],
  endpoint: SshEndpoint,
  sock?: Duplex,
): Promise<Client> {
  const names = knownHostsNames([cfg.address, cfg.name], cfg.port);
  const types = knownKeyTypes(knownHosts, names);
  const serverHostKey = types.flatMap((t) => ALGORITHMS_FOR_KEY_TYPE[t] ?? []);
  const methods = [
    ...(cfg.privateKey === undefined ? [] : ['publickey']),
    ...(cfg.password === undefined ? [] : ['password']),
  ];
  return new Promise((resolve, reject) => {
    const client = new Client();
    let verdict: { readonly result: HostKeyVerdict; readonly presented: string } | undefined;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      client.end();
      sock?.destroy();
      reject(e);
    };
    // Without TCP_NODELAY each channel open waits on a delayed ACK (~40 ms): many small commands crawl.
    client.once('connect', () => client.setNoDelay(true));
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string }) => {
      if (verdict !== undefined && verdict.result.status !== 'trusted') {
        const { result, presented } = verdict;
        return fail(
          result.status === 'mismatch'
            ? new SshHostKeyMismatchError(endpoint, presented, result.expected)
            : result.status === 'revoked'
              ? new SshHostKeyMismatchError(endpoint, presented, ['a key that is not @revoked'])
              : new SshUnknownHostKeyError(endpoint, presented),
        );
      }
      if (e.level === 'client-authentication') return fail(new SshAuthFailedError(endpoint, cfg.user, methods, e));
      return fail(new SshUnreachableError(endpoint, 'connect', e));
    });
    client.once('close', () =>
      fail(new SshUnreachableError(endpoint, 'connect', new Error('connection closed during handshake'))),
    );
    const config: ConnectConfig = {
      host: cfg.address,
      port: cfg.port,
      username: cfg.user,
      readyTimeout: cfg.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      keepaliveInterval: cfg.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: 3,
      // Never fall back to keyboard-interactive prompts or an agent: only the credentials we were given.
      tryKeyboard: false,
      hostVerifier: (key: Buffer): boolean => {
        const result = verifyHostKey(knownHosts, names, key);
        verdict = { result, presented: fingerprint(key) };
        return result.status === 'trusted';
      },
      ...(serverHostKey.length > 0 ? { algorithms: { serverHostKey: serverHostKey as never } } : {}),
      ...(cfg.privateKey === undefined ? {} : { privateKey: cfg.privateKey }),
      ...(cfg.passphrase === undefined ? {} : { passphrase: cfg.passphrase }),
      ...(cfg.password === undefined ? {} : { password: cfg.password }),
      ...(sock === undefined ? {} : { sock }),
    };
    try {
      client.connect(config);
    } catch (e) {
      // ssh2 throws synchronously for a key it cannot parse; the message never contains the key itself.
      fail(new SshConfigError(cfg.name, 'the private key cannot be used (wrong format or needs a passphrase)', e));
    }
  });
}

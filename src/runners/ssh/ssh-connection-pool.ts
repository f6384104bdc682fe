import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { probeBecome, type BecomeMode } from './become.ts';
import { KnownHostsSyntaxError, parseKnownHosts, type KnownHostEntry } from './known-hosts.ts';
import { openSshClient } from './open-ssh-client.ts';
import type { RunnerLog } from './runner-log.ts';
import { Semaphore } from './semaphore.ts';
import { SshConfigError, SshUnreachableError, type SshEndpoint } from './ssh-errors.ts';
import { DEFAULT_READY_TIMEOUT_MS, type SshHostConfig } from './ssh-host-config.ts';

/**
 * OpenSSH's default MaxSessions is 10 channels per connection; we keep one free for killing a timed-out
 * command over the same connection.
 */
export const CHANNELS_PER_CONNECTION = 9;

/** One open connection to a host, shared by every command of the session. */
export interface PooledConnection {
  readonly client: Client;
  readonly endpoint: SshEndpoint;
  /** Limits concurrent channels (commands, SFTP) to what sshd accepts. */
  readonly channels: Semaphore;
  /** Settles with the reason once the connection is gone (never rejects). */
  readonly lost: Promise<SshUnreachableError>;
  isOpen(): boolean;
  /**
   * Present when the host's commands run as root through sudo: how (probed on first use, then remembered for the
   * connection; a failed probe is asked again next time). Throws `SshBecomeError` when the user cannot become root.
   */
  readonly become?: () => Promise<BecomeMode>;
}

/**
 * One connection per host, opened on first use and reused by every command; a dropped connection is
 * forgotten so that the next call dials again. Jump hosts are pooled the same way.
 */
export class SshConnectionPool {
  private readonly open = new Map<string, Promise<PooledConnection>>();
  private readonly knownHosts = new Map<string, Promise<readonly KnownHostEntry[]>>();
  private closing = false;

  constructor(private readonly log: RunnerLog) {}

  /** The connection to `cfg`'s host, opening it (and its jump host's) when needed. */
  acquire(cfg: SshHostConfig): Promise<PooledConnection> {
    if (this.closing)
      return Promise.reject(new SshUnreachableError(endpointOf(cfg), 'connect', new Error('the session is closed')));
    // A jump host that is also a host of the session shares its connection; a different login does not, nor one
    // that does not become root (its commands would run as the login user).
    const key = `${cfg.name}\0${cfg.user}@${cfg.address}:${cfg.port}${cfg.become === undefined ? '' : '\0become'}`;
    let conn = this.open.get(key);
    if (conn === undefined) {
      conn = this.connect(cfg);
      this.open.set(key, conn);
      const forget = (): void => {
        if (this.open.get(key) === conn) this.open.delete(key);
      };
      // A failed attempt is not cached, and a dropped connection is forgotten: the next call dials again.
      conn.then((c) => c.lost.then(forget), forget);
    }
    return conn;
  }

  /** Closes every connection (targets before the jump hosts they tunnel through). */
  async close(): Promise<void> {
    this.closing = true;
    const all = [...this.open.values()];
    this.open.clear();
    const settled = await Promise.allSettled(all);
    const conns = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const ordered = [
      ...conns.filter((c) => c.endpoint.via !== undefined),
      ...conns.filter((c) => c.endpoint.via === undefined),
    ];
    for (const c of ordered) {
      c.client.end();
      await Promise.race([c.lost, delay(2000)]);
    }
  }

  private async connect(cfg: SshHostConfig): Promise<PooledConnection> {
    const endpoint = endpointOf(cfg);
    const knownHosts = await this.loadKnownHosts(cfg);
    const sock = cfg.jump === undefined ? undefined : await this.tunnel(cfg, cfg.jump, endpoint);
    const started = Date.now();
    const client = await openSshClient(cfg, knownHosts, endpoint, sock);
    this.log.debug({ host: cfg.name, via: endpoint.via, ms: Date.now() - started }, 'ssh connection opened');
    let open = true;
    let lastError: Error | undefined;
    const lost = new Promise<SshUnreachableError>((resolve) => {
      client.on('error', (e: Error) => {
        lastError = e;
        this.log.warn({ host: cfg.name, err: e.message }, 'ssh connection error');
      });
      client.once('close', () => {
        open = false;
        this.log.debug({ host: cfg.name }, 'ssh connection closed');
        resolve(new SshUnreachableError(endpoint, 'connection lost', lastError ?? new Error('the connection closed')));
      });
    });
    return {
      client,
      endpoint,
      channels: new Semaphore(CHANNELS_PER_CONNECTION),
      lost,
      isOpen: () => open,
      ...(cfg.become === undefined ? {} : { become: rememberBecome(client, endpoint, cfg.user, cfg.become) }),
    };
  }

  /** A stream to `cfg`'s host opened by its jump host's sshd, for a connection made outside the pool (a key scan). */
  tunnelTo(cfg: SshHostConfig): Promise<Duplex> {
    if (cfg.jump === undefined) throw new SshConfigError(cfg.name, 'the host has no jump host to tunnel through');
    return this.tunnel(cfg, cfg.jump, endpointOf(cfg));
  }

  /** A stream to the target opened by the jump host's sshd (`direct-tcpip`), within the ready timeout. */
  private async tunnel(cfg: SshHostConfig, jump: SshHostConfig, endpoint: SshEndpoint): Promise<Duplex> {
    const via = await this.acquire(jump);
    const timeoutMs = cfg.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SshUnreachableError(endpoint, 'connect', new Error(`no tunnel after ${timeoutMs} ms`))),
        timeoutMs,
      );
      via.client.forwardOut('127.0.0.1', 0, cfg.address, cfg.port, (err, stream) => {
        clearTimeout(timer);
        if (err) reject(new SshUnreachableError(endpoint, 'connect', err));
        else resolve(stream);
      });
    });
  }

  private loadKnownHosts(cfg: SshHostConfig): Promise<readonly KnownHostEntry[]> {
    if (typeof cfg.knownHosts !== 'string') return Promise.resolve(cfg.knownHosts);
    const path = cfg.knownHosts;
    let entries = this.knownHosts.get(path);
    if (entries === undefined) {
      entries = readFile(path, 'utf8').then(
        (text) => parseKnownHosts(text, path),
        (e: unknown) => {
          throw new SshConfigError(cfg.name, `cannot read known_hosts ${path}`, e);
        },
      );
      entries.catch(() => this.knownHosts.delete(path));
      this.knownHosts.set(path, entries);
    }
    return entries.catch((e: unknown) => {
      if (e instanceof KnownHostsSyntaxError)
        throw new SshConfigError(cfg.name, `bad known_hosts line ${e.message}`, e);
      throw e;
    });
  }
}

/** The probe of how `user` becomes root, run on first use and kept once it answered. */
function rememberBecome(
  client: Client,
  endpoint: SshEndpoint,
  user: string,
  cfg: NonNullable<SshHostConfig['become']>,
): () => Promise<BecomeMode> {
  let known: Promise<BecomeMode> | undefined;
  return () => {
    if (known === undefined) {
      const probe = probeBecome(client, endpoint, user, cfg);
      known = probe;
      probe.catch(() => {
        if (known === probe) known = undefined;
      });
    }
    return known;
  };
}

/** Where a host is dialled, for messages. */
export function endpointOf(cfg: SshHostConfig): SshEndpoint {
  return {
    host: cfg.name,
    address: cfg.address,
    port: cfg.port,
    ...(cfg.jump === undefined ? {} : { via: cfg.jump.name }),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

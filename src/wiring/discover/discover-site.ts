import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ListedHost } from '../../core/sites/parse-hosts-list.ts';
import { discoverProbe } from '../../runbooks/xizang/discover/discover-probe.ts';
import type { DiscoverInput } from '../../runbooks/xizang/discover/discovered-site.ts';
import { findObservers, draftDns } from '../../runbooks/xizang/discover/draft-dns-and-observers.ts';
import { draftFastdfs } from '../../runbooks/xizang/discover/draft-fastdfs.ts';
import { draftKafka } from '../../runbooks/xizang/discover/draft-kafka.ts';
import { draftRedis } from '../../runbooks/xizang/discover/draft-redis.ts';
import { readHostFacts, type HostFacts } from '../../runbooks/xizang/discover/host-facts.ts';
import { createSshSession } from '../../runners/ssh/create-ssh-session.ts';
import type { KnownHostEntry } from '../../runners/ssh/known-hosts.ts';
import type { BecomeConfig, SshHostConfig } from '../../runners/ssh/ssh-host-config.ts';
import type { DraftSite } from './render-draft-site.ts';

/** How `discoverSite` logs in: the site's SSH settings, resolved (the key's text, the password's value). */
export interface DiscoverLogin {
  readonly user: string;
  readonly privateKey?: string;
  readonly password?: string;
  readonly knownHosts: readonly KnownHostEntry[];
  /** A host of the list (by name) or an outside address to tunnel through. */
  readonly jump?: string;
  /** The login is not root: read every host as root through sudo (not the jump host, only a tunnel). */
  readonly become?: BecomeConfig;
}

/** The probe may take this long on one host (redis-cli INFO, reading /proc). */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Reads every listed host once (one read-only command over one channel, `discoverProbe`) and drafts the site from
 * what runs there. Never throws for a host: one that cannot be read is listed in `unread` with the cause, and its
 * middleware is missing from the draft. `ssh` and `secrets` of the result are filled in by the caller.
 */
export async function discoverSite(
  hosts: readonly ListedHost[],
  login: DiscoverLogin,
): Promise<Omit<DraftSite, 'id' | 'ssh' | 'secrets'> & { readonly redisSecrets: readonly string[] }> {
  const auth = {
    user: login.user,
    ...(login.privateKey === undefined ? {} : { privateKey: login.privateKey }),
    ...(login.password === undefined ? {} : { password: login.password }),
    knownHosts: login.knownHosts,
  };
  const listedJump = hosts.find((h) => h.name === login.jump || h.address === login.jump);
  const jump: SshHostConfig | undefined =
    login.jump === undefined
      ? undefined
      : {
          name: listedJump?.name ?? `jump ${login.jump}`,
          address: listedJump?.address ?? login.jump,
          port: 22,
          ...auth,
        };
  const configs = hosts.map((h): SshHostConfig => ({
    name: h.name,
    address: h.address,
    port: 22,
    ...auth,
    ...(login.become === undefined ? {} : { become: login.become }),
    ...(jump === undefined || jump.name === h.name ? {} : { jump }),
  }));
  const spoolDir = await mkdtemp(join(tmpdir(), 'opsgate-discover-'));
  const session = createSshSession({
    hosts: configs,
    secrets: [login.password, login.privateKey, login.become?.password].filter((s): s is string => s !== undefined),
    spoolDir,
  });
  const facts = new Map<string, HostFacts>();
  const unread: { host: string; cause: string }[] = [];
  try {
    const command = { command: discoverProbe(), timeoutMs: PROBE_TIMEOUT_MS } as const;
    const names = hosts.map((h) => h.name);
    const outcomes = session.fanOutBatch
      ? await session.fanOutBatch(names, () => [command])
      : await Promise.all(
          names.map(async (host) => {
            try {
              return {
                host,
                outcomes: [{ command: '', status: 'done' as const, result: await session.exec(host, command) }],
              };
            } catch (e) {
              return { host, outcomes: [{ command: '', status: 'error' as const, error: e as Error }] };
            }
          }),
        );
    for (const { host, outcomes: list } of outcomes) {
      const o = list[0];
      if (o?.status !== 'done') {
        unread.push({ host, cause: o?.status === 'error' ? o.error.message : 'not run' });
        continue;
      }
      const text = o.result.stdout.head + o.result.stdout.tail;
      facts.set(host, readHostFacts(text.split('\n')));
    }
  } finally {
    await session.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
  const input: DiscoverInput = { hosts, facts };
  const redis = draftRedis(input);
  const kafka = draftKafka(input);
  const fastdfs = draftFastdfs(input);
  const dns = draftDns(input);
  const middleware = { ...redis.value, kafka: kafka.value, fastdfs: fastdfs.value };
  const redisSecrets = [...redis.value.redis, ...redis.value.csbRedis].flatMap((r) => {
    const p = r.password as { env?: string } | undefined;
    return p?.env === undefined ? [] : [p.env];
  });
  return {
    hosts,
    middleware,
    dns: dns.value,
    observers: findObservers(input),
    notes: [...redis.notes, ...kafka.notes, ...fastdfs.notes, ...dns.notes],
    unread: unread.sort((a, b) => names(hosts).indexOf(a.host) - names(hosts).indexOf(b.host)),
    redisSecrets,
  };
}

const names = (hosts: readonly ListedHost[]): string[] => hosts.map((h) => h.name);

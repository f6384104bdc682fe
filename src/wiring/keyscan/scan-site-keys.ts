import { knownHostsNames, knownKeyTypes, verifyHostKey, type KnownHostEntry } from '../../runners/ssh/known-hosts.ts';
import { silentLog } from '../../runners/ssh/runner-log.ts';
import { scanHostKey, type ScannedHostKey } from '../../runners/ssh/scan-host-key.ts';
import { Semaphore } from '../../runners/ssh/semaphore.ts';
import { SshConnectionPool } from '../../runners/ssh/ssh-connection-pool.ts';
import type { SshHostConfig } from '../../runners/ssh/ssh-host-config.ts';

/** What one host presented, against what known_hosts pins for it. */
export type KeyStatus =
  | { readonly kind: 'pinned'; readonly key: ScannedHostKey }
  | { readonly kind: 'new'; readonly key: ScannedHostKey }
  | { readonly kind: 'changed'; readonly key: ScannedHostKey; readonly pinned: readonly string[] }
  | { readonly kind: 'unreachable'; readonly cause: string };

/** One scanned host: its site name, address, the names known_hosts knows it by, and its status. */
export interface HostKeyScan {
  readonly name: string;
  readonly address: string;
  readonly names: readonly string[];
  /** The jump host it was reached through, if any. */
  readonly via?: string;
  readonly status: KeyStatus;
}

/** How keys are scanned: who may be logged in to as a jump host, and how many scans run at once. */
export interface ScanSiteKeysOptions {
  /**
   * Asked before logging in to a jump host whose key is not pinned yet (its key is shown first): true trusts it for
   * this scan only, so that the hosts behind it can be reached; false leaves them unscanned.
   */
  readonly trustJump: (jump: HostKeyScan) => Promise<boolean>;
  /** Hosts whose changed key the person has said to replace: a jump host among them is trusted with its new key. */
  readonly replace: ReadonlySet<string>;
  readonly concurrency?: number;
}

/**
 * Reads the host key of every host of `hosts` (site configs, with `pinned` as their known_hosts) and compares it
 * with the pinned one. Hosts reached directly, and outside jump hosts, come first; the hosts behind a jump host
 * only after its key is trusted (pinned, replaced on the person's word, or confirmed through `trustJump`), since
 * reaching them means logging in to it. Never writes anything and never throws for a host: every failure is that
 * host's status, naming the cause.
 */
export async function scanSiteKeys(
  hosts: readonly SshHostConfig[],
  pinned: readonly KnownHostEntry[],
  opts: ScanSiteKeysOptions,
): Promise<HostKeyScan[]> {
  const limit = new Semaphore(opts.concurrency ?? 32);
  const pool = new SshConnectionPool(silentLog);
  try {
    const jumps = uniqueJumps(hosts).filter((j) => !hosts.some((h) => h.name === j.name));
    const direct = [...hosts.filter((h) => h.jump === undefined), ...jumps];
    const first = await Promise.all(direct.map((h) => limit.run(() => scanOne(h, pool, pinned))));
    const behind = hosts.filter((h) => h.jump !== undefined);
    const second: HostKeyScan[] = [];
    for (const jump of uniqueJumps(behind)) {
      const mine = behind.filter((h) => h.jump?.name === jump.name);
      const jumpScan = first.find((s) => s.name === jump.name);
      const trust = jumpScan === undefined ? 'cannot be scanned' : await jumpTrust(jumpScan, opts);
      if (typeof trust === 'string') {
        second.push(...mine.map((h) => unreachable(h, `jump host ${jump.name} ${trust}`)));
        continue;
      }
      const via: SshHostConfig = { ...jump, knownHosts: [...pinned, ...trust] };
      second.push(...(await Promise.all(mine.map((h) => limit.run(() => scanOne({ ...h, jump: via }, pool, pinned))))));
    }
    return [...first, ...second];
  } finally {
    await pool.close();
  }
}

/** The extra known_hosts entries that let the scan log in to `jump`, or why it may not. */
async function jumpTrust(jump: HostKeyScan, opts: ScanSiteKeysOptions): Promise<KnownHostEntry[] | string> {
  const s = jump.status;
  if (s.kind === 'unreachable') return `cannot be reached (${s.cause})`;
  if (s.kind === 'pinned') return [];
  if (s.kind === 'changed' && !opts.replace.has(jump.name)) return 'presented a changed key; not logged in to';
  if (s.kind === 'new' && !(await opts.trustJump(jump))) return 'is not trusted yet; not logged in to';
  return [{ hosts: jump.names.join(','), keyType: s.key.keyType, key: s.key.key, origin: 'this scan' }];
}

async function scanOne(
  cfg: SshHostConfig,
  pool: SshConnectionPool,
  pinned: readonly KnownHostEntry[],
): Promise<HostKeyScan> {
  const names = namesOf(cfg);
  try {
    const key = await scanHostKey(cfg, pool, knownKeyTypes(pinned, names));
    const verdict = verifyHostKey(pinned, names, key.key);
    const status: KeyStatus =
      verdict.status === 'trusted'
        ? { kind: 'pinned', key }
        : verdict.status === 'unknown'
          ? { kind: 'new', key }
          : { kind: 'changed', key, pinned: verdict.status === 'mismatch' ? verdict.expected : ['(revoked)'] };
    return { ...where(cfg), names, status };
  } catch (e) {
    return unreachable(cfg, e instanceof Error ? e.message : String(e));
  }
}

function unreachable(cfg: SshHostConfig, cause: string): HostKeyScan {
  return { ...where(cfg), names: namesOf(cfg), status: { kind: 'unreachable', cause } };
}

function where(cfg: SshHostConfig): Pick<HostKeyScan, 'name' | 'address' | 'via'> {
  return { name: cfg.name, address: cfg.address, ...(cfg.jump === undefined ? {} : { via: cfg.jump.name }) };
}

/** Address first, then the site name (an outside jump host, named `jump ADDRESS`, only by its address). */
function namesOf(cfg: SshHostConfig): string[] {
  const names = /\s/.test(cfg.name) ? [cfg.address] : [cfg.address, cfg.name];
  return knownHostsNames(names, cfg.port);
}

function uniqueJumps(hosts: readonly SshHostConfig[]): SshHostConfig[] {
  const seen = new Map<string, SshHostConfig>();
  for (const h of hosts) if (h.jump !== undefined && !seen.has(h.jump.name)) seen.set(h.jump.name, h.jump);
  return [...seen.values()];
}

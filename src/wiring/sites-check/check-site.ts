import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedSite } from '../../adapters/files/load-site.ts';
import type { Env } from '../../core/sites/secret-ref.ts';
import {
  formatSiteDifference,
  locateDifferences,
  type LocatedDifference,
  type SiteDifference,
} from '../../core/sites/site-difference.ts';
import { toSite } from '../../core/sites/site.ts';
import { readClusterTopology } from '../../runbooks/oceanbase/route/cluster-topology.ts';
import { compareObTopology } from '../../runbooks/xizang/site-check/compare-ob-topology.ts';
import { compareSite } from '../../runbooks/xizang/site-check/compare-site.ts';
import { readSite } from '../../runbooks/xizang/site-check/read-site.ts';
import { createSshSession } from '../../runners/ssh/create-ssh-session.ts';
import { parseKnownHosts } from '../../runners/ssh/known-hosts.ts';
import { scanSiteKeys, type HostKeyScan } from '../keyscan/scan-site-keys.ts';
import { sqlEndpointOf } from '../sql-endpoint-of.ts';
import { sshHostsFromSite } from '../ssh-hosts-from-site.ts';

/** Exit codes: 0 the site is as its file says, 1 drift, 2 the site (a host, a cluster) cannot be read. */
export const CHECK_EXIT = { ok: 0, drift: 1, unreachable: 2 } as const;

/** What `checkSite` found: the located differences and what could not be read, naming each and the cause. */
export interface SiteCheckResult {
  readonly differences: readonly LocatedDifference[];
  readonly unreachable: readonly { readonly what: string; readonly cause: string }[];
  readonly hosts: number;
  readonly instances: number;
}

/** The difference of a host whose key is not the pinned one (or that has none pinned): a host may be a stranger. */
function keyDifference(spec: LoadedSite['site'], s: HostKeyScan): SiteDifference | undefined {
  const index = spec.hosts.findIndex((h) => h.name === s.name);
  const st = s.status;
  if (st.kind === 'pinned' || st.kind === 'unreachable' || index < 0) return undefined;
  return {
    path: ['hosts', index],
    says:
      st.kind === 'changed'
        ? `${s.name} (${s.address}) answers with its pinned key ${st.pinned.join(' or ')}`
        : `${s.name} (${s.address}) has a pinned host key`,
    has: `${s.name} presents ${st.key.keyType} ${st.key.fingerprint}${st.kind === 'new' ? ', pinned nowhere' : ''}`,
    evidence: 'the SSH host key it presented, against known_hosts',
  };
}

/** What the check is doing now (`awaited`) and what it has seen so far (`seen`), for a progress line. */
export type CheckStage = (awaited: string, seen: string) => void;

/**
 * Reads the live site of `loaded` (read-only) and compares it with its file: host keys (`scanSiteKeys`, no jump host
 * trusted that is not pinned), the middleware of every host whose key is pinned (`readSite`, one batch channel per
 * host), and each OceanBase cluster's zones and servers (its sys tenant). Never writes anything.
 */
export async function checkSite(
  loaded: LoadedSite,
  env: Env,
  stage: CheckStage = () => undefined,
): Promise<SiteCheckResult> {
  const spec = loaded.site;
  const { hosts, secrets } = await sshHostsFromSite(spec, { env, baseDir: loaded.baseDir });
  const known = hosts[0]?.knownHosts ?? [];
  const pinned = typeof known === 'string' ? parseKnownHosts(known) : known;
  stage(`the host keys of ${hosts.length} host(s)`, 'connecting');
  const scans = await scanSiteKeys(hosts, pinned, { trustJump: () => Promise.resolve(false), replace: new Set() });
  const differences: SiteDifference[] = [];
  const unreachable: { what: string; cause: string }[] = [];
  for (const s of scans) {
    if (s.status.kind === 'unreachable' && spec.hosts.some((h) => h.name === s.name))
      unreachable.push({ what: `host ${s.name} (${s.address})`, cause: s.status.cause });
    const d = keyDifference(spec, s);
    if (d !== undefined) differences.push(d);
  }
  const readable = scans.filter((s) => s.status.kind === 'pinned').map((s) => s.name);
  stage(
    `the middleware of ${readable.length} host(s)`,
    `${readable.length} of ${scans.length} host key(s) pinned, ${differences.length} difference(s) so far`,
  );
  const spoolDir = await mkdtemp(join(tmpdir(), 'opsgate-sites-check-'));
  const session = createSshSession({ hosts, secrets, spoolDir });
  try {
    const reading = await readSite(spec, session, readable);
    for (const [host, r] of reading)
      if (r.kind === 'unreachable') unreachable.push({ what: `host ${host}`, cause: r.cause });
    differences.push(...compareSite(spec, reading));
  } finally {
    await session.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
  const site = toSite(spec, loaded.baseDir);
  for (const [i, ob] of spec.oceanbase.entries()) {
    stage(`the zones and servers of OceanBase ${ob.name}`, `${differences.length} difference(s) so far`);
    try {
      const { createSqlSession } = await import('../../runners/sql/create-sql-session.ts');
      const sql = await createSqlSession(await sqlEndpointOf(site, ob.name, env));
      try {
        differences.push(...compareObTopology(spec, i, await readClusterTopology(sql, 'sites-check')));
      } finally {
        await sql.close();
      }
    } catch (e) {
      const at = ob.sys.host ?? ob.sys.address ?? '?';
      unreachable.push({
        what: `OceanBase ${ob.name} (sys ${at}:${ob.sys.port})`,
        cause: e instanceof Error ? e.message : String(e),
      });
    }
  }
  const m = spec.middleware;
  const instances = m.redis.length + m.csbRedis.length + m.kafka.length * 2 + m.fastdfs.length + spec.oceanbase.length;
  return {
    differences: locateDifferences(differences, loaded.file, loaded.lineOf),
    unreachable,
    hosts: spec.hosts.length,
    instances,
  };
}

/** The lines `opsgate sites check` prints for `r`, and its exit code (unreachable first: nothing can be judged). */
export function reportSiteCheck(
  r: SiteCheckResult,
  site: string,
  elapsedMs: number,
): { lines: string[]; code: number } {
  const lines = r.differences.map(formatSiteDifference);
  for (const u of r.unreachable) lines.push(`cannot read ${u.what}: ${u.cause}`);
  const code =
    r.unreachable.length > 0 ? CHECK_EXIT.unreachable : r.differences.length > 0 ? CHECK_EXIT.drift : CHECK_EXIT.ok;
  lines.push(
    `sites check ${site}: ${r.differences.length} difference(s), ${r.unreachable.length} unreadable; ` +
      `${r.hosts} host(s), ${r.instances} instance(s) in ${(elapsedMs / 1000).toFixed(1)}s`,
  );
  return { lines, code };
}

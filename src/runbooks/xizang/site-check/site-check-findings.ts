import type { Finding } from '../../../core/plan/run-state.ts';
import {
  describeSiteDifference,
  formatSiteDifference,
  type SiteDifference,
} from '../../../core/sites/site-difference.ts';
import type { SiteSource } from '../../../core/sites/site.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import type { SiteReading } from './read-site.ts';
import { inScope, type SiteCheckScope } from './site-check-scope.ts';

/** How many instances `compareSite` compares: each Redis, each Kafka and its ZooKeeper, each FastDFS. */
export function comparedInstances(spec: SiteFile): number {
  const m = spec.middleware;
  return m.redis.length + m.csbRedis.length + m.kafka.length * 2 + m.fastdfs.length;
}

/**
 * The site check's findings for a run touching `scope`: each difference in its scope and each of its hosts that
 * could not be read is a `fail` (the run is refused there: it would plan against a site that does not exist), each
 * elsewhere a `warn` (shown, the run goes on); one `pass` for the scope when nothing in it differs, counting what
 * was compared. A difference is given as `FILE:LINE path: the site file says X; the site has Y (evidence)` when
 * the site file's lines are known (`source`), else without `FILE:LINE`.
 */
export function siteCheckFindings(
  spec: SiteFile,
  scope: SiteCheckScope,
  observed: { readonly reading: SiteReading; readonly differences: readonly SiteDifference[] },
  source?: SiteSource,
): Finding[] {
  const line = (d: SiteDifference): string =>
    source === undefined
      ? describeSiteDifference(d)
      : formatSiteDifference({ ...d, file: source.file, line: source.lineOf(d.path) });
  const findings: Finding[] = [];
  let mine = 0;
  let elsewhere = 0;
  for (const [host, r] of observed.reading) {
    if (r.kind !== 'unreachable') continue;
    const ours = scope.hosts.includes(host);
    if (ours) mine++;
    else elsewhere++;
    findings.push({
      status: ours ? 'fail' : 'warn',
      title: ours ? `cannot read ${host}, a host of ${scope.what}` : `cannot read ${host} (not touched by this run)`,
      // Most causes name the host already (`redis-a (10.0.0.21:22): …`).
      evidence: [`${host} (`, `${host}:`].some((p) => r.cause.startsWith(p)) ? r.cause : `${host}: ${r.cause}`,
      host,
    });
  }
  for (const d of observed.differences) {
    const ours = inScope(spec, scope, d.path);
    if (ours) mine++;
    else elsewhere++;
    findings.push({
      status: ours ? 'fail' : 'warn',
      title: ours ? `the site differs from its file in ${scope.what}` : 'the site differs from its file elsewhere',
      evidence: line(d),
    });
  }
  if (mine === 0) {
    const read = [...observed.reading.values()].filter((r) => r.kind === 'read').length;
    const rest = elsewhere === 0 ? 'no difference' : `no difference there; ${elsewhere} elsewhere, each a warning`;
    findings.unshift({
      status: 'pass',
      title: `${scope.what} as the site file says`,
      evidence: `${read} host(s) read and ${comparedInstances(spec)} instance(s) compared: ${rest}`,
    });
  }
  return findings;
}

import { err, ok, type Result } from '../../../core/result.ts';
import { compareObVersions, parseObVersion } from '../shared/ob-version.ts';
import type { UpgradeDepEntry } from './upgrade-dep-entries.ts';

/** Where a cluster is: its cluster version and, when known, the build number of its observers. */
export interface RouteStart {
  readonly version: string;
  /** The build number (`build_version` between `_` and `-`), to match an `a.b.c.d-<build>` entry. */
  readonly build?: string;
}

/**
 * The route from a cluster's version to a target, as obd computes it: the shortest path over
 * `can_be_upgraded_to`, then the binary hops, i.e. the start, every barrier on the path that applies, and the
 * target. Each binary hop is one whole rolling upgrade (install that version's packages zone by zone); the
 * versions between two hops are passed by the upgrade scripts of the later one.
 */
export interface UpgradeRoute {
  readonly from: string;
  readonly to: string;
  /** Every version on the shortest path, start and target included, as the dep file spells them. */
  readonly path: readonly string[];
  /** The versions whose binary must be installed, in order, ending with the target (the start excluded). */
  readonly hops: readonly string[];
}

/** The oldest version obd routes like any other: below it every step is a binary hop, and the checker refuses. */
export const OLDEST_ROUTED = '4.1.0.0';

const base = (v: string) => v.split('-')[0] ?? v;

function newer(a: string, b: string): number | undefined {
  const x = parseObVersion(base(a));
  const y = parseObVersion(base(b));
  return x.ok && y.ok ? compareObVersions(x.value, y.value) : undefined;
}

/** Whether `node` (on the path, neither start nor target) must be installed as a binary on this route. */
function isBarrier(e: UpgradeDepEntry | undefined, start: string, startBuild: string, to: string): boolean {
  if (e === undefined || !e.requireFromBinary) return false;
  if (e.whenComeFrom !== undefined && !e.whenComeFrom.includes(start) && !e.whenComeFrom.includes(startBuild))
    return false;
  if (e.whenUpgradedTo !== undefined && !e.whenUpgradedTo.includes(to)) return false;
  return true;
}

/**
 * Computes the route from `start` to `to` over the entries of the target package's dep file. The error says
 * plainly why there is none: not newer, before 4.1.0.0, the start or the target not in the file, the target
 * deprecated, or no chain of `can_be_upgraded_to` joining them. Pure.
 */
export function computeUpgradeRoute(
  entries: readonly UpgradeDepEntry[],
  start: RouteStart,
  to: string,
): Result<UpgradeRoute, string> {
  const cmp = newer(to, start.version);
  if (cmp === undefined) return err(`${start.version} → ${to}: not versions a.b.c.d`);
  if (cmp === 0) return err(`the cluster already runs ${to}`);
  if (cmp < 0) return err(`${to} is older than the cluster's ${start.version}; OceanBase cannot be downgraded`);
  if ((newer(start.version, OLDEST_ROUTED) ?? -1) < 0) {
    return err(
      `the cluster runs ${start.version}, before ${OLDEST_ROUTED}, the last barrier upgrade_checker.py accepts; upgrade it to ${OLDEST_ROUTED} by hand first`,
    );
  }
  const byVersion = new Map(entries.map((e) => [e.version, e]));
  const withBuild = start.build === undefined ? undefined : `${start.version}-${start.build}`;
  const first =
    withBuild !== undefined && byVersion.has(withBuild)
      ? withBuild
      : byVersion.has(start.version)
        ? start.version
        : undefined;
  if (first === undefined)
    return err(
      `the cluster's version ${start.version} is not in the dep file, so no upgrade from it to ${to} has been tested`,
    );
  const known = new Set([...byVersion.keys(), ...entries.flatMap((e) => e.canBeUpgradedTo)]);
  if (!known.has(to)) return err(`${to} is not in its own dep file`);
  if (byVersion.get(to)?.deprecated === true)
    return err(`${to} is deprecated: it may be passed through, never be the target`);
  // Breadth first: the first time the target is reached is along a shortest path; ties go to file order.
  const previous = new Map<string, string>();
  const queue = [first];
  const seen = new Set([first]);
  while (queue.length > 0 && !seen.has(to)) {
    const v = queue.shift()!;
    for (const next of byVersion.get(v)?.canBeUpgradedTo ?? []) {
      if (seen.has(next) || (next !== to && byVersion.get(next)?.deprecated === true)) continue;
      seen.add(next);
      previous.set(next, v);
      queue.push(next);
    }
  }
  if (!seen.has(to)) return err(`no chain of can_be_upgraded_to leads from ${first} to ${to}`);
  const path = [to];
  for (let v = previous.get(to); v !== undefined; v = previous.get(v)) path.unshift(v);
  const barriers = path
    .slice(1, -1)
    .filter((v) => isBarrier(byVersion.get(v), start.version, withBuild ?? start.version, to));
  return ok({ from: start.version, to, path, hops: [...barriers.map(base), to] });
}

/** One line for people: `4.3.5.4 → 4.3.5.5 → 4.4.0.0 (binary hops: 4.3.5.5, 4.4.0.0)`. */
export function describeRoute(r: UpgradeRoute): string {
  const hops = r.hops.length === 1 ? 'one binary hop' : `${r.hops.length} binary hops: ${r.hops.join(', ')}`;
  return `${r.path.join(' → ')} (${hops})`;
}

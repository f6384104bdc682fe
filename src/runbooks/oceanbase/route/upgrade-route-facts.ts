import type { StepInput } from '../../../core/plan/step-schema.ts';
import type { Site } from '../../../core/sites/site.ts';
import {
  ObClusterVersionUnclearError,
  ObMultiHopRouteError,
  ObNoRouteError,
  ObPackageMissingError,
} from './route-errors.ts';
import { upgradeDepEntries } from './upgrade-dep-entries.ts';
import { baseName, joinPath, resolvePath } from '../../../core/local-path.ts';
import { computeUpgradeRoute, describeRoute } from './upgrade-route.ts';
import type { SqlSession } from '../../../core/ports/sql.ts';
import type { Oceanbase } from '../../../core/sites/oceanbase-schema.ts';
import type { FactsIo, PlanFacts } from '../../../core/ports/runbook.ts';
import { findPackage, packageNames } from '../upgrade/stage-program.ts';
import { waitStep } from '../upgrade/zone-steps.ts';

/** What planning learnt about the route: the cluster's version, the path and where it was read. */
export interface RouteFacts {
  readonly from: string;
  readonly path: readonly string[];
  readonly hops: readonly string[];
  readonly route: string;
  /** The package whose dep file gave the route. */
  readonly depFile: string;
}

export const CLUSTER_VERSION_SQL =
  "select distinct value from oceanbase.GV$OB_PARAMETERS where name = 'min_observer_version'";
const BUILDS_SQL = "select distinct substring_index(build_version, '-', 1) as build from oceanbase.__all_server";

/** The cluster's version (`min_observer_version`) and build number; refuses a cluster whose servers disagree. */
async function clusterStart(sql: SqlSession, cluster: string): Promise<{ version: string; build?: string }> {
  const versions = (await sql.query(CLUSTER_VERSION_SQL, { label: 'upgrade-route' })).rows.map((r) =>
    String(Object.values(r)[0]),
  );
  const builds = (await sql.query(BUILDS_SQL, { label: 'upgrade-route' })).rows.map((r) => String(Object.values(r)[0]));
  const version = versions[0];
  if (versions.length !== 1 || version === undefined)
    throw new ObClusterVersionUnclearError(cluster, `min_observer_version is ${versions.join(', ') || 'not set'}`);
  const serverVersions = [...new Set(builds.map((b) => b.split('_')[0]))];
  if (serverVersions.length !== 1 || serverVersions[0] !== version) {
    throw new ObClusterVersionUnclearError(
      cluster,
      `cluster version ${version}, observers on ${serverVersions.join(', ') || 'nothing'}`,
    );
  }
  const build = builds.length === 1 ? builds[0]?.split('_')[1] : undefined;
  return { version, ...(build !== undefined && build !== '' ? { build } : {}) };
}

/**
 * The route facts of `/upgrade <site> ob <cluster> --to <to>`: reads the dep file out of the target's
 * oceanbase-ce package (where the site file's `upgrade.packages` says), the cluster's version over SQL, and
 * computes the route. Refuses, with a coded error naming the versions: no package for the target, no route,
 * and a route of several binary hops (with the route, any hop whose package is missing, and the commands to
 * run hop by hop). Without a SQL connection (an engine without SQL) it reads nothing.
 */
export async function readRouteFacts(
  site: Site,
  ob: Oceanbase,
  to: string,
  io: FactsIo,
): Promise<RouteFacts | undefined> {
  if (io.openSql === undefined) return undefined;
  const files = io.files;
  if (files === undefined)
    throw new Error('this engine reads no package directory: the OceanBase route cannot be planned');
  const packages = ob.upgrade.packages;
  const dir = resolvePath(site.baseDir ?? '/', packages);
  const missing = async (versions: readonly string[]) => {
    const found = await Promise.all(
      versions.map(
        async (v) =>
          (await findPackage(files, dir, packageNames(v).server)) !== undefined &&
          (await findPackage(files, dir, packageNames(v).libs)) !== undefined,
      ),
    );
    return versions.filter((_, i) => !found[i]);
  };
  const server = await findPackage(files, dir, packageNames(to).server);
  if (server === undefined)
    throw new ObPackageMissingError({
      cluster: ob.name,
      versions: [to],
      packages,
      route: 'unknown without its dep file',
    });
  const dep = await files.readUpgradeDep(joinPath(dir, server));
  const sql = await io.openSql(ob.name);
  let start: { version: string; build?: string };
  try {
    start = await clusterStart(sql, ob.name);
  } finally {
    await sql.close();
  }
  const depFile = `etc/oceanbase_upgrade_dep.yml of ${baseName(server)}`;
  const entries = dep.ok ? upgradeDepEntries(dep.value) : dep;
  if (!entries.ok)
    throw new ObNoRouteError({
      cluster: ob.name,
      from: start.version,
      to,
      depFile,
      reason: `the dep file is malformed: ${entries.error}`,
    });
  const r = computeUpgradeRoute(entries.value, start, to);
  if (!r.ok) throw new ObNoRouteError({ cluster: ob.name, from: start.version, to, depFile, reason: r.error });
  const route = describeRoute(r.value);
  if (r.value.hops.length > 1) {
    const lacking = await missing(r.value.hops);
    const commands = r.value.hops.flatMap((hop) => [
      `/precheck ${site.name} ob ${ob.name}`,
      `/upgrade ${site.name} ob ${ob.name} --to ${hop}`,
    ]);
    throw new ObMultiHopRouteError({ cluster: ob.name, route, commands, missing: lacking, packages });
  }
  const lacking = await missing([to]);
  if (lacking.length > 0) throw new ObPackageMissingError({ cluster: ob.name, versions: lacking, packages, route });
  return { from: start.version, path: r.value.path, hops: r.value.hops, route, depFile };
}

/** The route facts out of a plan's facts, when planning read them. */
export function routeFactsOf(facts: PlanFacts | undefined): RouteFacts | undefined {
  const f = facts?.['route'];
  return f === undefined ? undefined : (f as RouteFacts);
}

/**
 * The plan's first step when the route was read: shows the route and where it came from, and checks at run time
 * that the cluster is still at the version the route starts from (a plan made against another version stops here).
 */
export function routeStep(cluster: string, to: string, f: RouteFacts): StepInput {
  return waitStep(
    'route',
    `Route ${f.route}, from ${f.depFile}: the cluster still runs ${f.from}`,
    cluster,
    [
      {
        id: 'cluster-version-unchanged',
        title: `the cluster version is still ${f.from}`,
        sql: CLUSTER_VERSION_SQL,
        expect: { kind: 'single-row', value: f.from },
        timeout: { kind: 'one-shot' },
        intervalSec: 0,
        source: 'opsgate upgrade route',
      },
    ],
    `The route to ${to} was planned from ${f.from}, and the cluster no longer says it runs ${f.from}; nothing has been touched. Plan the upgrade again.`,
  );
}

import { OpsgateError } from '../../../core/opsgate-error.ts';

/** The dep file of the target has no route from the cluster's version to the target, or is malformed. */
export class ObNoRouteError extends OpsgateError {
  readonly code = 'OB_UPGRADE_NO_ROUTE';
  constructor(readonly where: { cluster: string; from: string; to: string; depFile: string; reason: string }) {
    super(
      `no upgrade route for OceanBase cluster ${where.cluster} from ${where.from} to ${where.to}: ${where.reason} (${where.depFile})`,
      { fields: { ...where } },
    );
  }
}

/** The cluster's version cannot be told (servers disagree, nothing answered): no route can be computed. */
export class ObClusterVersionUnclearError extends OpsgateError {
  readonly code = 'OB_CLUSTER_VERSION_UNCLEAR';
  constructor(
    readonly cluster: string,
    readonly seen: string,
  ) {
    super(
      `cannot tell which version OceanBase cluster ${cluster} runs (${seen}); finish or roll back the earlier upgrade first`,
      { fields: { cluster, seen } },
    );
  }
}

/** A binary hop of the route has no package where the site file says the packages are. */
export class ObPackageMissingError extends OpsgateError {
  readonly code = 'OB_PACKAGE_MISSING';
  constructor(readonly where: { cluster: string; versions: readonly string[]; packages: string; route: string }) {
    super(
      `upgrade of OceanBase cluster ${where.cluster} refused: no oceanbase-ce package for ${where.versions.join(', ')} in ${where.packages} (the site file's upgrade.packages); the route is ${where.route}. Put oceanbase-ce-<v>.rpm and oceanbase-ce-libs-<v>.rpm there first`,
      { fields: { ...where } },
    );
  }
}

/**
 * The route needs more than one binary hop: opsgate upgrades one hop per run, so the person gets the route, any
 * hop whose package is missing, and the commands to run, in order, each after the previous one completed.
 */
export class ObMultiHopRouteError extends OpsgateError {
  readonly code = 'OB_UPGRADE_MULTI_HOP';
  constructor(
    readonly where: {
      cluster: string;
      route: string;
      commands: readonly string[];
      missing: readonly string[];
      packages: string;
    },
  ) {
    const lacking =
      where.missing.length === 0
        ? ''
        : ` The packages of ${where.missing.join(', ')} are not in ${where.packages} yet: put them there first.`;
    super(
      `upgrade of OceanBase cluster ${where.cluster} refused: the route is ${where.route}, and opsgate upgrades one binary hop per run. Run, in order, each once the previous run completed: ${where.commands.map((c, i) => `(${i + 1}) ${c}`).join(' ')}.${lacking}`,
      { fields: { ...where, commands: [...where.commands], missing: [...where.missing] } },
    );
  }
}

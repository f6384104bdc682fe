import { OpsgateError } from '../../../core/opsgate-error.ts';

/** The site file has no OceanBase cluster of that name. */
export class ObClusterUnknownError extends OpsgateError {
  readonly code = 'OB_CLUSTER_UNKNOWN';
  constructor(
    readonly site: string,
    readonly cluster: string,
    readonly known: readonly string[],
  ) {
    super(`site ${site} has no OceanBase cluster ${cluster} (known: ${known.join(', ') || 'none'})`, {
      fields: { site, cluster, known },
    });
  }
}

/**
 * The rolling upgrade refuses this cluster before anything runs (fewer than three zones, a bad target version);
 * the message is the reason, said plainly for the person who asked.
 */
export class ObUpgradeRefusedError extends OpsgateError {
  readonly code = 'OB_UPGRADE_REFUSED';
  constructor(
    readonly cluster: string,
    readonly reason: string,
  ) {
    super(`upgrade of OceanBase cluster ${cluster} refused: ${reason}`, { fields: { cluster, reason } });
  }
}

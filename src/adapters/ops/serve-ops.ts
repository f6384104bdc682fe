import type { Clock } from '../../core/ports/clock.ts';
import { checkHealth } from './check-health.ts';
import type { OpsMetrics } from './ops-metrics.ts';
import { startOpsServer, type OpsServer } from './start-ops-server.ts';
import type { WorkerRegistry } from '../../core/ports/worker-registry.ts';

export interface ServeOpsDeps {
  /** Where to serve; no server when `port` is undefined. */
  readonly listen: { readonly port: number | undefined; readonly host: string };
  readonly metrics: OpsMetrics;
  readonly registry: WorkerRegistry;
  ping(): Promise<unknown>;
  /** The sites whose queues must be served for this process to be healthy. */
  readonly sites: readonly string[];
  readonly clock: Clock;
}

/**
 * Starts `/healthz` and `/metrics` on `listen` (none without a port): healthy
 * when Redis answers and every one of `sites` has a live worker; each scrape refreshes `opsgate_workers_live`.
 */
export async function serveOps(deps: ServeOpsDeps): Promise<OpsServer | undefined> {
  if (deps.listen.port === undefined) return undefined;
  return startOpsServer({
    port: deps.listen.port,
    host: deps.listen.host,
    registry: deps.metrics.registry,
    health: () =>
      checkHealth({ ping: deps.ping, registry: deps.registry, sites: deps.sites, now: () => deps.clock.now() }),
    beforeScrape: async () =>
      deps.metrics.setWorkersLive(await deps.registry.servingCounts(deps.sites, deps.clock.now())),
  });
}

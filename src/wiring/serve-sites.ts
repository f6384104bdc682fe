import { hostname } from 'node:os';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Engine } from '../core/engine/create-engine.ts';
import { OPSGATE_VERSION } from '../adapters/ops/opsgate-version.ts';
import { startHeartbeat } from '../adapters/ops/start-heartbeat.ts';
import type { WorkerRegistry } from '../core/ports/worker-registry.ts';
import { systemClock } from '../adapters/system/system-clock.ts';
import { randomIds } from '../adapters/system/random-ids.ts';
import type { startSiteWorkers } from '../adapters/bullmq/start-site-workers.ts';
import { sweepSpool } from '../runners/ssh/spool-retention.ts';
import type { ServedSites, WorkerTuning } from './runtime-types.ts';
import { withLogContext } from '../adapters/ops/with-log-context.ts';
import { settlesWithin } from './bounded-close.ts';

/** At shutdown a heartbeat write is waited for this long at most: a Redis that is away fails it only slowly. */
const BEAT_WRITE_MS = 1000;

/** What serving sites needs from the runtime (`startSiteWorkers` is passed in: BullMQ is loaded on connect). */
export interface ServeSitesDeps {
  readonly engine: Engine;
  readonly registry: WorkerRegistry;
  readonly config: Pick<Config, 'OPSGATE_SPOOL_RETENTION_DAYS' | 'OPSGATE_HEARTBEAT_MS'>;
  readonly log: Logger;
  readonly spoolRoot: string;
  readonly startSiteWorkers: typeof startSiteWorkers;
  readonly connection: RedisOptions;
  readonly prefix: string;
}

/**
 * Serves the given sites' queues in this process (resuming their active runs) with a heartbeat in the worker
 * registry, after sweeping spool files older than the retention. `drain` marks the worker draining first.
 */
export function serveSites(d: ServeSitesDeps, served: readonly string[], tuning: WorkerTuning): ServedSites {
  const { config, log } = d;
  sweepSpool(d.spoolRoot, { maxAgeMs: config.OPSGATE_SPOOL_RETENTION_DAYS * 86_400_000, now: systemClock.now() })
    .then((swept) => log.info({ ...swept, days: config.OPSGATE_SPOOL_RETENTION_DAYS }, 'old spool files deleted'))
    .catch((e: unknown) => log.warn({ err: String(e) }, 'spool sweep failed'));
  const info = {
    id: `${hostname()}-${process.pid}-${randomIds.next('').slice(0, 8)}`,
    sites: served,
    pid: process.pid,
    host: hostname(),
    version: OPSGATE_VERSION,
    startedAt: systemClock.now(),
  };
  const workers = d.startSiteWorkers({
    engine: d.engine,
    sites: served,
    connection: d.connection,
    prefix: d.prefix,
    log,
    inLogContext: withLogContext,
    workerId: info.id,
    ...tuning,
  });
  const beat = startHeartbeat({
    registry: d.registry,
    info,
    clock: systemClock,
    intervalMs: config.OPSGATE_HEARTBEAT_MS,
    onError: (e) => log.warn({ err: String(e) }, 'heartbeat not written'),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await workers.close();
    await settlesWithin(beat.stop(), BEAT_WRITE_MS);
  };
  return {
    workerId: info.id,
    ready: workers.ready.then(async (n) => (await beat.ready, n)),
    async drain(graceMs, onOverdue) {
      await settlesWithin(beat.drain(), BEAT_WRITE_MS);
      const overdue = await workers.drain(graceMs, onOverdue);
      stopped = true;
      await settlesWithin(beat.stop(), BEAT_WRITE_MS);
      return overdue;
    },
    close: stop,
  };
}

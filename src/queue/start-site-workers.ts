import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Engine } from '../engine/create-engine.ts';
import type { EngineLog } from '../engine/engine-deps.ts';
import { describeError, isOpsgateError } from '../errors/opsgate-error.ts';
import type { StepJob } from '../ports/run-store.ts';
import { siteQueueName } from './bull-run-queue.ts';

export interface SiteWorkersOptions {
  readonly engine: Engine;
  readonly sites: readonly string[];
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly log: EngineLog;
  /** How often expired gates are looked for (default 5 s). */
  readonly expiryPollMs?: number;
  /** BullMQ job lock: a killed worker's job is handed out again after about this long (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs (default 30 s). */
  readonly stalledIntervalMs?: number;
}

export interface SiteWorkers {
  /** Resolves once every worker is connected and every active run has been carried forward. */
  readonly ready: Promise<number>;
  close(): Promise<void>;
}

/**
 * The thin queue entry point: one BullMQ worker per served site, each job handed to `engine.handleJob`. On
 * start it resumes every active run of its sites and reports stale site locks; while running it expires due
 * gates. Stalled jobs (a killed
 * worker) always come back (`maxStalledCount` is high) because the handler, not BullMQ, decides whether a
 * step may run again. Only here does a non-retryable coded error become BullMQ's `UnrecoverableError`.
 */
export function startSiteWorkers(opts: SiteWorkersOptions): SiteWorkers {
  const { engine, log } = opts;
  const process = async (job: Job<StepJob>) => {
    try {
      return await engine.handleJob(job.data);
    } catch (e) {
      log.error({ jobId: job.id, runId: job.data.runId, stepId: job.data.stepId, err: describeError(e) }, 'step job failed');
      if (isOpsgateError(e) && !e.retryable) throw new UnrecoverableError(describeError(e));
      throw e;
    }
  };
  const workers = opts.sites.map(
    (site) =>
      new Worker<StepJob>(siteQueueName(site), process, {
        connection: opts.connection,
        prefix: opts.prefix,
        concurrency: 2,
        maxStalledCount: 1000,
        lockDuration: opts.lockDurationMs ?? 30_000,
        stalledInterval: opts.stalledIntervalMs ?? 30_000,
      }),
  );
  for (const w of workers) w.on('error', (e) => log.error({ err: describeError(e) }, 'queue worker error'));
  const expire = async () => {
    try {
      await engine.expireGates();
    } catch (e) {
      log.error({ err: describeError(e) }, 'gate expiry failed');
    }
  };
  const timer = setInterval(() => void expire(), opts.expiryPollMs ?? 5000);
  const ready = (async () => {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    const resumed = await engine.resume(opts.sites);
    const stale = await engine.staleLocks(opts.sites);
    for (const s of stale) log.warn({ site: s.holder.site, runId: s.holder.runId, reason: s.reason }, 'stale site lock: an approver can release it');
    log.info({ sites: opts.sites, resumed }, 'worker ready');
    return resumed;
  })();
  return {
    ready,
    async close() {
      clearInterval(timer);
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

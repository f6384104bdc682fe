import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Engine } from '../../core/engine/create-engine.ts';
import type { EngineLog } from '../../core/engine/engine-deps.ts';
import { describeError, isOpsgateError } from '../../core/opsgate-error.ts';
import type { StepJob } from '../../core/ports/run-store.ts';
import { siteQueueName } from './bull-run-queue.ts';
import { closeWorker } from './close-worker.ts';

export interface SiteWorkersOptions {
  readonly engine: Engine;
  readonly sites: readonly string[];
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly log: EngineLog;
  /**
   * Runs each job's handler with the job's fields (run, step, site, attempt) in every log line it writes; the
   * wiring passes the logger's context here. Without it the handler runs as it is.
   */
  readonly inLogContext?: <T>(fields: Readonly<Record<string, string | number>>, fn: () => Promise<T>) => Promise<T>;
  /** How often expired gates are looked for (default 5 s). */
  readonly expiryPollMs?: number;
  /**
   * How often every active run is carried forward again (default 60 s): a job lost after its last retry is
   * enqueued anew; repeats are harmless because job ids and the run state drop them.
   */
  readonly resumeEveryMs?: number;
  /** BullMQ job lock: a killed worker's job is handed out again after about this long (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often BullMQ looks for stalled jobs (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** This worker's heartbeat id, recorded on each step it starts so that its loss can be noticed by others. */
  readonly workerId?: string;
}

export interface SiteWorkers {
  /** Resolves once every worker is connected and every active run has been carried forward. */
  readonly ready: Promise<number>;
  /**
   * Graceful stop: takes no new step at once, lets running steps finish for up to `graceMs`, then hands the
   * jobs still running to `onOverdue` (to record them as interrupted) and closes. Resolves with how many were
   * overdue.
   */
  drain(graceMs: number, onOverdue: (jobs: readonly StepJob[]) => Promise<void>): Promise<number>;
  close(): Promise<void>;
}

/**
 * The thin queue entry point: one BullMQ worker per served site, each job handed to `engine.handleJob`. On
 * start it resumes every active run of its sites and reports stale site locks; while running it expires due
 * gates and resumes runs now and then. Stalled jobs (a killed worker) always come back (`maxStalledCount` is
 * high) because the handler, not BullMQ, decides whether a step may run again. Only here does a non-retryable
 * coded error become BullMQ's `UnrecoverableError`.
 */
export function startSiteWorkers(opts: SiteWorkersOptions): SiteWorkers {
  const { engine, log } = opts;
  const inLogContext = opts.inLogContext ?? ((_fields, fn) => fn());
  const active = new Map<string, { readonly job: StepJob; readonly done: Promise<unknown> }>();
  let draining = false;
  const handle = async (job: Job<StepJob>) => {
    const { runId, stepId, site, attempt } = job.data;
    return inLogContext({ runId, stepId, site, attempt }, async () => {
      log.info({ jobId: job.id }, 'step job started');
      const delivery = await engine.handleJob(job.data, opts.workerId);
      log.info({ jobId: job.id, delivery }, 'step job done');
      return delivery;
    });
  };
  const process = async (job: Job<StepJob>, token?: string) => {
    if (draining) {
      // Fetched while this worker stops: back to the queue, untouched, for another worker (no attempt used).
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    try {
      const done = handle(job);
      active.set(job.id ?? '', { job: job.data, done: done.catch(() => undefined) });
      return await done;
    } catch (e) {
      log.error(
        { jobId: job.id, runId: job.data.runId, stepId: job.data.stepId, err: describeError(e) },
        'step job failed',
      );
      if (isOpsgateError(e) && !e.retryable) throw new UnrecoverableError(describeError(e));
      throw e;
    } finally {
      active.delete(job.id ?? '');
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
  // During a Redis outage every site's worker errors about once a second: one line per error and minute is enough.
  const workerError = onceAMinute((e: unknown, suppressed: number) =>
    log.error({ err: describeError(e), ...(suppressed > 0 ? { suppressed } : {}) }, 'queue worker error'),
  );
  for (const w of workers) w.on('error', workerError);
  const expire = async () => {
    try {
      await engine.expireGates();
    } catch (e) {
      log.error({ err: describeError(e) }, 'gate expiry failed');
    }
  };
  const resume = async () => {
    try {
      await engine.resume(opts.sites);
    } catch (e) {
      log.error({ err: describeError(e) }, 'resuming runs failed');
    }
  };
  const timers = [
    setInterval(() => void expire(), opts.expiryPollMs ?? 5000),
    setInterval(() => void resume(), opts.resumeEveryMs ?? 60_000),
  ];
  const ready = (async () => {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    const resumed = await engine.resume(opts.sites);
    const stale = await engine.staleLocks(opts.sites);
    for (const s of stale)
      log.warn(
        { site: s.holder.site, runId: s.holder.runId, reason: s.reason },
        'stale site lock: an approver can release it',
      );
    log.info({ sites: opts.sites, resumed }, 'worker ready');
    return resumed;
  })();
  return {
    ready,
    async drain(graceMs, onOverdue) {
      draining = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(workers.map((w) => w.pause(true)));
      let grace: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all([...active.values()].map((a) => a.done)).then(() => true),
        new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(grace);
      const overdue = finished ? [] : [...active.values()].map((a) => a.job);
      if (overdue.length > 0) await onOverdue(overdue);
      await Promise.all(workers.map((w) => closeWorker(w, overdue.length > 0)));
      return overdue.length;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all(workers.map((w) => closeWorker(w, false)));
    },
  };
}

/**
 * Calls `report` with the first error, then at most once a minute, telling how many it left out meanwhile.
 */
function onceAMinute(report: (e: unknown, suppressed: number) => void): (e: unknown) => void {
  let last = -Infinity;
  let suppressed = 0;
  return (e) => {
    const now = Date.now();
    if (now - last < 60_000) {
      suppressed++;
      return;
    }
    report(e, suppressed);
    last = now;
    suppressed = 0;
  };
}

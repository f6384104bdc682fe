import { Queue, type ConnectionOptions } from 'bullmq';
import type { RunQueue, StepJob } from '../../core/ports/run-store.ts';

/** BullMQ queue of a site: one per site, so that a worker inside the site's network serves only its own. */
export function siteQueueName(site: string): string {
  return `opsgate-site-${site}`;
}

/**
 * The job id of one attempt of one step: BullMQ drops an `add` whose id is already waiting, delayed or active,
 * so a continuation enqueued twice (a resumed process, a repeated decision) runs once.
 */
export function stepJobId(job: StepJob): string {
  return `${job.runId}__${job.stepId}__${job.attempt}`;
}

export interface BullQueueOptions {
  readonly connection: ConnectionOptions;
  /** BullMQ's key prefix (e.g. `opsgate:bull`), so tests and deployments sharing a Redis stay apart. */
  readonly prefix: string;
}

/**
 * The engine's RunQueue on BullMQ. Jobs are removed once done or failed: the run state in Redis is the record
 * (the handler drops a repeat by looking at it), and a freed id lets a restarted process enqueue again.
 * Transport failures are retried a few times; the handler then reconciles or re-runs as the step allows.
 */
export class BullRunQueue implements RunQueue {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly opts: BullQueueOptions) {}

  private queue(site: string): Queue {
    let q = this.queues.get(site);
    if (q === undefined) {
      q = new Queue(siteQueueName(site), { connection: this.opts.connection, prefix: this.opts.prefix });
      this.queues.set(site, q);
    }
    return q;
  }

  async enqueue(job: StepJob): Promise<void> {
    await this.queue(job.site).add('step', job, {
      jobId: stepJobId(job),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async close(): Promise<void> {
    const qs = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(qs.map((q) => q.close()));
  }
}

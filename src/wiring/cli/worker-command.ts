import type { Command } from 'commander';
import type { WorkerOptions } from './serve-worker.ts';

/**
 * `opsgate worker [--sites a,b]`: serves the step queues of some sites (all by default) until SIGINT/SIGTERM.
 * It can live inside a site's network while the Slack-facing process runs elsewhere; both meet in Redis. It
 * publishes a heartbeat there, serves `/healthz` and `/metrics` when `METRICS_PORT` is set, and on SIGTERM takes
 * no new step, lets a running one finish within `OPSGATE_SHUTDOWN_GRACE_MS` or records it as interrupted, and
 * closes its connections; a second signal exits at once.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('execute run steps from the per-site queues (resumes every active run on start)')
    .option('--sites <names>', 'comma-separated site ids to serve (default: every site file)')
    .option('--lock-duration-ms <ms>', 'how long a job stays locked to this worker without renewal', '30000')
    .option('--stalled-interval-ms <ms>', 'how often jobs of dead workers are looked for', '30000')
    .action(async (opts: WorkerOptions) => {
      // Loaded when the command runs: `opsgate --help` does not pay for BullMQ, Redis and the transports.
      const { serveWorker } = await import('./serve-worker.ts');
      await serveWorker(opts);
    });
}

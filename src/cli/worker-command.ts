import type { Command } from 'commander';
import { pino } from 'pino';
import { CliExit, EXIT } from '../cli.ts';
import { ConfigSchema, readEnv } from '../config.ts';
import { createEngineRuntime } from '../queue/engine-runtime.ts';
import { startSiteWorkers } from '../queue/start-site-workers.ts';

interface WorkerOptions {
  sites?: string;
  lockDurationMs: string;
  stalledIntervalMs: string;
}

/**
 * `opsgate worker [--sites a,b]`: serves the step queues of some sites (all by default) until SIGINT/SIGTERM.
 * It can live inside a site's network while the Slack-facing process runs elsewhere; both meet in Redis.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('execute run steps from the per-site queues (resumes every active run on start)')
    .option('--sites <names>', 'comma-separated site ids to serve (default: every site file)')
    .option('--lock-duration-ms <ms>', 'how long a job stays locked to this worker without renewal', '30000')
    .option('--stalled-interval-ms <ms>', 'how often jobs of dead workers are looked for', '30000')
    .action(async (opts: WorkerOptions) => {
      const env = readEnv();
      const config = ConfigSchema.safeParse(env);
      if (!config.success) {
        for (const i of config.error.issues) process.stderr.write(`opsgate worker: ${i.path.join('.')}: ${i.message}\n`);
        throw new CliExit(EXIT.usage);
      }
      const lockDurationMs = Number(opts.lockDurationMs);
      const stalledIntervalMs = Number(opts.stalledIntervalMs);
      if (!(lockDurationMs >= 1000) || !(stalledIntervalMs >= 500)) {
        process.stderr.write('opsgate worker: --lock-duration-ms must be >= 1000 and --stalled-interval-ms >= 500\n');
        throw new CliExit(EXIT.usage);
      }
      const log = pino({ level: config.data.LOG_LEVEL, base: { proc: 'worker' } });
      const runtime = await createEngineRuntime(config.data, env, log);
      if (!runtime.ok) {
        for (const p of runtime.error) process.stderr.write(`opsgate worker: ${p}\n`);
        throw new CliExit(EXIT.failed);
      }
      const known = runtime.value.sites.map((s) => s.name);
      const wanted = opts.sites?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? known;
      const unknown = wanted.filter((s) => !known.includes(s));
      if (unknown.length > 0 || wanted.length === 0) {
        process.stderr.write(`opsgate worker: unknown site(s) ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ') || 'none'}\n`);
        await runtime.value.close();
        throw new CliExit(EXIT.usage);
      }
      const { engine, bullConnection, bullPrefix } = runtime.value;
      const workers = startSiteWorkers({ engine, sites: wanted, connection: bullConnection, prefix: bullPrefix, log, lockDurationMs, stalledIntervalMs });
      await workers.ready;
      process.stdout.write(`opsgate worker: serving ${wanted.join(', ')}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await workers.close();
      await runtime.value.close();
    });
}

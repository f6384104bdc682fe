import { loadAppSetup } from '../app-setup.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { hardExit } from '../close-on-signals.ts';
import { formatConfigProblems, parseConfig, readEnv } from '../config.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { openRuntime } from '../main.ts';
import { createOpsLogger } from '../../adapters/ops/create-ops-logger.ts';
import { createOpsMetrics } from '../../adapters/ops/ops-metrics.ts';
import { OPSGATE_VERSION } from '../../adapters/ops/opsgate-version.ts';
import { serveOps } from '../../adapters/ops/serve-ops.ts';
import { watchShutdownSignals } from '../../adapters/ops/shutdown-signals.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';

/** The options of `opsgate worker`, as commander parses them. */
export interface WorkerOptions {
  sites?: string;
  lockDurationMs: string;
  stalledIntervalMs: string;
}

/**
 * Serves the step queues of the given sites (`opsgate worker`) until a shutdown signal; throws `CliExit` on a bad
 * configuration or a failed start. Kept apart from the command's declaration so that only running it loads the
 * runtime.
 */
export async function serveWorker(opts: WorkerOptions): Promise<void> {
  const env = readEnv();
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    process.stderr.write(`opsgate worker: ${formatConfigProblems(parsed.error)}\n`);
    throw new CliExit(EXIT.usage);
  }
  const config = parsed.value;
  const lockDurationMs = Number(opts.lockDurationMs);
  const stalledIntervalMs = Number(opts.stalledIntervalMs);
  if (!(lockDurationMs >= 1000) || !(stalledIntervalMs >= 500)) {
    process.stderr.write('opsgate worker: --lock-duration-ms must be >= 1000 and --stalled-interval-ms >= 500\n');
    throw new CliExit(EXIT.usage);
  }
  const log = createOpsLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, base: { proc: 'worker' } });
  const setup = await loadAppSetup({ env });
  if (!setup.ok) {
    process.stderr.write(`opsgate worker: ${setup.error}\n`);
    throw new CliExit(EXIT.failed);
  }
  const known = setup.value.sites.list().map((s) => s.name);
  const wanted =
    opts.sites
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '') ?? known;
  const unknown = wanted.filter((s) => !known.includes(s));
  if (unknown.length > 0 || wanted.length === 0) {
    process.stderr.write(
      `opsgate worker: unknown site(s) ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ') || 'none'}\n`,
    );
    throw new CliExit(EXIT.usage);
  }
  const metrics = createOpsMetrics('worker');
  // The one composition root: the same connections as `opsgate start`, the embedded Redis when REDIS_URL is unset.
  const rt = await openRuntime({ ...setup.value, log, metrics }).catch((e: unknown) => {
    process.stderr.write(`opsgate worker: cannot connect: ${describeError(e)}\n`);
    throw new CliExit(EXIT.failed);
  });
  // The last resort is later than the bot's: recording an overdue step as interrupted probes its hosts.
  const deadlineMs = config.OPSGATE_SHUTDOWN_GRACE_MS + 30_000;
  const signals = watchShutdownSignals({ hardDeadlineMs: deadlineMs, onDeadline: hardExit(log, deadlineMs) });
  const workers = rt.startWorkers(wanted, { lockDurationMs, stalledIntervalMs });
  const server = await serveOps({
    listen: { port: config.METRICS_PORT, host: config.METRICS_HOST },
    metrics,
    registry: rt.ops.registry,
    ping: () => rt.ops.ping(),
    sites: wanted,
    clock: systemClock,
  }).catch(async (e: unknown) => {
    process.stderr.write(
      `opsgate worker: cannot serve /metrics on ${config.METRICS_HOST}:${String(config.METRICS_PORT)}: ${describeError(e)}\n`,
    );
    await rt.close();
    throw new CliExit(EXIT.failed);
  });
  await workers.ready;
  log.info({ sites: wanted, workerId: workers.workerId, version: OPSGATE_VERSION }, 'worker serving');
  process.stdout.write(
    `opsgate worker: serving ${wanted.join(', ')}${server === undefined ? '' : ` (health and metrics on http://${config.METRICS_HOST}:${server.port})`}\n`,
  );
  const signal = await signals.received;
  log.info(
    { signal, graceMs: config.OPSGATE_SHUTDOWN_GRACE_MS },
    'shutting down: no new steps; waiting for running steps',
  );
  process.stdout.write(
    `opsgate worker: ${signal}: finishing the running steps (up to ${config.OPSGATE_SHUTDOWN_GRACE_MS} ms), taking no new ones\n`,
  );
  const overdue = await workers.drain(config.OPSGATE_SHUTDOWN_GRACE_MS, async (jobs) => {
    const ids = await rt.interruptOverdue(jobs);
    log.warn({ steps: ids }, 'steps recorded as interrupted at shutdown');
  });
  await server?.close();
  await rt.close();
  signals.dispose();
  process.stdout.write(
    `opsgate worker: stopped${overdue > 0 ? ` (${overdue} step(s) did not finish in time: recorded as interrupted)` : ''}\n`,
  );
  // A step cut short may still hold its SSH channel open; nothing of it is recorded any more, so leave now.
  if (overdue > 0) setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
}

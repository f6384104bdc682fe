import { join } from 'node:path';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals, exitIfLingering, HARD_EXIT_AFTER_GRACE_MS, hardExit } from '../close-on-signals.ts';
import { CLOSE_STEP_MS, settlesWithin } from '../bounded-close.ts';
import type { Logger } from 'pino';
import { startSlack } from '../start-slack.ts';
import { runConsoleChat } from '../../adapters/console/run-console-chat.ts';
import { EXIT } from './cli-exit.ts';
import { USER_ID_PATTERN } from '../../commands/identifiers.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { createLogger, openRuntime, type Runtime, type ServedSites } from '../main.ts';
import { createOpsMetrics } from '../../adapters/ops/ops-metrics.ts';
import { serveOps } from '../../adapters/ops/serve-ops.ts';
import { watchShutdownSignals } from '../../adapters/ops/shutdown-signals.ts';
import type { OpsServer } from '../../adapters/ops/start-ops-server.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';
import { createChartRenderer } from '../../adapters/charts/create-chart-renderer.ts';

/** The options of `opsgate start`, as commander parses them. */
export interface StartOptions {
  readonly as: string;
  readonly sites?: string;
  readonly worker: boolean;
}

/**
 * Starts the Slack app or the console chat (`opsgate start`) and returns the exit code when it stops; kept apart
 * from the command's declaration so that only running it loads the runtime.
 */
export async function startOpsgate(opts: StartOptions): Promise<number> {
  if (!USER_ID_PATTERN.test(opts.as)) {
    process.stderr.write(`opsgate start: "${opts.as}" is not a Slack user id (like UOPERATOR)\n`);
    return EXIT.usage;
  }
  const setup = await loadAppSetup(opts.sites === undefined ? {} : { sitesDir: opts.sites });
  if (!setup.ok) {
    process.stderr.write(`opsgate start: ${setup.error}\n`);
    return EXIT.usage;
  }
  const { config, env } = setup.value;
  const slack = config.SLACK_BOT_TOKEN !== undefined && config.SLACK_SIGNING_SECRET !== undefined;
  // The console shares the terminal with the logs: only warnings unless LOG_LEVEL asks for more.
  const log = createLogger(slack || env.LOG_LEVEL !== undefined ? config.LOG_LEVEL : 'warn', config.LOG_FORMAT);
  const metrics = createOpsMetrics('bot');
  let runtime: Runtime;
  let server: OpsServer | undefined;
  try {
    runtime = await openRuntime({ ...setup.value, log, metrics });
  } catch (e) {
    process.stderr.write(`opsgate start: ${describeError(e)}\n`);
    return EXIT.failed;
  }
  const graceMs = config.OPSGATE_SHUTDOWN_GRACE_MS;
  const deadlineMs = graceMs + HARD_EXIT_AFTER_GRACE_MS;
  const say = (l: string): void => void process.stderr.write(`opsgate start: ${l}\n`);
  const unhook = slack
    ? () => undefined
    : closeOnSignals(async () => (await server?.close(), runtime.close()), { deadlineMs, say });
  let workers: ServedSites | undefined;
  let code: number = EXIT.failed;
  try {
    const sites = runtime.sites.list().map((s) => s.name);
    server = await serveOps({
      listen: { port: config.METRICS_PORT, host: config.METRICS_HOST },
      metrics,
      registry: runtime.ops.registry,
      ping: runtime.ops.ping,
      sites,
      clock: systemClock,
    });
    if (server !== undefined)
      process.stdout.write(`opsgate: health and metrics on http://${config.METRICS_HOST}:${server.port}\n`);
    if (opts.worker) {
      workers = runtime.startWorkers(runtime.sites.list().map((s) => s.name));
      await workers.ready;
    }
    if (slack) {
      // A second signal exits at once, and so does the end of the grace plus a few seconds, whatever still waits.
      const signals = watchShutdownSignals({ hardDeadlineMs: deadlineMs, onDeadline: hardExit(log, deadlineMs) });
      const app = await startSlack({ runtime, config, log });
      const signal = await signals.received;
      log.info({ signal, graceMs }, 'shutting down');
      await stopWithin(app, workers, runtime, graceMs, log);
      signals.dispose();
      code = EXIT.ok;
      return code;
    }
    process.stdout.write(`opsgate console on ${runtime.redisWhere}\n`);
    await runConsoleChat({
      chat: runtime.chat,
      events: runtime.events,
      sites: runtime.sites.list(),
      input: process.stdin,
      output: process.stdout,
      user: opts.as,
      pendingGates: () => runtime.pendingGates(runtime.sites.list().map((s) => s.name)),
      artefactsDir: join(config.OPSGATE_STATE_DIR, 'artefacts'),
      redisWhere: runtime.redisWhere,
      charts: createChartRenderer(),
    });
    code = EXIT.ok;
    return code;
  } catch (e) {
    say(describeError(e));
    return EXIT.failed;
  } finally {
    unhook();
    await settlesWithin(server?.close() ?? Promise.resolve(), CLOSE_STEP_MS);
    await runtime.close();
    exitIfLingering(code, say);
  }
}

/**
 * The Slack app's part of a shutdown, bounded by the grace: the app stops taking requests and posts what it still
 * has to Slack while this process's workers (if any) let a running step finish, both for up to `graceMs`. A Slack
 * API that does not answer (a post's HTTP call has no end of its own, and the Web API client retries for half an
 * hour) is left behind after the grace: what it did not post is posted by the next start, which reads the events
 * from where this one stopped.
 */
async function stopWithin(
  app: { stop(): Promise<void> },
  workers: ServedSites | undefined,
  runtime: Runtime,
  graceMs: number,
  log: Logger,
): Promise<void> {
  const [stopped] = await Promise.all([
    settlesWithin(app.stop(), graceMs),
    workers?.drain(graceMs, async (jobs) => {
      const ids = await runtime.interruptOverdue(jobs);
      log.warn({ steps: ids }, 'steps recorded as interrupted at shutdown');
    }),
  ]);
  if (!stopped) log.warn({ graceMs }, 'slack did not answer within the grace: the next start posts what is left');
}

import { join } from 'node:path';
import type { Command } from 'commander';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals } from '../close-on-signals.ts';
import { startSlack } from '../start-slack.ts';
import { runConsoleChat } from '../../adapters/console/run-console-chat.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { USER_ID_PATTERN } from '../../commands/identifiers.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { createLogger, openRuntime, type Runtime } from '../main.ts';
import { createOpsMetrics } from '../../adapters/ops/ops-metrics.ts';
import { serveOps } from '../../adapters/ops/serve-ops.ts';
import { watchShutdownSignals } from '../../adapters/ops/shutdown-signals.ts';
import type { OpsServer } from '../../adapters/ops/start-ops-server.ts';
import { systemClock } from '../../adapters/system/system-clock.ts';

interface StartOptions {
  readonly as: string;
  readonly sites?: string;
  readonly worker: boolean;
}

/**
 * `opsgate start`: the Slack app when `SLACK_BOT_TOKEN` and `SLACK_SIGNING_SECRET` are set, otherwise the
 * interactive console chat on this terminal (with a worker for every site in the same process unless
 * `--no-worker`).
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start opsgate: the Slack app when Slack tokens are set, otherwise the interactive console chat')
    .option('--as <user>', 'console: the Slack user id to act as at first (switch with /as)', 'UOPERATOR')
    .option('--sites <dir>', 'the directory of site files (default: OPSGATE_SITES)')
    .option('--no-worker', 'do not execute steps in this process (an `opsgate worker` does)')
    .action(async (opts: StartOptions) => {
      const code = await start(opts);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

async function start(opts: StartOptions): Promise<number> {
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
  const unhook = slack ? () => undefined : closeOnSignals(async () => (await server?.close(), runtime.close()));
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
    if (opts.worker) await runtime.startWorkers(runtime.sites.list().map((s) => s.name)).ready;
    if (slack) {
      // A second signal exits at once; the first stops the app, then the workers and connections close below.
      const signals = watchShutdownSignals();
      const app = await startSlack({ runtime, config, log });
      const signal = await signals.received;
      log.info({ signal }, 'shutting down');
      await app.stop();
      signals.dispose();
      return EXIT.ok;
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
    });
    return EXIT.ok;
  } catch (e) {
    process.stderr.write(`opsgate start: ${describeError(e)}\n`);
    return EXIT.failed;
  } finally {
    unhook();
    await server?.close();
    await runtime.close();
  }
}

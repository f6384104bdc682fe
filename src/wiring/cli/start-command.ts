import type { Command } from 'commander';
import { CliExit, EXIT } from './cli-exit.ts';
import type { StartOptions } from './start-opsgate.ts';

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
      // Loaded when the command runs: `opsgate --help` does not pay for Bolt, Redis and the transports.
      const { startOpsgate } = await import('./start-opsgate.ts');
      const code = await startOpsgate(opts);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

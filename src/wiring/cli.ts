import { Command, CommanderError } from 'commander';
import { describeError } from '../core/opsgate-error.ts';
import { registerSitesCommand } from './cli/sites-command.ts';
import { registerAuditCommand } from './cli/audit-command.ts';
import { registerRunCommand } from './cli/run-command.ts';
import { registerStartCommand } from './cli/start-command.ts';
import { registerDemoCommand } from './cli/demo-command.ts';
import { registerWorkerCommand } from './cli/worker-command.ts';
import { registerLabCommand } from './cli/lab-command.ts';
import { CliExit, EXIT } from './cli/cli-exit.ts';

/** Builds the `opsgate` program; each subcommand lives in `cli/<name>-command.ts`. */
export function buildProgram(): Command {
  const program = new Command('opsgate')
    .description('ChatOps runbooks for middleware upgrades, with approvals and an audit trail')
    .showHelpAfterError()
    .exitOverride();
  registerSitesCommand(program);
  registerAuditCommand(program);
  registerRunCommand(program);
  registerStartCommand(program);
  registerDemoCommand(program);
  registerWorkerCommand(program);
  registerLabCommand(program);
  return program;
}

/**
 * Runs the CLI and returns the process exit code: 0 success, 1 failure, 2 bad usage.
 * A subcommand action returns normally for success, or throws `CliExit` after printing its own message.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliExit) return e.exitCode;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    process.stderr.write(`opsgate: ${describeError(e)}\n`);
    return EXIT.failed;
  }
}

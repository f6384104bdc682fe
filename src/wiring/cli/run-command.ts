import { InvalidArgumentError, Option, type Command } from 'commander';
import { CliExit, EXIT } from './cli-exit.ts';
import type { RunOptions } from './run-one-command.ts';

/**
 * `opsgate run '<command>' --as USER [--approve-as USER]… [--reject] [--on-failure stop|rollback|abort] [--json]
 * [--verbose] [--sites DIR]`: one chat command
 * run to completion in this process (engine and worker), its gates answered by the given approvers.
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run one chat command to completion here, answering gates as the given approvers (exit 0 succeeded, 1 failed/rejected/refused, 2 bad usage)',
    )
    .argument('<command>', "the chat command, e.g. '/upgrade xizang redis' (one argument: quote it)")
    .requiredOption('--as <user>', 'the Slack user id that requests the run')
    .addOption(
      new Option('--approve-as <user>', 'answer gates as this user (repeat for more approvers)')
        .argParser(collect)
        .default([]),
    )
    .option('--reject', 'reject the first approval gate instead of approving it', false)
    .option('--reject-at <step>', 'reject the approval gate of this step (approve the others)')
    .addOption(
      new Option(
        '--on-failure <choice>',
        'answer a failure or interruption gate as the first --approve-as (stop: leave it waiting; the exit code is 1 either way)',
      )
        .choices(['stop', 'rollback', 'abort'])
        .default('stop'),
    )
    .option(
      '--json',
      'print JSON lines only, each an object with a type: the reply, the engine events, refusals, waits and errors',
      false,
    )
    .option(
      '--verbose',
      'print every event in full (every check that held, every output tail) instead of one line per step',
      false,
    )
    .addOption(
      new Option('--redis-wait <seconds>', 'follow the run again when Redis is back within this long, else exit 1')
        .argParser(seconds)
        .default(60),
    )
    .option('--sites <dir>', 'the directory of site files (default: OPSGATE_SITES)')
    .action(async (line: string, opts: RunOptions) => {
      // Loaded when the command runs: `opsgate --help` does not pay for the engine, Redis and the transports.
      const { runOneCommand } = await import('./run-one-command.ts');
      const code = await runOneCommand(line, opts);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600)
    throw new InvalidArgumentError('a whole number of seconds from 1 to 3600');
  return n;
}

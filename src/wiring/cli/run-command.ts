import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { OnFailure } from './drive-run.ts';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals } from '../close-on-signals.ts';
import { runLine } from './run-line.ts';
import { CliExit, EXIT } from './cli-exit.ts';
import { USER_ID_PATTERN } from '../../commands/identifiers.ts';
import { parseCommand } from '../../commands/parse-command.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { createLogger, openRuntime } from '../main.ts';

interface RunOptions {
  readonly as: string;
  readonly approveAs: string[];
  readonly reject: boolean;
  readonly rejectAt?: string;
  readonly onFailure: OnFailure;
  readonly json: boolean;
  readonly sites?: string;
}

/**
 * `opsgate run '<command>' --as USER [--approve-as USER]… [--reject] [--on-failure stop|rollback|abort] [--json]
 * [--sites DIR]`: one chat command
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
    .option('--json', 'print one JSON object per engine event instead of the thread', false)
    .option('--sites <dir>', 'the directory of site files (default: OPSGATE_SITES)')
    .action(async (line: string, opts: RunOptions) => {
      const code = await runCommand(line, opts);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const errOut = (line: string): void => void process.stderr.write(`${line}\n`);

async function runCommand(line: string, opts: RunOptions): Promise<number> {
  for (const user of [opts.as, ...opts.approveAs]) {
    if (!USER_ID_PATTERN.test(user)) {
      errOut(`opsgate run: "${user}" is not a Slack user id (like UOPERATOR)`);
      return EXIT.usage;
    }
  }
  const setup = await loadAppSetup(opts.sites === undefined ? {} : { sitesDir: opts.sites });
  if (!setup.ok) {
    errOut(`opsgate run: ${setup.error}`);
    return EXIT.usage;
  }
  const { sites } = setup.value;
  const parsed = parseCommand(line, { sites: sites.list() });
  if (!parsed.ok) {
    errOut(`opsgate run: ${parsed.error.message}`);
    return EXIT.usage;
  }
  const cmd = parsed.value;
  const log = createLogger(setup.value.env.LOG_LEVEL === undefined ? 'warn' : setup.value.config.LOG_LEVEL);
  let runtime;
  try {
    runtime = await openRuntime({ ...setup.value, log });
  } catch (e) {
    errOut(`opsgate run: ${describeError(e)}`);
    return EXIT.failed;
  }
  const rt = runtime;
  const unhook = closeOnSignals(() => rt.close());
  try {
    return await runLine(rt, cmd, line, {
      ...opts,
      artefactsDir: join(setup.value.config.OPSGATE_STATE_DIR, 'artefacts'),
      out,
      err: errOut,
    });
  } catch (e) {
    errOut(`opsgate run: ${describeError(e)}`);
    return EXIT.failed;
  } finally {
    unhook();
    await rt.close();
  }
}

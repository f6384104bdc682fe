import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OnFailure } from './drive-run.ts';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals, exitIfLingering, HARD_EXIT_AFTER_GRACE_MS } from '../close-on-signals.ts';
import { runLine } from './run-line.ts';
import { describeRedisFault } from './next-run-events.ts';
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
  readonly redisWait: number;
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
    .option(
      '--json',
      'print JSON lines only, each an object with a type: the reply, the engine events, refusals, waits and errors',
      false,
    )
    .addOption(
      new Option('--redis-wait <seconds>', 'follow the run again when Redis is back within this long, else exit 1')
        .argParser(seconds)
        .default(60),
    )
    .option('--sites <dir>', 'the directory of site files (default: OPSGATE_SITES)')
    .action(async (line: string, opts: RunOptions) => {
      const code = await runCommand(line, opts);
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

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const errOut = (line: string): void => void process.stderr.write(`${line}\n`);

async function runCommand(line: string, opts: RunOptions): Promise<number> {
  // With --json every outcome is a JSON line on stdout (stderr carries only logs); else a line on stderr.
  const fail = (code: number, message: string): number => {
    if (opts.json) out(JSON.stringify({ type: 'error', exitCode: code, message }));
    else errOut(`opsgate run: ${message}`);
    return code;
  };
  for (const user of [opts.as, ...opts.approveAs]) {
    if (!USER_ID_PATTERN.test(user)) return fail(EXIT.usage, `"${user}" is not a Slack user id (like UOPERATOR)`);
  }
  const setup = await loadAppSetup(opts.sites === undefined ? {} : { sitesDir: opts.sites });
  if (!setup.ok) return fail(EXIT.usage, setup.error);
  const { sites, config } = setup.value;
  const parsed = parseCommand(line, { sites: sites.list() });
  if (!parsed.ok) return fail(EXIT.usage, parsed.error.message);
  const cmd = parsed.value;
  const log = createLogger(setup.value.env.LOG_LEVEL === undefined ? 'warn' : config.LOG_LEVEL);
  let runtime;
  try {
    runtime = await openRuntime({ ...setup.value, log });
  } catch (e) {
    return fail(EXIT.failed, describeError(e));
  }
  const rt = runtime;
  const say = (l: string): void => errOut(`opsgate run: ${l}`);
  const deadlineMs = config.OPSGATE_SHUTDOWN_GRACE_MS + HARD_EXIT_AFTER_GRACE_MS;
  const unhook = closeOnSignals(() => rt.close(), { deadlineMs, say });
  let code: number = EXIT.failed;
  try {
    code = await runLine(rt, cmd, line, {
      ...opts,
      redisWaitMs: opts.redisWait * 1000,
      artefactsDir: join(config.OPSGATE_STATE_DIR, 'artefacts'),
      out,
      err: errOut,
    });
    return code;
  } catch (e) {
    // Name where Redis is: a bare "Connection is closed." does not say what was lost.
    const lost = describeRedisFault(e);
    return fail(EXIT.failed, /connection|ECONN|ETIMEDOUT|EPIPE/i.test(lost) ? `${rt.redisWhere}: ${lost}` : lost);
  } finally {
    unhook();
    await rt.close();
    exitIfLingering(code, say);
  }
}

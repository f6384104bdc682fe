import { join } from 'node:path';
import type { OnFailure } from './drive-run.ts';
import { loadAppSetup } from '../app-setup.ts';
import { closeOnSignals, exitIfLingering, HARD_EXIT_AFTER_GRACE_MS } from '../close-on-signals.ts';
import { runLine } from './run-line.ts';
import { describeRedisFault } from './next-run-events.ts';
import { EXIT } from './cli-exit.ts';
import { USER_ID_PATTERN } from '../../commands/identifiers.ts';
import { parseCommand } from '../../commands/parse-command.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { createLogger, openRuntime } from '../main.ts';

/** The options of `opsgate run`, as commander parses them. */
export interface RunOptions {
  readonly as: string;
  readonly approveAs: string[];
  readonly reject: boolean;
  readonly rejectAt?: string;
  readonly onFailure: OnFailure;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly redisWait: number;
  readonly sites?: string;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const errOut = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs one chat command to completion in this process (`opsgate run`) and returns the exit code; kept apart from
 * the command's declaration so that only running it loads the runtime.
 */
export async function runOneCommand(line: string, opts: RunOptions): Promise<number> {
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
      terminal: process.stdout,
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

import type { PrecheckCommand, UpgradeCommand } from '../../commands/command.ts';
import { err, ok, type Result } from '../result.ts';

/**
 * Which runbook a chat command runs. Keys name the command as people type it without the site: `precheck`,
 * `precheck ob`, `upgrade redis`, `upgrade csb-redis`, `upgrade kafka`, `upgrade fastdfs`, `upgrade paas`, `upgrade ob`.
 */
export type CommandRunbooks = Readonly<Record<string, string>>;

/** The runbook ids the Xizang and OceanBase runbooks register under. */
export const DEFAULT_COMMAND_RUNBOOKS: CommandRunbooks = {
  precheck: 'precheck',
  'precheck ob': 'ob-precheck',
  'upgrade redis': 'upgrade-redis',
  'upgrade csb-redis': 'upgrade-csb-redis',
  'upgrade kafka': 'upgrade-kafka',
  'upgrade fastdfs': 'upgrade-fastdfs',
  'upgrade paas': 'upgrade-paas',
  'upgrade ob': 'ob-upgrade',
};

/** The key of a command in a `CommandRunbooks` table. */
export function commandKey(cmd: PrecheckCommand | UpgradeCommand): string {
  if (cmd.name === 'precheck') return cmd.cluster === undefined ? 'precheck' : 'precheck ob';
  return `upgrade ${cmd.phase}`;
}

/** A runbook and the arguments a command gives it. */
export interface RunbookCall {
  readonly runbook: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** The runbook and arguments of a command; an error message when the table has no runbook for it. */
export function runbookFor(table: CommandRunbooks, cmd: PrecheckCommand | UpgradeCommand): Result<RunbookCall, string> {
  const key = commandKey(cmd);
  const runbook = table[key];
  if (runbook === undefined) return err(`no runbook is configured for "${key}"`);
  if (cmd.name === 'precheck') return ok({ runbook, args: cmd.cluster === undefined ? {} : { cluster: cmd.cluster } });
  return ok({ runbook, args: cmd.phase === 'ob' ? { cluster: cmd.cluster, toVersion: cmd.toVersion } : {} });
}

/**
 * Parses overrides written as `key=runbook` pairs separated by commas or semicolons
 * (`upgrade redis=lab-move-dir`), e.g. to bind a command to a lab runbook. Names what is wrong and where.
 */
export function parseCommandRunbooks(
  text: string,
  base: CommandRunbooks = DEFAULT_COMMAND_RUNBOOKS,
): Result<CommandRunbooks, string> {
  const table: Record<string, string> = { ...base };
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const [i, part] of parts.entries()) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim().replace(/\s+/g, ' ');
    const runbook = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(key in DEFAULT_COMMAND_RUNBOOKS)) {
      return err(
        `entry ${i + 1} ("${part}"): the command must be one of ${Object.keys(DEFAULT_COMMAND_RUNBOOKS).join(', ')}`,
      );
    }
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(runbook))
      return err(`entry ${i + 1} ("${part}"): "${runbook}" is not a runbook id`);
    table[key] = runbook;
  }
  return ok(table);
}

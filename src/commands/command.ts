/**
 * The typed commands of opsgate's chat grammar, shared by Slack, the console and the CLI. A `Command` is
 * only ever built by `parseCommand`, so every field in it has already been validated.
 */

/** Upgrade phases, in the order a site is usually upgraded. */
export const PHASES = ['redis', 'csb-redis', 'kafka', 'fastdfs', 'paas', 'ob'] as const;
/** One upgrade phase. */
export type Phase = (typeof PHASES)[number];

/** Commands registered as Slack slash commands (see manifest.yml). */
export const SLASH_COMMANDS = ['precheck', 'upgrade', 'rollback', 'runs', 'audit', 'show'] as const;
/** Commands only the console understands. */
export const CONSOLE_COMMANDS = ['as'] as const;

/** Names of the commands, without the slash. */
export type SlashCommandName = (typeof SLASH_COMMANDS)[number];
export type CommandName = SlashCommandName | (typeof CONSOLE_COMMANDS)[number];

/** One usage line per command, shown in errors and help. */
export const USAGE: Readonly<Record<CommandName, string>> = {
  precheck: '/precheck <site> [ob <cluster>]',
  upgrade:
    '/upgrade <site> <redis|csb-redis|kafka|fastdfs|paas> [--dry-run]  or  /upgrade <site> ob <cluster> --to <version> [--dry-run]',
  rollback: '/rollback <run>',
  runs: '/runs [site]',
  audit: '/audit <run>',
  show: '/show <run> [step]',
  as: '/as <USER>',
};

/** `/precheck <site> [ob <cluster>]`. */
export interface PrecheckCommand {
  readonly name: 'precheck';
  readonly site: string;
  /** An OceanBase cluster of the site: precheck that cluster instead of the site's middleware. */
  readonly cluster?: string;
}

/** `/upgrade …`: the ob phase carries its cluster and target version, the others neither. */
export type UpgradeCommand =
  | { readonly name: 'upgrade'; readonly site: string; readonly phase: Exclude<Phase, 'ob'>; readonly dryRun: boolean }
  | {
      readonly name: 'upgrade';
      readonly site: string;
      readonly phase: 'ob';
      readonly cluster: string;
      readonly toVersion: string;
      readonly dryRun: boolean;
    };

/** `/rollback <run>`. */
export interface RollbackCommand {
  readonly name: 'rollback';
  readonly runId: string;
}

/** `/runs [site]`. */
export interface RunsCommand {
  readonly name: 'runs';
  readonly site?: string;
}

/** `/audit <run>`. */
export interface AuditCommand {
  readonly name: 'audit';
  readonly runId: string;
}

/** `/show <run> [step]`: everything a run (or one of its steps) recorded, shown only to the person who asked. */
export interface ShowCommand {
  readonly name: 'show';
  readonly runId: string;
  readonly stepId?: string;
}

/** Console only: act as another Slack user from now on. */
export interface AsCommand {
  readonly name: 'as';
  readonly user: string;
}

/** Every command the grammar produces. */
export type Command =
  PrecheckCommand | UpgradeCommand | RollbackCommand | RunsCommand | AuditCommand | ShowCommand | AsCommand;

/** Why a command line was refused; `message` is fit to show to the person who typed it. */
export interface CommandParseError {
  readonly code:
    | 'EMPTY'
    | 'TOO_LONG'
    | 'CONTROL_CHARACTER'
    | 'UNKNOWN_COMMAND'
    | 'BAD_ARGUMENTS'
    | 'UNKNOWN_SITE'
    | 'UNKNOWN_PHASE'
    | 'UNKNOWN_CLUSTER'
    | 'INVALID_VALUE';
  readonly message: string;
}

import { err, ok, type Result } from '../core/result.ts';
import {
  CONSOLE_COMMANDS,
  PHASES,
  SLASH_COMMANDS,
  USAGE,
  type Command,
  type CommandName,
  type CommandParseError,
  type Phase,
} from './command.ts';
import {
  CLUSTER_ID_PATTERN,
  DEFAULT_RUN_ID_PATTERN,
  SITE_ID_PATTERN,
  STEP_ID_PATTERN,
  USER_ID_PATTERN,
  VERSION_PATTERN,
  wholeMatch,
} from './identifiers.ts';
import { tokenize } from './tokenize.ts';
import type { Site } from '../core/sites/site.ts';

/** What the grammar needs of a site: its name and OceanBase clusters. */
export type GrammarSite = Pick<Site, 'name' | 'obClusters'>;

/** What the grammar is checked against. */
export interface ParseOptions {
  /** The sites this bot serves: an unknown site is refused with the list of valid ones. */
  readonly sites: readonly GrammarSite[];
  /** The engine's run id format (default `run_` + 16 hex digits). */
  readonly runIdPattern?: RegExp;
  /** Accept the console-only commands (`/as`). */
  readonly console?: boolean;
}

type Parsed = Result<Command, CommandParseError>;

const bad = (name: CommandName, why: string): Parsed =>
  err({ code: 'BAD_ARGUMENTS', message: `${why}. Usage: ${USAGE[name]}` });
const show = (token: string): string => JSON.stringify(token);

/**
 * Parses one command line (`/upgrade xizang redis --dry-run`) into a typed command. The leading slash is
 * optional. Never evaluates anything; every value is checked against a strict pattern and, for sites,
 * phases and clusters, against the valid ones, which the error lists.
 */
export function parseCommand(line: string, opts: ParseOptions): Parsed {
  const tokens = tokenize(line);
  if (!tokens.ok) return tokens;
  const [head = '', ...args] = tokens.value;
  const name = head.startsWith('/') ? head.slice(1) : head;
  const known: readonly string[] = opts.console ? [...SLASH_COMMANDS, ...CONSOLE_COMMANDS] : SLASH_COMMANDS;
  if (!known.includes(name)) {
    return err({
      code: 'UNKNOWN_COMMAND',
      message: `Unknown command ${show(head)}. Valid commands: ${known.map((c) => `/${c}`).join(', ')}.`,
    });
  }
  const p = new Parser(opts);
  switch (name as CommandName) {
    case 'precheck':
      return p.precheck(args);
    case 'upgrade':
      return p.upgrade(args);
    case 'rollback':
    case 'audit':
      return p.runCommand(name as 'rollback' | 'audit', args);
    case 'runs':
      return p.runs(args);
    case 'show':
      return p.show(args);
    case 'as':
      return p.as(args);
  }
}

class Parser {
  constructor(private readonly opts: ParseOptions) {}

  precheck(args: readonly string[]): Parsed {
    const [siteArg, ob, clusterArg, ...rest] = args;
    if (siteArg === undefined) return bad('precheck', 'Which site?');
    const site = this.site(siteArg);
    if (!site.ok) return site;
    if (ob === undefined) return ok({ name: 'precheck', site: site.value.name });
    if (ob !== 'ob' || clusterArg === undefined || rest.length > 0)
      return bad('precheck', `Unexpected ${show(ob)} after the site`);
    const cluster = this.cluster(site.value, clusterArg);
    if (!cluster.ok) return cluster;
    return ok({ name: 'precheck', site: site.value.name, cluster: cluster.value });
  }

  upgrade(args: readonly string[]): Parsed {
    const flags = this.flags(args);
    if (!flags.ok) return flags;
    const { dryRun, to, positional } = flags.value;
    const [siteArg, phaseArg, clusterArg, ...rest] = positional;
    if (siteArg === undefined) return bad('upgrade', 'Which site?');
    const site = this.site(siteArg);
    if (!site.ok) return site;
    if (phaseArg === undefined)
      return err({
        code: 'UNKNOWN_PHASE',
        message: `Which phase? Valid phases: ${PHASES.join(', ')}. Usage: ${USAGE.upgrade}`,
      });
    if (!(PHASES as readonly string[]).includes(phaseArg)) {
      return err({
        code: 'UNKNOWN_PHASE',
        message: `Unknown phase ${show(phaseArg)}. Valid phases: ${PHASES.join(', ')}.`,
      });
    }
    const phase = phaseArg as Phase;
    if (rest.length > 0) return bad('upgrade', `Unexpected ${show(rest[0] ?? '')}`);
    if (phase !== 'ob') {
      if (clusterArg !== undefined || to !== undefined)
        return bad('upgrade', `Only the ob phase takes a cluster and --to`);
      return ok({ name: 'upgrade', site: site.value.name, phase, dryRun });
    }
    if (clusterArg === undefined) return bad('upgrade', 'The ob phase needs a cluster');
    const cluster = this.cluster(site.value, clusterArg);
    if (!cluster.ok) return cluster;
    if (to === undefined) return bad('upgrade', 'The ob phase needs the target version (--to <version>)');
    if (!VERSION_PATTERN.test(to)) {
      return err({
        code: 'INVALID_VALUE',
        message: `${show(to)} is not a version; write it like 4.3.5.5 or 4.2.1_BP10.`,
      });
    }
    return ok({ name: 'upgrade', site: site.value.name, phase, cluster: cluster.value, toVersion: to, dryRun });
  }

  runCommand(name: 'rollback' | 'audit', args: readonly string[]): Parsed {
    if (args.length !== 1 || args[0] === undefined) return bad(name, 'Give exactly one run id');
    const runId = this.runId(args[0]);
    return runId.ok ? ok({ name, runId: runId.value }) : runId;
  }

  show(args: readonly string[]): Parsed {
    const [runArg, stepId, ...rest] = args;
    if (runArg === undefined || rest.length > 0) return bad('show', 'Give a run id and at most one step id');
    const runId = this.runId(runArg);
    if (!runId.ok) return runId;
    if (stepId === undefined) return ok({ name: 'show', runId: runId.value });
    if (!STEP_ID_PATTERN.test(stepId))
      return err({ code: 'INVALID_VALUE', message: `${show(stepId)} is not a step id (like r01 or ob-precheck).` });
    return ok({ name: 'show', runId: runId.value, stepId });
  }

  private runId(arg: string): Result<string, CommandParseError> {
    if (wholeMatch(this.opts.runIdPattern ?? DEFAULT_RUN_ID_PATTERN, arg)) return ok(arg);
    return err({
      code: 'INVALID_VALUE',
      message: `${show(arg)} is not a run id (see /runs for the ids of recent runs).`,
    });
  }

  runs(args: readonly string[]): Parsed {
    if (args.length > 1) return bad('runs', 'Give at most one site');
    if (args[0] === undefined) return ok({ name: 'runs' });
    const site = this.site(args[0]);
    return site.ok ? ok({ name: 'runs', site: site.value.name }) : site;
  }

  as(args: readonly string[]): Parsed {
    const user = args[0];
    if (args.length !== 1 || user === undefined) return bad('as', 'Give exactly one Slack user id');
    if (!USER_ID_PATTERN.test(user))
      return err({ code: 'INVALID_VALUE', message: `${show(user)} is not a Slack user id (like UAPPROVER1).` });
    return ok({ name: 'as', user });
  }

  private site(arg: string): Result<GrammarSite, CommandParseError> {
    const found = SITE_ID_PATTERN.test(arg) ? this.opts.sites.find((s) => s.name === arg) : undefined;
    if (found) return ok(found);
    const valid = this.opts.sites.map((s) => s.name).sort();
    return err({
      code: 'UNKNOWN_SITE',
      message: `Unknown site ${show(arg)}. Valid sites: ${valid.length > 0 ? valid.join(', ') : '(none configured)'}.`,
    });
  }

  private cluster(site: GrammarSite, arg: string): Result<string, CommandParseError> {
    const listed = site.obClusters;
    if (CLUSTER_ID_PATTERN.test(arg) && (listed === undefined || listed.includes(arg))) return ok(arg);
    const valid =
      listed === undefined
        ? 'ids of lowercase letters, digits and dashes'
        : listed.length > 0
          ? listed.join(', ')
          : '(none)';
    return err({
      code: 'UNKNOWN_CLUSTER',
      message: `Unknown OceanBase cluster ${show(arg)} for site ${site.name}. Valid clusters: ${valid}.`,
    });
  }

  /** Separates `--dry-run` and `--to <version>` (anywhere after the command, each at most once) from the words. */
  private flags(
    args: readonly string[],
  ): Result<{ dryRun: boolean; to?: string; positional: string[] }, CommandParseError> {
    let dryRun = false;
    let to: string | undefined;
    const positional: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] ?? '';
      if (!a.startsWith('--')) {
        positional.push(a);
        continue;
      }
      if (a === '--dry-run' && !dryRun) dryRun = true;
      else if (a === '--to' && to === undefined) {
        const v = args[i + 1];
        if (v === undefined || v.startsWith('--'))
          return err({ code: 'BAD_ARGUMENTS', message: `--to needs a version. Usage: ${USAGE.upgrade}` });
        to = v;
        i++;
      } else {
        return err({
          code: 'BAD_ARGUMENTS',
          message: `Unknown or repeated option ${show(a)}; valid options: --dry-run, --to <version>. Usage: ${USAGE.upgrade}`,
        });
      }
    }
    return ok(to === undefined ? { dryRun, positional } : { dryRun, to, positional });
  }
}

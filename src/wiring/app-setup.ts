import { formatConfigProblems, parseConfig, readEnv, type Config } from './config.ts';
import type { Env } from '../core/sites/secret-ref.ts';
import { err, ok, type Result } from '../core/result.ts';
import { loadAppSites, SitesInvalidError } from './app-sites.ts';
import { parseCommandRunbooks, type CommandRunbooks } from '../core/engine/command-runbooks.ts';
import type { SiteDirectory } from '../core/sites/site.ts';

/** What every entry point reads before it connects anything: configuration, site files, runbook table. */
export interface AppSetup {
  readonly env: Env;
  readonly config: Config;
  readonly sites: SiteDirectory;
  readonly runbooks: CommandRunbooks;
}

/**
 * Reads the configuration, the command-to-runbook table and the site files (from `sitesDir` or
 * `OPSGATE_SITES`). Every problem is a message for the person who started opsgate: bad usage, nothing opened.
 */
export async function loadAppSetup(
  opts: { readonly sitesDir?: string; readonly env?: Env } = {},
): Promise<Result<AppSetup, string>> {
  const env = opts.env ?? readEnv();
  const parsed = parseConfig(env);
  if (!parsed.ok) return err(formatConfigProblems(parsed.error));
  const config = parsed.value;
  const runbooks = parseCommandRunbooks(config.OPSGATE_COMMAND_RUNBOOKS ?? '');
  if (!runbooks.ok) return err(`bad OPSGATE_COMMAND_RUNBOOKS: ${runbooks.error}`);
  try {
    const sites = await loadAppSites(opts.sitesDir ?? config.OPSGATE_SITES, env);
    return ok({ env, config, sites, runbooks: runbooks.value });
  } catch (e) {
    if (e instanceof SitesInvalidError) return err(e.message);
    throw e;
  }
}

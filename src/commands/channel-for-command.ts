import type { Command } from './command.ts';
import type { Site } from '../core/sites/site.ts';
import { assertNever, err, ok, type Result } from '../core/result.ts';

/**
 * The channel a console or CLI command counts as typed in: the console has no channels, so a command acts in
 * the channel of the site it names (or of its run's site). `/runs` without a site needs exactly one site.
 */
export async function channelForCommand(
  cmd: Command,
  sites: readonly Site[],
  siteOfRun: (runId: string) => Promise<string | undefined>,
): Promise<Result<string, string>> {
  let site: string | undefined;
  switch (cmd.name) {
    case 'precheck':
    case 'upgrade':
      site = cmd.site;
      break;
    case 'runs':
      site = cmd.site ?? (sites.length === 1 ? sites[0]?.name : undefined);
      if (site === undefined) return err(`Name a site: /runs <site> (sites: ${sites.map((s) => s.name).join(', ')}).`);
      break;
    case 'rollback':
    case 'audit':
    case 'show':
      site = await siteOfRun(cmd.runId);
      if (site === undefined) return err(`There is no run ${cmd.runId} (see /runs for recent runs).`);
      break;
    case 'as':
      return ok('');
    default:
      return assertNever(cmd, 'command');
  }
  const channel = sites.find((s) => s.name === site)?.channel;
  return channel === undefined ? err(`Unknown site "${site}".`) : ok(channel);
}

import type { RunsCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { refused, requireSiteChannel, sitesOfChannel } from './require-site-channel.ts';

/** `/runs [site]`: active and recent runs of the named site, or of the sites served by this channel. */
export async function handleRuns(deps: CommandDeps, ctx: CommandContext, cmd: RunsCommand): Promise<CommandReply> {
  let sites: readonly string[];
  if (cmd.site !== undefined) {
    const site = requireSiteChannel(deps.sites, cmd.site, ctx.channel);
    if (!site.ok) return site.error;
    sites = [site.value.name];
  } else {
    sites = sitesOfChannel(deps.sites, ctx.channel).map((s) => s.name);
    if (sites.length === 0) {
      return refused(
        `This channel belongs to no site; run /runs in a site's channel (sites: ${deps.sites.map((s) => s.name).join(', ') || 'none'}).`,
      );
    }
  }
  const runs = await deps.engine.listRuns({ sites });
  return { kind: 'runs', runs, sites };
}

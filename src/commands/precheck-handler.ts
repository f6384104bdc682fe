import type { PrecheckCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { runRequest } from './run-request.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';

/**
 * `/precheck <site> [ob <cluster>]`: asks the engine for a precheck run of the site (or of one cluster); a
 * precheck changes nothing, so it goes on where an upgrade would be refused, with the engine's warning.
 */
export async function handlePrecheck(
  deps: CommandDeps,
  ctx: CommandContext,
  cmd: PrecheckCommand,
): Promise<CommandReply> {
  const site = requireSiteChannel(deps.sites, cmd.site, ctx.channel);
  if (!site.ok) return site.error;
  const req = await runRequest(deps, ctx, site.value, cmd);
  if (!req.ok) return req.error;
  const res = await deps.engine.requestRun(req.value);
  if (!res.ok) return refused(res.error.message);
  const what = cmd.cluster === undefined ? `site ${cmd.site}` : `OceanBase cluster ${cmd.cluster} of ${cmd.site}`;
  return {
    kind: 'accepted',
    text: `Precheck of ${what} requested as run ${res.value.runId}; follow it in the thread.`,
    runId: res.value.runId,
    ...(res.value.warning === undefined ? {} : { warning: res.value.warning }),
  };
}

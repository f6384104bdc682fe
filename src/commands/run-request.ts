import { err, ok, type Result } from '../core/result.ts';
import type { PrecheckCommand, UpgradeCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply, RunRequest } from '../core/ports/chat-engine.ts';
import type { Site } from '../core/sites/site.ts';
import { refused } from './require-site-channel.ts';

/**
 * The request for a run: who asks, from where, and the requester's groups among the site's starter groups,
 * so that a policy naming a group of starters works from chat. When groups cannot be resolved the request
 * is refused (fail closed) rather than sent without them.
 */
export async function runRequest(
  deps: CommandDeps,
  ctx: CommandContext,
  site: Site,
  command: PrecheckCommand | UpgradeCommand,
): Promise<Result<RunRequest, CommandReply>> {
  const base = { command, requester: ctx.user, channel: ctx.channel };
  const candidates = site.starters.groups;
  if (deps.groupsOf === undefined || candidates.length === 0) return ok(base);
  try {
    return ok({ ...base, requesterGroups: await deps.groupsOf(ctx.user, candidates) });
  } catch {
    return err(
      refused(
        'opsgate could not check your user groups with Slack just now, so nothing was started; try again in a minute.',
      ),
    );
  }
}

import type { UpgradeCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { runRequest } from './run-request.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';

/** Human title of an upgrade command, e.g. `upgrade ob cluster1 to 4.3.5.5`. */
export function upgradeTitle(cmd: UpgradeCommand): string {
  return cmd.phase === 'ob' ? `upgrade ob ${cmd.cluster} to ${cmd.toVersion}` : `upgrade ${cmd.phase}`;
}

/**
 * `/upgrade <site> <phase> … [--dry-run]`: requests the run, or with `--dry-run` only fetches the plan (every
 * command per host) for the adapter to post in the site's channel, with the engine's warning when there is one
 * (a run store that may lose runs refuses the upgrade but not its dry run).
 */
export async function handleUpgrade(
  deps: CommandDeps,
  ctx: CommandContext,
  cmd: UpgradeCommand,
): Promise<CommandReply> {
  const site = requireSiteChannel(deps.sites, cmd.site, ctx.channel);
  if (!site.ok) return site.error;
  const built = await runRequest(deps, ctx, site.value, cmd);
  if (!built.ok) return built.error;
  const req = built.value;
  if (cmd.dryRun) {
    const plan = await deps.engine.dryRunPlan(req);
    if (!plan.ok) return refused(plan.error.message);
    return {
      kind: 'plan',
      site: cmd.site,
      channel: site.value.channel,
      title: `Dry run: ${upgradeTitle(cmd)} at ${cmd.site}`,
      text: plan.value.text,
      ...(plan.value.warning === undefined ? {} : { warning: plan.value.warning }),
    };
  }
  const res = await deps.engine.requestRun(req);
  if (!res.ok) return refused(res.error.message);
  return {
    kind: 'accepted',
    text: `${upgradeTitle(cmd)} at ${cmd.site} requested as run ${res.value.runId}; follow it in the thread.`,
    runId: res.value.runId,
    ...(res.value.warning === undefined ? {} : { warning: res.value.warning }),
  };
}

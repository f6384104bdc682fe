import type { RollbackCommand } from './command.ts';
import { checkDecider } from './check-decider.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';

/**
 * `/rollback <run>`: asks the engine to roll back a run of this channel's site (an approval gate follows). A run
 * paused at a failure, interruption or other gate offering Roll back is answered through that gate, with the
 * same checks as a click on it: the account is vetted and the groups resolved (`checkDecider`) before the
 * engine is asked, whichever way the rollback goes.
 */
export async function handleRollback(
  deps: CommandDeps,
  ctx: CommandContext,
  cmd: RollbackCommand,
): Promise<CommandReply> {
  const run = await deps.engine.getRun(cmd.runId);
  if (run === undefined) return refused(`There is no run ${cmd.runId} (see /runs for recent runs).`);
  const site = requireSiteChannel(deps.sites, run.site, ctx.channel);
  if (!site.ok) return site.error;
  // Fail closed: the rollback may answer a gate, and without the account and group facts we cannot tell
  // whether the person may.
  const decider = await checkDecider(deps, ctx.user, site.value.policy.approverGroups);
  if (!decider.ok) {
    return refused(
      decider.error.kind === 'refused'
        ? `${decider.error.reason} Nothing was rolled back.`
        : 'opsgate could not check your account and user groups with Slack just now, so nothing was rolled back; try again in a minute.',
    );
  }
  const res = await deps.engine.requestRollback({
    runId: cmd.runId,
    requester: ctx.user,
    channel: ctx.channel,
    requesterGroups: decider.value,
  });
  if (!res.ok) return refused(res.error.message);
  const via = res.value.viaGate;
  if (via !== undefined) {
    return {
      kind: 'accepted',
      text: `Roll back chosen at the ${via.gate.kind} gate of step ${via.gate.stepId} of run ${cmd.runId}; the rollback's own approvals follow in the run's thread.`,
      runId: res.value.runId,
    };
  }
  return {
    kind: 'accepted',
    text: `Rollback of run ${cmd.runId} requested; it waits for an approval in the run's thread.`,
    runId: res.value.runId,
  };
}

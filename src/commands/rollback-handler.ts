import type { RollbackCommand } from './command.ts';
import { checkDecider } from './check-decider.ts';
import type { CommandContext, CommandDeps, CommandReply, RollbackAccepted } from '../core/ports/chat-engine.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';

/**
 * `/rollback <run>`: asks the engine to roll back a run of this channel's site (each destructive rollback step
 * waits for an approval). A run paused at a failure, interruption or other gate offering Roll back is answered
 * through that gate, with the same checks as a click on it: the account is vetted and the groups resolved
 * (`checkDecider`) before the engine is asked, whichever way the rollback goes. A run that needs no undoing is
 * said to plainly, with no word of an approval: nothing runs and no gate opens.
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
  const r = res.value;
  // The CLI follows a run it is given to its end: not one that this left as it was.
  const follow = r.nothingToUndo === undefined || r.ended === true;
  return { kind: 'accepted', text: rollbackText(r, run.site), ...(follow ? { runId: r.runId } : {}) };
}

/** What the person is told, in plain words: what is undone and what waits for whom, or that nothing needs undoing. */
function rollbackText(r: RollbackAccepted, site: string): string {
  const gate = r.viaGate?.gate;
  const at = gate === undefined ? '' : `the ${gate.kind} gate of step ${gate.stepId}`;
  if (r.nothingToUndo !== undefined) {
    if (r.ended !== true)
      return gate === undefined ? `${r.nothingToUndo}.` : `${r.nothingToUndo}. Roll back chosen at ${at}.`;
    const how = gate === undefined ? `Run ${r.runId} is closed` : `Roll back chosen at ${at}: run ${r.runId} ends`;
    return `${r.nothingToUndo}. ${how} without running anything, and site ${site} is free for the next run.`;
  }
  const undoes = r.undoes.length === 0 ? '' : ` it undoes ${r.undoes.join(', ')} (latest first);`;
  const lead =
    gate === undefined ? `Rollback of run ${r.runId} requested:` : `Roll back chosen at ${at} of run ${r.runId}:`;
  return `${lead}${undoes} each destructive rollback step waits for an approval in the run's thread.`;
}

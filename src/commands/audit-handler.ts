import type { AuditCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';

/** `/audit <run>`: fetches the run's audit export for the adapter to upload into the run's thread. */
export async function handleAudit(deps: CommandDeps, ctx: CommandContext, cmd: AuditCommand): Promise<CommandReply> {
  const run = await deps.engine.getRun(cmd.runId);
  if (run === undefined) return refused(`There is no run ${cmd.runId} (see /runs for recent runs).`);
  const site = requireSiteChannel(deps.sites, run.site, ctx.channel);
  if (!site.ok) return site.error;
  const exported = await deps.engine.exportAudit(cmd.runId);
  if (!exported.ok) return refused(exported.error.message);
  return { kind: 'audit', run, export: exported.value };
}

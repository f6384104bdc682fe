import type { ShowCommand } from './command.ts';
import type { CommandContext, CommandDeps, CommandReply } from '../core/ports/chat-engine.ts';
import { refused, requireSiteChannel } from './require-site-channel.ts';
import type { EngineEvent } from '../core/ports/events.ts';

/** The step an event is about, if any (a gate's is inside it). */
const stepOf = (e: EngineEvent): string | undefined =>
  e.type === 'gate.opened' ? e.gate.stepId : 'stepId' in e ? e.stepId : undefined;

/**
 * `/show <run> [step]`: the whole record of a run, or of one step, for the person who asked. Threads and the
 * console show a compact view (what needs attention); this is where every check that held and every output tail
 * can still be read. Only from the run's site channel, like every other command about a run.
 */
export async function handleShow(deps: CommandDeps, ctx: CommandContext, cmd: ShowCommand): Promise<CommandReply> {
  const run = await deps.engine.getRun(cmd.runId);
  if (run === undefined) return refused(`There is no run ${cmd.runId} (see /runs for recent runs).`);
  const site = requireSiteChannel(deps.sites, run.site, ctx.channel);
  if (!site.ok) return site.error;
  if (deps.engine.runEvents === undefined) return refused('The record of runs cannot be read from here.');
  const events = await deps.engine.runEvents(cmd.runId);
  if (!events.ok) return refused(events.error.message);
  // A long wait's progress is not part of the record (it is never audited either).
  const record = events.value.filter((e) => e.type !== 'step.progress');
  if (cmd.stepId === undefined) return { kind: 'show', run, events: record };
  const stepId = cmd.stepId;
  const ofStep = record.filter((e) => stepOf(e) === stepId);
  if (ofStep.length === 0) {
    const steps = [...new Set(record.flatMap((e) => stepOf(e) ?? []))];
    return refused(
      `Run ${cmd.runId} has no record of a step ${stepId}${steps.length > 0 ? ` (steps with a record: ${steps.join(', ')})` : ''}.`,
    );
  }
  return { kind: 'show', run, stepId, events: ofStep };
}

import type { CommandReply } from '../../core/ports/chat-engine.ts';
import { isActiveRunState, type RunSummary } from '../../core/ports/views.ts';
import { assertNever } from '../../core/result.ts';
import { clean, renderEvent } from './render-event.ts';
import { cleanCommand } from './clean.ts';

/** A warning beside a confirmation or a plan, on a line of its own. */
const warned = (warning: string | undefined): string[] => (warning === undefined ? [] : [`⚠ ${clean(warning)}`]);

/** One run of `/runs`, and under an active one what it waits for. */
function runLines(r: RunSummary): string[] {
  const line = `${r.id}  ${clean(r.site)}  ${r.state.padEnd(11)} ${new Date(r.startedAt).toISOString()}  by ${clean(r.requester)}  ${clean(r.title)}`;
  return r.awaiting === undefined ? [line] : [line, `    ↳ ${clean(r.awaiting)}`];
}

/**
 * A handler's reply as terminal lines: confirmations with ✔, refusals with ✘, warnings with ⚠, plans as text,
 * `/runs` as the active runs (each holding its site's lock, with what it waits for) then the recent ones.
 */
export function renderReply(reply: CommandReply): string[] {
  switch (reply.kind) {
    case 'accepted':
      return [`✔ ${clean(reply.text)}`, ...warned(reply.warning)];
    case 'refused':
      return [`✘ ${clean(reply.text)}`];
    case 'plan':
      return [
        clean(reply.title),
        ...warned(reply.warning),
        ...reply.text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `  ${cleanCommand(l)}`),
      ];
    case 'runs': {
      if (reply.runs.length === 0) return [`no runs at ${reply.sites.join(', ')}`];
      const active = reply.runs.filter((r) => isActiveRunState(r.state));
      const recent = reply.runs.filter((r) => !isActiveRunState(r.state));
      return [
        `active (${active.length}):`,
        ...(active.length === 0 ? ['  none'] : active.flatMap(runLines)),
        `recent (${recent.length}):`,
        ...(recent.length === 0 ? ['  none'] : recent.flatMap(runLines)),
      ];
    }
    case 'audit':
      return [
        `audit of ${reply.run.id} (${reply.export.filename}):`,
        ...reply.export.content.replace(/\n$/, '').split('\n'),
      ];
    case 'show':
      return [
        `record of ${reply.run.id}${reply.stepId === undefined ? '' : ` step ${reply.stepId}`} (${clean(reply.run.site)}): ${clean(reply.run.title)}, ${reply.run.state}, requested by ${clean(reply.run.requester)}`,
        ...(reply.events.length === 0
          ? ['  no events of this run are left on its site stream; /audit has its record']
          : []),
        ...reply.events.flatMap((e) => renderEvent(e)),
      ];
    case 'switch-user':
      return [`now acting as ${reply.user}`];
    default:
      return assertNever(reply, 'command reply');
  }
}

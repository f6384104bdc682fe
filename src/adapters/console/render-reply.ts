import type { CommandReply } from '../../core/ports/chat-engine.ts';
import { assertNever } from '../../core/result.ts';
import { clean } from './render-event.ts';

/** A handler's reply as terminal lines: confirmations with ✔, refusals with ✘, plans and lists as text. */
export function renderReply(reply: CommandReply): string[] {
  switch (reply.kind) {
    case 'accepted':
      return [`✔ ${clean(reply.text)}`];
    case 'refused':
      return [`✘ ${clean(reply.text)}`];
    case 'plan':
      return [
        clean(reply.title),
        ...reply.text
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `  ${clean(l)}`),
      ];
    case 'runs':
      if (reply.runs.length === 0) return [`no runs at ${reply.sites.join(', ')}`];
      return reply.runs.map(
        (r) =>
          `${r.id}  ${clean(r.site)}  ${r.state.padEnd(11)} ${new Date(r.startedAt).toISOString()}  by ${clean(r.requester)}  ${clean(r.title)}`,
      );
    case 'audit':
      return [
        `audit of ${reply.run.id} (${reply.export.filename}):`,
        ...reply.export.content.replace(/\n$/, '').split('\n'),
      ];
    case 'switch-user':
      return [`now acting as ${reply.user}`];
    default:
      return assertNever(reply, 'command reply');
  }
}

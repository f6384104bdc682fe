import { whoMayAnswer } from '../../approvals/who-may-answer.ts';
import type { GateView } from '../../core/ports/views.ts';
import { inlineCode, mention } from './block-limits.ts';

/** Up to a few people or groups, the rest counted. */
function names(ids: readonly string[], show: (id: string) => string): string {
  const shown = ids.slice(0, 10).map(show).join(', ');
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
}

/**
 * Who may answer a pending gate, and how, in one line under its buttons: the approvers and approver groups of
 * its policy, and, under four eyes, that the requester must wait for another approver (a thread message is the
 * same for everyone, so it says so rather than hiding the buttons). Groups are named, not mentioned: a group
 * mention would notify all its members on every gate. Undefined for a view saved without them.
 */
export function answerersLine(gate: GateView): string | undefined {
  if (gate.answerers === undefined) return undefined;
  const who = whoMayAnswer({ requester: gate.requester, choices: gate.choices, policy: gate.answerers });
  const named = [
    ...(who.approvers.length > 0 ? [names(who.approvers, mention)] : []),
    ...(who.approverGroups.length > 0
      ? [`members of the group(s) ${names(who.approverGroups, (g) => inlineCode(g, 40))}`]
      : []),
  ];
  const requester = who.fourEyes
    ? ` · ${mention(gate.requester)} requested the run: another approver must answer (the requester may still reject or abort)`
    : '';
  const needs = who.approvalsNeeded > 1 ? ` · ${who.approvalsNeeded} approvals needed` : '';
  return `*Who may answer:* ${named.length > 0 ? named.join(' or ') : 'nobody is named in the site policy'}${requester}${needs} · answer with the buttons above`;
}

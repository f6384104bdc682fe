import { isNotStartedGate } from '../../approvals/choices-for-kind.ts';
import { whoMayAnswer } from '../../approvals/who-may-answer.ts';
import type { GateContext } from '../../core/ports/events.ts';
import type { Gate } from '../../core/ports/gates.ts';
import { clean, cleanCommand } from './clean.ts';
import { foldHosts } from '../../core/plan/host-set.ts';

/** How a gate is drawn for one person: its console number and who is looking. */
export interface GateLineOptions {
  /** The number a person types to answer this gate (console); without it no answer line is printed. */
  readonly gateNumber?: (gateId: string) => number | undefined;
  /** Who reads the console now: a requester under four eyes is told to wait for another approver. */
  readonly viewer?: string;
  /**
   * Most characters of a failure's reason (the compact view: the failed step's lines just above say it in full;
   * `/show` has everything). Without it the reason is shown whole.
   */
  readonly reasonMax?: number;
  /**
   * Most characters of a command (the compact view: a longer one is cut, pointing at `/show`). Without it every
   * command is shown whole: what an approver approves is exactly what they read.
   */
  readonly commandMax?: number;
}

const IND = '  ';

/** A reason cut to `max` characters, pointing at where the rest is. */
function shorten(reason: string, max: number | undefined, gate: Gate): string {
  if (max === undefined || reason.length <= max) return reason;
  return `${reason.slice(0, max)}… (/show ${gate.runId} ${gate.stepId} for all of it)`;
}

/** Up to `max` ids as a list, the rest counted. */
function list(ids: readonly string[], max = 8): string {
  const shown = ids.slice(0, max).map(clean).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}

/**
 * A gate as terminal lines, standing out from the steps around it: what it is about, why, what to do, the exact
 * commands per host, who may answer, and how the person reading may answer: `N choice` when they may, a note
 * that another approver must answer when they requested the run, or who may when they may not.
 */
export function gateLines(gate: Gate, ctx: GateContext, opts: GateLineOptions): string[] {
  const n = opts.gateNumber?.(gate.id);
  const tag = n === undefined ? '' : ` [${n}]`;
  const kind = isNotStartedGate(gate) ? 'not-started' : gate.kind;
  const lines = [
    `${IND}? gate${tag} ${kind} for step ${gate.stepId}: ${clean(ctx.stepTitle)} (plan ${gate.planHash.slice(0, 12)}, requested by ${clean(gate.requester)})`,
  ];
  if (ctx.reason !== undefined) lines.push(`${IND}${IND}why: ${shorten(clean(ctx.reason), opts.reasonMax, gate)}`);
  if (ctx.instructions !== undefined)
    lines.push(...ctx.instructions.split('\n').map((l) => `${IND}${IND}do: ${clean(l)}`));
  for (const [k, v] of Object.entries(ctx.parameters ?? {})) lines.push(`${IND}${IND}${clean(k)} = ${clean(v)}`);
  const command = (c: string): string => {
    const whole = cleanCommand(c);
    const max = opts.commandMax;
    if (max === undefined || whole.length <= max) return whole;
    return `${whole.slice(0, max)}… (${whole.length - max} more characters: /show ${gate.runId} ${gate.stepId} prints the whole command)`;
  };
  // Hosts that run the very same commands share their lines: a long script is printed once, not once per host.
  const groups = new Map<string, { hosts: string[]; commands: readonly string[] }>();
  for (const t of ctx.targets) {
    const key = JSON.stringify(t.commands);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { hosts: [t.host], commands: t.commands });
    else g.hosts.push(t.host);
  }
  for (const g of groups.values())
    for (const c of g.commands) lines.push(`${IND}${IND}${foldHosts(g.hosts.map(clean))}$ ${command(c)}`);
  const who = whoMayAnswer(gate, opts.viewer === undefined ? undefined : { user: opts.viewer });
  const named = [
    ...(who.approvers.length > 0 ? [list(who.approvers)] : []),
    ...(who.approverGroups.length > 0 ? [`members of ${list(who.approverGroups)}`] : []),
  ];
  const needs = who.approvalsNeeded > 1 ? `; ${who.approvalsNeeded} approvals needed` : '';
  const notRequester = who.fourEyes ? ` (not ${clean(gate.requester)}, who requested the run)` : '';
  lines.push(
    `${IND}${IND}may answer: ${named.length > 0 ? named.join(' or ') : 'nobody named'}${notRequester}${needs}`,
  );
  if (n === undefined) return lines;
  const actAs = who.approvers[0] === undefined ? '' : ` (/as ${clean(who.approvers[0])} to act as one)`;
  switch (who.viewer) {
    case 'requester':
      lines.push(`${IND}${IND}you requested this run: another approver must answer${actAs}`);
      break;
    case 'other':
      lines.push(`${IND}${IND}${clean(opts.viewer ?? '')} may not answer this gate${actAs}`);
      break;
    default:
      lines.push(`${IND}${IND}answer: ${who.offered.map((c) => `${n} ${c}`).join(' | ')}`);
  }
  return lines;
}

import { shortHash } from '../../commands/action-ref.ts';
import { isNotStartedGate } from '../../approvals/choices-for-kind.ts';
import { assertNever } from '../../core/result.ts';
import type { GateKind } from '../../core/plan/run-state.ts';
import type { GateTargetView, GateView } from '../../core/ports/views.ts';
import { LIMITS, codeBlock, inlineCode, mention, safeText, truncate, fallbackText } from './block-limits.ts';
import { context, section, type Block, type SlackMessage } from './blocks.ts';
import { blockId, fitBlocks, packLines } from './fit-blocks.ts';
import { CHOICE_PAST, formatTime } from './format.ts';
import { gateButtons } from './gate-buttons.ts';
import { answerersLine } from './answerers-line.ts';
import { foldHosts } from '../../core/plan/host-set.ts';

function kindTitle(kind: GateKind): string {
  switch (kind) {
    case 'approval':
      return ':lock: *Approval needed*';
    case 'rollback':
      return ':leftwards_arrow_with_hook: *Rollback needs approval*';
    case 'manual':
      return ':hand: *Manual step*';
    case 'failure':
      return ':x: *Step failed*: choose what happens next';
    case 'interrupted':
      return ':warning: *Step interrupted*: it may or may not have finished; check before choosing';
    default:
      return assertNever(kind, 'gate kind');
  }
}

/** The head of a gate: its kind's, or "not started" for an interrupted step that sent nothing. */
function titleOf(gate: GateView): string {
  if (isNotStartedGate(gate))
    return ':arrows_counterclockwise: *Step not started*: no command reached a host; it can be retried safely';
  return kindTitle(gate.kind);
}

/** Hosts that run the very same commands, in the order of their first host. */
interface TargetGroup {
  readonly hosts: string[];
  readonly commands: readonly string[];
}

function groupTargets(targets: readonly GateTargetView[]): TargetGroup[] {
  const groups = new Map<string, TargetGroup>();
  for (const t of targets) {
    const key = JSON.stringify(t.commands);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { hosts: [t.host], commands: t.commands });
    else g.hosts.push(t.host);
  }
  return [...groups.values()];
}

/** One block per set of hosts running the same commands: the hosts folded into ranges, then the commands. */
function targetBlock(g: TargetGroup): Block {
  // Bound the work before escaping: only what can be shown is joined.
  const cmds =
    g.commands.length === 0
      ? '(no command)'
      : g.commands
          .slice(0, 60)
          .map((c) => c.slice(0, LIMITS.sectionText))
          .join('\n');
  const count = g.hosts.length > 1 ? ` (${g.hosts.length} hosts)` : '';
  const hosts = safeText(foldHosts(g.hosts), 600 - count.length);
  return section(`*${hosts}*${count}\n${codeBlock(cmds, LIMITS.sectionText - 620)}`);
}

function bodyOf(gate: GateView, groups: readonly TargetGroup[]): Block[] {
  const body: Block[] = [];
  if (gate.reason !== undefined && gate.reason !== '')
    body.push(section(`*What happened*\n${codeBlock(gate.reason, 2000, 'tail')}`));
  if (gate.instructions !== undefined && gate.instructions !== '')
    body.push(section(`*What to do*\n${safeText(gate.instructions, 2500)}`));
  if (gate.parameters && gate.parameters.length > 0) {
    const lines = gate.parameters.slice(0, 200).map((p) => `*${safeText(p.name, 100)}*: ${inlineCode(p.value, 500)}`);
    if (gate.parameters.length > 200) lines.push(`… ${gate.parameters.length - 200} more parameters`);
    body.push(...packLines(lines).sections);
  }
  body.push(...groups.slice(0, LIMITS.blocksPerMessage).map(targetBlock));
  return body;
}

function outcomeLine(gate: GateView): string {
  if (gate.status === 'expired')
    return `:hourglass: Expired at ${formatTime(gate.expiresAt)} without a decision; nothing was run.`;
  if (gate.decision)
    return `${CHOICE_PAST[gate.decision.choice]} by ${mention(gate.decision.by)} at ${formatTime(gate.decision.at)}`;
  return `Decided (no details recorded).`;
}

/**
 * A gate in the run thread. Pending: what will run where (each host's exact commands), the short plan hash
 * and the buttons its kind allows. Decided or expired: the same content with the buttons replaced by who
 * decided what and when (new block ids, as Slack requires on update).
 */
export function renderGate(gate: GateView): SlackMessage {
  const where = `step *${safeText(gate.stepTitle, 300)}* of run \`${safeText(gate.runId, 80)}\` at ${safeText(gate.site, 40)}`;
  const head: Block[] = [
    {
      ...section(truncate(`${titleOf(gate)}: ${where}`, LIMITS.sectionText)),
      block_id: blockId('gate', gate.id, gate.status, 'head'),
    },
    context(
      truncate(
        `requested by ${mention(gate.requester)} · plan ${inlineCode(shortHash(gate.planHash), 20)} · ${gate.targets.length} host(s)`,
        500,
      ),
      gate.status === 'pending'
        ? `expires ${formatTime(gate.expiresAt)}`
        : `opened for ${formatTime(gate.expiresAt)} at the latest`,
    ),
  ];
  const tail: Block[] = [];
  if (gate.status === 'pending') {
    const buttons = gateButtons(gate);
    if (buttons) tail.push(buttons);
    else tail.push(context('No decision can be taken on this gate from chat (malformed reference); ask an operator.'));
    const who = answerersLine(gate);
    if (who !== undefined) tail.push(context(truncate(who, LIMITS.contextText)));
    if (gate.kind === 'approval' || gate.kind === 'rollback')
      tail.push(context('Approving runs exactly the commands above; if the plan changes, a new approval is needed.'));
  } else {
    tail.push({ ...context(outcomeLine(gate)), block_id: blockId('gate', gate.id, gate.status, 'outcome') });
  }
  const groups = groupTargets(gate.targets);
  const fitted = fitBlocks({
    head,
    body: bodyOf(gate, groups),
    tail,
    more: (n) =>
      `… ${n + Math.max(0, groups.length - LIMITS.blocksPerMessage)} more blocks not shown (hosts and commands): see /audit or the dry run for the whole plan`,
  });
  const text =
    gate.status === 'pending'
      ? fallbackText(`${gate.kind} gate: ${gate.stepTitle} (${gate.site})`)
      : truncate(`${safeText(gate.stepTitle, 500)}: ${outcomeLine(gate)}`, LIMITS.messageText);
  return { text, blocks: fitted.blocks, truncated: fitted.truncated };
}

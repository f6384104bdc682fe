import { shortHash } from '../../commands/action-ref.ts';
import { isNotStartedGate } from '../../approvals/choices-for-kind.ts';
import { assertNever } from '../../core/result.ts';
import type { GateKind } from '../../core/plan/run-state.ts';
import type { GateTargetView, GateView } from '../../core/ports/views.ts';
import {
  LIMITS,
  codeBlock,
  fitsCodeBlock,
  inlineCode,
  mention,
  safeText,
  truncate,
  fallbackText,
} from './block-limits.ts';
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

/** Most host groups given a block of their own (a message holds at most 50 blocks). */
const MAX_GROUP_BLOCKS = LIMITS.blocksPerMessage;

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

/** Most commands of a host group shown, and the room for them in the group's block. */
const GROUP_COMMANDS = 60;
const COMMANDS_ROOM = LIMITS.sectionText - 620;

/** A host group's commands as its block shows them; bound the work before escaping: only what can be shown. */
function commandText(g: TargetGroup): string {
  if (g.commands.length === 0) return '(no command)';
  return g.commands
    .slice(0, GROUP_COMMANDS)
    .map((c) => c.slice(0, LIMITS.sectionText))
    .join('\n');
}

/** One block per set of hosts running the same commands: the hosts folded into ranges, then the commands. */
function targetBlock(g: TargetGroup): Block {
  const count = g.hosts.length > 1 ? ` (${g.hosts.length} hosts)` : '';
  const hosts = safeText(foldHosts(g.hosts), 600 - count.length);
  return section(`*${hosts}*${count}\n${codeBlock(commandText(g), COMMANDS_ROOM)}`);
}

/** Whether the gate message cannot show every command whole: too many host groups, or a group's commands too long. */
function commandsCut(groups: readonly TargetGroup[]): boolean {
  return (
    groups.length > MAX_GROUP_BLOCKS ||
    groups.some(
      (g) =>
        // A command past the section is cut in `commandText`, so it cannot fit the room either.
        g.commands.length > GROUP_COMMANDS || !fitsCodeBlock(commandText(g), COMMANDS_ROOM),
    )
  );
}

/** The name of the file that holds every command of a gate whose message cannot show them all. */
const gateCommandsFilename = (gate: Pick<GateView, 'stepId'>): string => `gate-${gate.stepId}-commands.txt`;

/** Every command of a gate, host group by host group: the file a gate points at when its message cannot show all. */
function commandsFile(gate: GateView, groups: readonly TargetGroup[]): { filename: string; content: string } {
  const content = groups
    .map((g) => `# ${foldHosts(g.hosts)} (${g.hosts.length} host(s))\n${g.commands.join('\n')}\n`)
    .join('\n');
  return {
    filename: gateCommandsFilename(gate),
    content: `# Every command of step ${gate.stepId} of run ${gate.runId}, plan ${gate.planHash}\n\n${content}`,
  };
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
  body.push(...groups.slice(0, MAX_GROUP_BLOCKS).map(targetBlock));
  return body;
}

function outcomeLine(gate: GateView): string {
  if (gate.status === 'expired')
    return `:hourglass: Expired at ${formatTime(gate.expiresAt)} without a decision; nothing was run.`;
  if (gate.decision)
    return `${CHOICE_PAST[gate.decision.choice]} by ${mention(gate.decision.by)} at ${formatTime(gate.decision.at)}`;
  return `Decided (no details recorded).`;
}

/** The end of a gate: its buttons and who may answer while pending, else who decided what and when. */
function tailOf(gate: GateView, fileLine: boolean): Block[] {
  if (gate.status !== 'pending')
    return [{ ...context(outcomeLine(gate)), block_id: blockId('gate', gate.id, gate.status, 'outcome') }];
  const tail: Block[] = [];
  const buttons = gateButtons(gate);
  if (buttons) tail.push(buttons);
  else tail.push(context('No decision can be taken on this gate from chat (malformed reference); ask an operator.'));
  const who = answerersLine(gate);
  if (who !== undefined) tail.push(context(truncate(who, LIMITS.contextText)));
  if (fileLine)
    tail.push(
      context(
        `Some commands do not fit this message: every command is in the file ${gateCommandsFilename(gate)} under it. Read it before you decide.`,
      ),
    );
  if (gate.kind === 'approval' || gate.kind === 'rollback')
    tail.push(context('Approving runs exactly the commands shown; if the plan changes, a new approval is needed.'));
  return tail;
}

/**
 * A gate in the run thread. Pending: what will run where (each host's exact commands), the short plan hash
 * and the buttons its kind allows. Decided or expired: the same content with the buttons replaced by who
 * decided what and when (new block ids, as Slack requires on update).
 */
export function renderGate(gate: GateView): SlackMessage {
  return renderGateMessage(gate).message;
}

/**
 * `renderGate`, and for a pending gate whose message cannot show every command whole (a command cut, or blocks
 * left out to fit), the file of every command that the message points at and that goes into the thread under it.
 */
export function renderGateMessage(gate: GateView): {
  readonly message: SlackMessage;
  readonly commandsFile?: { filename: string; content: string };
} {
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
  const groups = groupTargets(gate.targets);
  const fit = (fileLine: boolean) =>
    fitBlocks({
      head,
      body: bodyOf(gate, groups),
      tail: tailOf(gate, fileLine),
      more: (n) =>
        `… ${n + Math.max(0, groups.length - MAX_GROUP_BLOCKS)} more blocks not shown (hosts and commands): see /audit or the dry run for the whole plan`,
    });
  // A message that cannot show every command (too long, or blocks left out to fit) points at the file of them all.
  const pending = gate.status === 'pending';
  const cut = pending && commandsCut(groups);
  let fitted = fit(cut);
  if (pending && !cut && fitted.truncated) fitted = fit(true);
  const text = pending
    ? fallbackText(`${gate.kind} gate: ${gate.stepTitle} (${gate.site})`)
    : truncate(`${safeText(gate.stepTitle, 500)}: ${outcomeLine(gate)}`, LIMITS.messageText);
  const message = { text, blocks: fitted.blocks, truncated: fitted.truncated };
  return pending && (cut || fitted.truncated) ? { message, commandsFile: commandsFile(gate, groups) } : { message };
}

import type { HostResultView, StepResultView } from '../views.ts';
import { LIMITS, codeBlock, inlineCode, safeText, truncate, fallbackText } from './block-limits.ts';
import { context, section, type Block, type SlackMessage } from './blocks.ts';
import { blockId, fitBlocks } from './fit-blocks.ts';
import { STEP_STATE_LABEL, formatDuration, formatTime, spanOf } from './format.ts';

/** At most this much of a host's output tail is shown inline; the whole output goes into a file. */
const TAIL_CHARS = 1500;
const TAIL_LINES = 40;

function exitOf(h: HostResultView): string {
  if (h.error !== undefined) return `:x: ${safeText(h.error, 300)}`;
  if (h.exitCode === null) return `:x: killed${h.signal ? ` by ${safeText(h.signal, 20)}` : ''}`;
  return h.exitCode === 0 ? ':white_check_mark: exit 0' : `:x: exit ${h.exitCode}`;
}

function lastLines(s: string, n: number): string {
  // Only the end can be shown: split a bounded window, not a whole megabyte.
  const lines = s.slice(-64 * 1024).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n).join('\n');
}

function hostBlocks(h: HostResultView): Block[] {
  const head = `*${safeText(h.host, 100)}* · ${exitOf(h)} · ${formatDuration(h.durationMs)}\n${inlineCode(h.command, 1000)}`;
  const tail = lastLines(h.outputTail, TAIL_LINES);
  const shownBytes = Buffer.byteLength(tail);
  const blocks: Block[] = [section(truncate(head, LIMITS.sectionText))];
  if (tail !== '') blocks.push(section(codeBlock(tail, TAIL_CHARS, 'tail')));
  if (h.outputBytes > shownBytes) blocks.push(context(`last lines of ${h.outputBytes} bytes of output; the whole output is attached as a file when long`));
  return blocks;
}

/**
 * A step's reply in the run thread: targets, per host the exact command, exit code, duration and a bounded
 * tail of the output. Many hosts are summarised after the first ones that fit.
 */
export function renderStepReply(r: StepResultView): SlackMessage {
  const s = r.step;
  const title = `${STEP_STATE_LABEL[s.state]} *${safeText(s.title, 300)}* · ${formatDuration(spanOf(s.startedAt, s.finishedAt))}`;
  const targets = r.targets.length === 0 ? 'no targets' : `targets: ${r.targets.slice(0, 30).map((t) => safeText(t, 60)).join(', ')}${r.targets.length > 30 ? `, … ${r.targets.length - 30} more` : ''}`;
  const head = [
    { ...section(truncate(title, LIMITS.sectionText)), block_id: blockId('step', r.runId, s.id) },
    context(truncate(targets, 2000), `started ${formatTime(s.startedAt)} · finished ${formatTime(s.finishedAt)}`),
  ];
  // Failed hosts first: they are what people need to see when not everything fits.
  const ordered = [...r.hosts].sort((a, b) => Number(isOk(a)) - Number(isOk(b)));
  const perHost = ordered.map(hostBlocks);
  const body = perHost.flat();
  const fitted = fitBlocks({ head, body, more: (omitted) => `… ${ordered.length - wholeGroups(perHost, body.length - omitted)} more hosts not shown` });
  const failed = r.hosts.filter((h) => !isOk(h)).length;
  const text = `${s.title}: ${s.state}${failed > 0 ? `, ${failed} of ${r.hosts.length} hosts failed` : ''}`;
  return { text: fallbackText(text), blocks: fitted.blocks, truncated: fitted.truncated };
}

/** How many groups fit whole in the first `kept` blocks. */
function wholeGroups(groups: readonly Block[][], kept: number): number {
  let seen = 0;
  let n = 0;
  for (const g of groups) {
    if (seen + g.length > kept) break;
    seen += g.length;
    n++;
  }
  return n;
}

const isOk = (h: HostResultView): boolean => h.error === undefined && h.exitCode === 0;

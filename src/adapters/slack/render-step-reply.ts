import type { FindingView, HostResultView, StepResultView } from '../../core/ports/views.ts';
import { describeSqlRecord } from '../../core/plan/describe-sql.ts';
import type { SqlRecord } from '../../core/plan/run-state.ts';
import { LIMITS, codeBlock, inlineCode, safeText, truncate, fallbackText } from './block-limits.ts';
import { context, section, type Block, type SlackMessage } from './blocks.ts';
import { blockId, fitBlocks, packLines } from './fit-blocks.ts';
import { STEP_STATE_LABEL, formatDuration, formatTime, spanOf } from './format.ts';
import { foldHosts, hostsWithin } from '../../core/plan/host-set.ts';

/** At most this much of a host's output tail is shown inline; the whole output goes into a file. */
const TAIL_CHARS = 1500;
const TAIL_LINES = 40;

function exitOf(h: HostResultView): string {
  if (h.sql !== undefined) return sqlOf(h, h.sql);
  if (h.error !== undefined) return `:x: ${safeText(h.error, 300)}`;
  if (h.exitCode === null) return `:x: killed${h.signal ? ` by ${safeText(h.signal, 20)}` : ''}`;
  return h.exitCode === 0 ? ':white_check_mark: exit 0' : `:x: exit ${h.exitCode}`;
}

/** A SQL target is described as SQL: statements, rows, the server's error; never as a shell exit. */
function sqlOf(h: HostResultView, sql: SqlRecord): string {
  const icon = isOk(h) ? ':white_check_mark:' : ':x:';
  const error = h.error === undefined ? '' : `; no answer: ${safeText(h.error, 300)}`;
  return `${icon} SQL: ${safeText(describeSqlRecord(sql), 900)}${error}`;
}

function lastLines(s: string, n: number): string {
  // Only the end can be shown: split a bounded window, not a whole megabyte.
  const lines = s.slice(-64 * 1024).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n).join('\n');
}

function hostBlocks(h: HostResultView): Block[] {
  const command = h.command === undefined ? '' : `\n${inlineCode(h.command, 1000)}`;
  const head = `*${safeText(h.host, 100)}* · ${exitOf(h)} · ${formatDuration(h.durationMs)}${command}`;
  const tail = lastLines(h.outputTail, TAIL_LINES);
  const shownBytes = Buffer.byteLength(tail);
  const blocks: Block[] = [section(truncate(head, LIMITS.sectionText))];
  if (tail !== '') blocks.push(section(codeBlock(tail, TAIL_CHARS, 'tail')));
  if (h.outputBytes > shownBytes && h.sql === undefined)
    blocks.push(context(`the end of ${h.outputBytes} bytes of output`));
  return blocks;
}

/** How much a step's reply shows. */
export interface StepReplyOptions {
  /** Everything (`/show`): targets, times, every host with its command and tail, every check that held. */
  readonly verbose?: boolean;
}

/**
 * A step's reply in the run thread, compact by default: one line (state, title, hosts, duration, how many checks
 * held) and under it only what needs a person: the checks that did not hold, warnings, manual items, and the
 * failed hosts with their exact command and output tail. `verbose` (for `/show`) adds the targets and times,
 * every host and every check that held. Many hosts are summarised after the first ones that fit.
 */
export function renderStepReply(r: StepResultView, opts: StepReplyOptions = {}): SlackMessage {
  if (opts.verbose !== true) return compactStepReply(r);
  const s = r.step;
  const title = `${STEP_STATE_LABEL[s.state]} *${safeText(s.title, 300)}* · ${formatDuration(spanOf(s.startedAt, s.finishedAt))}`;
  const targets =
    r.targets.length === 0 ? 'no targets' : `targets (${r.targets.length}): ${safeText(foldHosts(r.targets), 1900)}`;
  const head = [
    { ...section(truncate(title, LIMITS.sectionText)), block_id: blockId('step', r.runId, s.id) },
    context(truncate(targets, 2000), `started ${formatTime(s.startedAt)} · finished ${formatTime(s.finishedAt)}`),
  ];
  // Failed hosts first: they are what people need to see when not everything fits.
  const ordered = [...r.hosts].sort((a, b) => Number(isOk(a)) - Number(isOk(b)));
  const perHost = ordered.map(hostBlocks);
  const verdicts = findingSections(r, () => true, true);
  const body = [...verdicts, ...perHost.flat()];
  const fitted = fitBlocks({
    head,
    body,
    more: (omitted) =>
      `… ${ordered.length - wholeGroups(perHost, body.length - verdicts.length - omitted)} more hosts not shown`,
  });
  return { text: fallbackText(fallbackOf(r)), blocks: fitted.blocks, truncated: fitted.truncated };
}

/** The compact reply: one line, then only the checks that did not hold, warnings, manual items and failed hosts. */
function compactStepReply(r: StepResultView): SlackMessage {
  const s = r.step;
  const findings = r.findings ?? [];
  const count = (st: FindingView['status']): number => findings.filter((f) => f.status === st).length;
  const hosts = safeText(hostsWithin(r.targets, 80), 200);
  const checks = [
    `${count('pass')} ${count('pass') === 1 ? 'check' : 'checks'} held`,
    ...(count('fail') > 0 ? [`${count('fail')} did not`] : []),
    ...(count('skipped') > 0 ? [`${count('skipped')} skipped`] : []),
  ].join(', ');
  const line = `${STEP_STATE_LABEL[s.state]} *${safeText(s.title, 300)}* \`${safeText(s.id, 64)}\` · ${hosts} · ${formatDuration(spanOf(s.startedAt, s.finishedAt))} · ${checks}`;
  const head = [{ ...section(truncate(line, LIMITS.sectionText)), block_id: blockId('step', r.runId, s.id) }];
  const failed = r.hosts.filter((h) => !isOk(h));
  const attention = findingSections(
    r,
    (f) => f.status === 'fail' || f.status === 'warn' || f.status === 'manual',
    failed.length > 0 || count('fail') > 0,
  );
  const perHost = failed.map(hostBlocks);
  const body = [...attention, ...perHost.flat()];
  const hint =
    body.length === 0
      ? []
      : [context(`\`/show ${safeText(r.runId, 80)} ${safeText(s.id, 64)}\` shows every check and output`)];
  const fitted = fitBlocks({
    head,
    body,
    tail: hint,
    more: (omitted) =>
      `… ${failed.length - wholeGroups(perHost, body.length - attention.length - omitted)} more failed hosts not shown; /show ${safeText(r.runId, 80)} ${safeText(s.id, 64)} has everything`,
  });
  return { text: fallbackText(fallbackOf(r)), blocks: fitted.blocks, truncated: fitted.truncated };
}

function fallbackOf(r: StepResultView): string {
  const failed = r.hosts.filter((h) => !isOk(h)).length;
  return `${r.step.title}: ${r.step.state}${failed > 0 ? `, ${failed} of ${r.hosts.length} hosts failed` : ''}`;
}

const FINDING_ICON = {
  pass: ':white_check_mark:',
  fail: ':x:',
  warn: ':warning:',
  manual: ':hand:',
  skipped: ':heavy_minus_sign: skipped:',
} as const;

/** The engine's summary line (when asked for) and the chosen verdicts, failures first, packed into sections. */
function findingSections(r: StepResultView, shown: (f: FindingView) => boolean, withSummary: boolean): Block[] {
  const findings = (r.findings ?? []).filter(shown).sort((a, b) => rank(a.status) - rank(b.status));
  const lines = [
    ...(withSummary && r.summary ? [safeText(r.summary, 500)] : []),
    ...findings
      .slice(0, 300)
      .map(
        (f) =>
          `${FINDING_ICON[f.status]} *${safeText(f.title, 200)}*${f.host ? ` on ${safeText(f.host, 60)}` : ''}: ${safeText(f.evidence, 400)}`,
      ),
    ...(findings.length > 300 ? [`… ${findings.length - 300} more findings`] : []),
  ];
  return packLines(lines).sections;
}

const rank = (s: FindingView['status']): number => ({ fail: 0, warn: 1, manual: 2, pass: 3, skipped: 4 })[s];

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

const isOk = (h: HostResultView): boolean => h.error === undefined && h.exitCode === 0 && h.sql?.rejected === undefined;

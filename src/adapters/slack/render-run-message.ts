import type { RunView, StepView } from '../../core/ports/views.ts';
import { LIMITS, mention, safePlain, safeText, truncate, fallbackText } from './block-limits.ts';
import { context, header, type SlackMessage } from './blocks.ts';
import { blockId, fitBlocks, omittedLines, packLines } from './fit-blocks.ts';
import { RUN_STATE_LABEL, STEP_STATE_LABEL, formatDuration, formatTime, spanOf } from './format.ts';

/** Steps shown before the first unfinished one, so a long run still shows where it is. */
const CONTEXT_BEFORE_CURRENT = 3;

function stepLine(step: StepView, index: number, now: number): string {
  const end = step.finishedAt ?? (step.state === 'running' ? now : undefined);
  const took = step.startedAt === undefined ? '' : ` · ${formatDuration(spanOf(step.startedAt, end))}`;
  const approved =
    step.approvedBy && step.approvedBy.length > 0
      ? ` · approved by ${step.approvedBy.slice(0, 5).map(mention).join(', ')}`
      : '';
  // Runbooks often number their steps already ("3. Kafka …"): then the title is shown as it is.
  const number = /^\d+[.)] /.test(step.title) ? '' : `${index + 1}. `;
  return truncate(`${STEP_STATE_LABEL[step.state]} *${number}${safeText(step.title, 200)}*${took}${approved}`, 600);
}

/** `upgrade redis at xizang`, unless the title already names the site. */
export function runHeading(run: Pick<RunView, 'title' | 'site'>): string {
  return run.title.includes(run.site) ? run.title : `${run.title} at ${run.site}`;
}

function countsByState(steps: readonly StepView[]): string {
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(' · ');
}

/**
 * The run's parent message, updated in place: one line per step with its state, duration and approvers.
 * A very long plan shows a window starting just before the first unfinished step, with counts of the rest.
 */
export function renderRunMessage(run: RunView, now: number): SlackMessage {
  const firstOpen = run.steps.findIndex((s) => s.state !== 'done' && s.state !== 'skipped');
  const from = firstOpen <= CONTEXT_BEFORE_CURRENT ? 0 : firstOpen - CONTEXT_BEFORE_CURRENT;
  const lines = run.steps.slice(from).map((s, i) => stepLine(s, from + i, now));
  const { sections, lineCounts } = packLines(lines);
  const took = formatDuration(spanOf(run.startedAt, run.finishedAt ?? now));
  const head = [
    { ...header(safePlain(runHeading(run), LIMITS.headerText)), block_id: blockId('run', run.id, 'head') },
    context(
      truncate(
        `${RUN_STATE_LABEL[run.state]} · run \`${safeText(run.id, 80)}\` · requested by ${mention(run.requester)}`,
        500,
      ),
      `started ${formatTime(run.startedAt)} · ${took} · ${run.steps.length} steps${run.steps.length > 0 ? ` (${countsByState(run.steps)})` : ''}`,
    ),
    ...(from > 0 ? [context(`… ${from} earlier steps done`)] : []),
  ];
  const fitted = fitBlocks({ head, body: sections, more: (n) => `… ${omittedLines(lineCounts, n)} more steps` });
  const text = `${runHeading(run)}: ${run.state} (${run.steps.length} steps)`;
  return { text: fallbackText(text), blocks: fitted.blocks, truncated: fitted.truncated || from > 0 };
}

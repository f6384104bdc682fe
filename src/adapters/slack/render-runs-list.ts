import { isActiveRunState, type RunSummary } from '../../core/ports/views.ts';
import { LIMITS, link, mention, safePlain, safeText, truncate, fallbackText } from './block-limits.ts';
import { context, header, type SlackMessage } from './blocks.ts';
import { fitBlocks, omittedLines, packLines } from './fit-blocks.ts';
import { RUN_STATE_LABEL, formatDuration, formatTime, spanOf } from './format.ts';

function runLine(r: RunSummary, now: number): string {
  const took = formatDuration(spanOf(r.startedAt, r.finishedAt ?? now));
  const awaiting = r.awaiting === undefined ? '' : `\n      ↳ ${safeText(r.awaiting, 300)}`;
  return truncate(
    `${RUN_STATE_LABEL[r.state]} ${link(r.permalink, r.id)} · *${safeText(r.title, 200)}* at ${safeText(r.site, 40)} · by ${mention(r.requester)} · started ${formatTime(r.startedAt)} · ${took}${awaiting}`,
    1200,
  );
}

/**
 * `/runs`: active runs first (every run holding its site's lock, with what it waits for: a gate's choices, or the
 * `/rollback` that ends a rejected run), then recent ones, each with a link to its thread.
 */
export function renderRunsList(runs: readonly RunSummary[], sites: readonly string[], now: number): SlackMessage {
  const active = runs.filter((r) => isActiveRunState(r.state));
  const recent = runs.filter((r) => !isActiveRunState(r.state));
  const lines = [
    `*Active* (${active.length})`,
    ...(active.length === 0 ? ['_none_'] : active.map((r) => runLine(r, now))),
    `*Recent* (${recent.length})`,
    ...(recent.length === 0 ? ['_none_'] : recent.map((r) => runLine(r, now))),
  ];
  const { sections, lineCounts } = packLines(lines);
  const title = `Runs at ${sites.join(', ') || 'no site'}`;
  const fitted = fitBlocks({
    head: [header(safePlain(title, LIMITS.headerText)), context(`${runs.length} run(s) as of ${formatTime(now)}`)],
    body: sections,
    more: (n) => `… ${omittedLines(lineCounts, n)} more lines`,
  });
  return {
    text: fallbackText(`${title}: ${active.length} active, ${recent.length} recent`),
    blocks: fitted.blocks,
    truncated: fitted.truncated,
  };
}

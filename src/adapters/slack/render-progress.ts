import type { EngineEvent } from '../../core/ports/events.ts';
import { LIMITS, fallbackText, safeText } from './block-limits.ts';
import { context, section, type SlackMessage } from './blocks.ts';
import { formatDuration } from './format.ts';

/** A `step.progress` event. */
export type StepProgressEvent = Extract<EngineEvent, { type: 'step.progress' }>;

/** Most waits listed in one progress message (a step's latest ones); older ones are counted. */
const MAX_WAITS = 8;

/**
 * The one progress message of a step's long waits, edited as values arrive: per wait what is awaited and where,
 * for how long, the last value the software gave; `ended` once the wait (or the step) is over, whether it reached
 * what it awaited or not (the step's reply says which). Escaped and cut to Block Kit's limits whatever the values hold.
 */
export function renderProgress(stepId: string, waits: readonly StepProgressEvent[], stepEnded = false): SlackMessage {
  const shown = waits.slice(-MAX_WAITS);
  const per = Math.floor((LIMITS.sectionText - 200) / Math.max(1, shown.length));
  const lines = shown.map((w) => {
    const where = w.target === undefined ? '' : ` on ${w.target}`;
    const over = w.done === true || stepEnded;
    const head = over
      ? `:hourglass: ${w.awaited}${where}: ended after ${formatDuration(w.elapsedMs)}`
      : `:hourglass_flowing_sand: ${w.awaited}${where}: waiting ${formatDuration(w.elapsedMs)}`;
    return safeText(`${head}; last seen: ${w.lastValue}`, per);
  });
  const earlier = waits.length - shown.length;
  const title = `Step ${stepId}: ${stepEnded ? 'waits ended' : 'waiting'}`;
  return {
    text: fallbackText(`${title}: ${shown.map((w) => `${w.awaited}: ${w.lastValue}`).join('; ')}`),
    blocks: [
      section(lines.join('\n') || safeText(title, 200)),
      context(safeText(`${title}${earlier > 0 ? ` (${earlier} earlier wait(s) not shown)` : ''}`, 300)),
    ],
    truncated: false,
  };
}

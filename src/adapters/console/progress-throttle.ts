import type { EngineEvent } from '../../core/ports/events.ts';

/** A `step.progress` event. */
export type ProgressEvent = Extract<EngineEvent, { type: 'step.progress' }>;

/** How often a wait gets a plain line (a pipe, a log file, JSON lines) while nothing about it changes. */
export const PLAIN_EVERY_MS = 15_000;

/**
 * Which progress events deserve a line of their own where lines cannot be redrawn (a pipe, `--json`): a wait's
 * first report, its last (`done`), and otherwise one every `everyMs` of the wait's own elapsed time (the engine's
 * clock, so the choice does not depend on when the event happens to be read).
 */
export class ProgressThrottle {
  private readonly shownAt = new Map<string, number>();

  constructor(private readonly everyMs = PLAIN_EVERY_MS) {}

  admit(e: ProgressEvent): boolean {
    const key = `${e.runId}\u0000${e.stepId}\u0000${e.target ?? ''}\u0000${e.awaited}`;
    const last = this.shownAt.get(key);
    if (e.done === true) {
      this.shownAt.delete(key);
      return true;
    }
    if (last !== undefined && e.elapsedMs - last < this.everyMs && e.elapsedMs >= last) return false;
    this.shownAt.set(key, e.elapsedMs);
    return true;
  }
}

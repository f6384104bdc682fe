import { clean } from './render-event.ts';
import { ProgressThrottle, type ProgressEvent } from './progress-throttle.ts';
import { cutToWidth } from './fit-width.ts';

/** Where the progress line is drawn: a stream, and whether it is a terminal (and how wide). */
export interface ProgressSurface {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** How a `ProgressView` draws. */
export interface ProgressViewOptions {
  /** Where lines go when the surface is no terminal (one call per line, no newline). */
  readonly plain: (line: string) => void;
  /**
   * The terminal's cursor sits on a prompt line below the output (the console): the progress line is kept just
   * above it, and `redrawPrompt` is called after each update.
   */
  readonly redrawPrompt?: () => void;
  /** Plain lines while a wait does not change: one per this much of its elapsed time (default 15 s). */
  readonly plainEveryMs?: number;
}

const ERASE_LINE = '\r\x1b[K';
const UP = '\x1b[1A';

/**
 * Shows long waits (`step.progress` events) where people look: in a terminal, one line redrawn in place (`\r`,
 * erase, cut to the terminal's width) until other output comes or the wait ends, when it stays as the wait's last
 * state; elsewhere, plain lines, a few per wait (`ProgressThrottle`). Call `interrupt()` before writing anything
 * else to the same terminal.
 */
export class ProgressView {
  private active = false;
  private readonly throttle: ProgressThrottle;

  constructor(
    private readonly surface: ProgressSurface,
    private readonly opts: ProgressViewOptions,
  ) {
    this.throttle = new ProgressThrottle(opts.plainEveryMs);
  }

  show(e: ProgressEvent): void {
    if (this.surface.isTTY !== true) {
      if (this.throttle.admit(e)) this.opts.plain(describeProgress(e));
      return;
    }
    // Two columns spare: a line the terminal never wraps is redrawn in place.
    const line = cutToWidth(describeProgress(e), (this.surface.columns ?? 80) - 2);
    if (this.opts.redrawPrompt !== undefined) {
      // The line sits above the prompt: erase the prompt, go up to the progress line when there is one, redraw.
      this.surface.write(`${ERASE_LINE}${this.active ? `${UP}${ERASE_LINE}` : ''}${line}\n`);
      this.active = e.done !== true;
      this.opts.redrawPrompt();
      return;
    }
    this.surface.write(`${ERASE_LINE}${line}${e.done === true ? '\n' : ''}`);
    this.active = e.done !== true;
  }

  /** Other output follows: the progress line stays as it is, and the next wait starts a line of its own. */
  interrupt(): void {
    if (this.active && this.opts.redrawPrompt === undefined) this.surface.write('\n');
    this.active = false;
  }
}

/** One wait in words: the step, what is awaited and where, for how long, and the last value the software gave. */
export function describeProgress(e: ProgressEvent): string {
  const where = e.target === undefined ? '' : ` on ${clean(e.target)}`;
  const took = formatElapsed(e.elapsedMs);
  return e.done === true
    ? `  ⌛ ${e.stepId}: ${clean(e.awaited)}${where}: ended after ${took}; last seen: ${clean(e.lastValue)}`
    : `  ⏳ ${e.stepId}: waiting ${took} for ${clean(e.awaited)}${where}; last seen: ${clean(e.lastValue)}`;
}

/** `42 s`, `3m05s`, `1h02m`. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

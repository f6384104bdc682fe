import { describeError } from '../../core/opsgate-error.ts';
import type { SlackMessage } from './blocks.ts';
import { renderRunMessage } from './render-run-message.ts';
import type { ThreadOfRun } from './thread-of-run.ts';

/** What the edits of runs' parent messages need: the poster's update, the time, a logger and the delay. */
export interface ParentEditsDeps {
  readonly poster: { update(channel: string, ts: string, msg: SlackMessage): Promise<void> };
  readonly now: () => number;
  readonly log: { warn(obj: object, msg: string): void };
  /** How long edits of one parent message are gathered into one (default 2000 ms; 0 sends each at once). */
  readonly delayMs?: number;
}

/**
 * The edits of each run's parent message, gathered: chat.update is rate-limited per workspace, so the edits of a
 * run within the delay are sent as one, rendering the run as it is when sent (the last state wins). A finished
 * run's edit is sent at once. A failed edit is logged; the next one shows the state again.
 */
export class ParentEdits {
  /** Edits waiting for their delay, by run id: the timer and the send it will do. */
  private readonly pending = new Map<string, { timer: ReturnType<typeof setTimeout>; send: () => void }>();

  constructor(private readonly d: ParentEditsDeps) {}

  /** Edits the run's posted parent message to its current state, now or after the delay. */
  schedule(channel: string, s: ThreadOfRun): void {
    const delay = this.d.delayMs ?? 2000;
    const waiting = this.pending.get(s.run.id);
    const send = () => this.send(channel, s);
    if (s.run.finishedAt !== undefined || delay <= 0) {
      if (waiting !== undefined) clearTimeout(waiting.timer);
      this.pending.delete(s.run.id);
      send();
    } else if (waiting === undefined) {
      const timer = setTimeout(() => {
        this.pending.delete(s.run.id);
        send();
      }, delay);
      this.pending.set(s.run.id, { timer, send });
    }
  }

  /** Sends every edit still waiting for its delay (on shutdown), and stops the timers. */
  flush(): void {
    for (const [runId, { timer, send }] of this.pending) {
      clearTimeout(timer);
      this.pending.delete(runId);
      send();
    }
  }

  private send(channel: string, s: ThreadOfRun): void {
    if (s.parent === undefined) return;
    void this.d.poster
      .update(channel, s.parent.ts, renderRunMessage(s.run, this.d.now()))
      .catch((err: unknown) =>
        this.d.log.warn({ runId: s.run.id, err: describeError(err) }, 'slack parent update failed'),
      );
  }
}

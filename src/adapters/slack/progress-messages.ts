import { describeError } from '../../core/opsgate-error.ts';
import type { PostedMessage } from '../../core/ports/run-thread-store.ts';
import type { SlackMessage } from './blocks.ts';
import { renderProgress, type StepProgressEvent } from './render-progress.ts';

/** What the progress messages need: a poster (post in a thread, edit), the time and a logger. */
export interface ProgressMessagesDeps {
  readonly poster: {
    post(channel: string, msg: SlackMessage, threadTs?: string): Promise<PostedMessage>;
    update(channel: string, ts: string, msg: SlackMessage): Promise<void>;
  };
  readonly now: () => number;
  readonly log: { warn(obj: object, msg: string): void };
  /**
   * At most one edit of a progress message this often (default 3000 ms), the latest values winning: chat.update
   * is a Tier 3 method (about 50 a minute per workspace) shared with every other edit opsgate makes.
   */
  readonly editEveryMs?: number;
  /** A progress event older than this when it arrives (a replay after a restart) is not shown (default 120 s). */
  readonly staleAfterMs?: number;
}

interface StepWaits {
  readonly channel: string;
  readonly stepId: string;
  /** The latest report of each wait, most recent last. */
  readonly waits: Map<string, StepProgressEvent>;
  message: Promise<PostedMessage | undefined>;
  lastEditAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A step's long waits in a run's Slack thread: one message per step, posted at the first report and then edited
 * (never a new message per poll), at most once per `editEveryMs`, and edited a last time when the step ends.
 * Progress is not durable: after a restart a step still waiting gets a new progress message.
 */
export class ProgressMessages {
  private readonly steps = new Map<string, StepWaits>();

  constructor(private readonly deps: ProgressMessagesDeps) {}

  /** Shows one report in the step's progress message (posted in `threadTs` the first time). */
  async show(channel: string, threadTs: string, e: StepProgressEvent): Promise<void> {
    if (this.deps.now() - e.at > (this.deps.staleAfterMs ?? 120_000)) return;
    const key = `${e.runId}/${e.stepId}`;
    const waitKey = `${e.target ?? ''}\u0000${e.awaited}`;
    const s = this.steps.get(key);
    if (s === undefined) {
      const waits = new Map([[waitKey, e]]);
      const message = this.deps.poster
        .post(channel, renderProgress(e.stepId, [...waits.values()]), threadTs)
        .catch((err: unknown) => {
          this.deps.log.warn(
            { runId: e.runId, stepId: e.stepId, err: describeError(err) },
            'slack progress not posted',
          );
          return undefined;
        });
      this.steps.set(key, { channel, stepId: e.stepId, waits, message, lastEditAt: this.deps.now() });
      await message;
      return;
    }
    s.waits.delete(waitKey);
    s.waits.set(waitKey, e);
    this.schedule(s);
  }

  /** The step ended: its progress message (if any) shows every wait as ended, at once. */
  async finish(runId: string, stepId: string): Promise<void> {
    const key = `${runId}/${stepId}`;
    const s = this.steps.get(key);
    if (s === undefined) return;
    this.steps.delete(key);
    clearTimeout(s.timer);
    await this.edit(s, true);
  }

  /** Sends every edit still waiting for its turn (on shutdown), and stops the timers. */
  flush(): void {
    for (const s of this.steps.values()) {
      if (s.timer === undefined) continue;
      clearTimeout(s.timer);
      delete s.timer;
      void this.edit(s, false);
    }
  }

  /** One edit per interval: a report arriving meanwhile is shown by the edit already scheduled. */
  private schedule(s: StepWaits): void {
    if (s.timer !== undefined) return;
    const due = Math.max(0, s.lastEditAt + (this.deps.editEveryMs ?? 3000) - this.deps.now());
    s.timer = setTimeout(() => {
      delete s.timer;
      void this.edit(s, false);
    }, due);
  }

  private async edit(s: StepWaits, ended: boolean): Promise<void> {
    const posted = await s.message;
    if (posted === undefined) return;
    s.lastEditAt = this.deps.now();
    await this.deps.poster
      .update(posted.channel, posted.ts, renderProgress(s.stepId, [...s.waits.values()], ended))
      .catch((err: unknown) =>
        this.deps.log.warn({ stepId: s.stepId, err: describeError(err) }, 'slack progress update failed'),
      );
  }
}

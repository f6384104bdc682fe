import { describeError } from '../../core/opsgate-error.ts';
import type { SlackMessage } from './blocks.ts';
import type { PendingPost, PostedMessage, RunThreadStore } from '../../core/ports/run-thread-store.ts';

/** The poster operations idempotent posting needs (`SlackPoster` has them). */
export interface KeyedPoster {
  post(channel: string, msg: SlackMessage, threadTs?: string, opts?: { readonly key?: string }): Promise<PostedMessage>;
  findPosted(
    channel: string,
    key: string,
    opts: { readonly threadTs?: string; readonly sinceMs: number },
  ): Promise<PostedMessage | undefined>;
}

export interface EventPostsDeps {
  readonly poster: KeyedPoster;
  readonly threads?: Pick<RunThreadStore, 'recordPending'>;
  readonly now: () => number;
  readonly log: { warn(obj: object, msg: string): void };
}

/**
 * The posts made while applying one event of a run, each made at most once even across a crash and the
 * event's replay. Each gets a key (`<run>/<event id>/<n-th post of the event>`, the same on replay) that is
 * recorded with the run's thread before posting (`recordPending`) and carried in the message's metadata; the
 * thread save after the event clears the record. When a replayed event comes to a post whose key is still
 * recorded (`inDoubt`: the process died between posting and saving), Slack is asked whether the message landed
 * (`findPosted`), and the message found is used instead of posting again. Without an event id or a store it
 * posts plainly (nothing is replayed then).
 */
export class EventPosts {
  private n = 0;
  private readonly pending: PendingPost[] = [];

  constructor(
    private readonly deps: EventPostsDeps,
    private readonly runId: string,
    private readonly eventId: string | undefined,
    private readonly inDoubt: readonly PendingPost[],
  ) {}

  async post(channel: string, msg: SlackMessage, threadTs?: string): Promise<PostedMessage> {
    const { poster, threads, log } = this.deps;
    if (this.eventId === undefined || threads === undefined) return poster.post(channel, msg, threadTs);
    const key = `${this.runId}/${this.eventId}/${this.n++}`;
    const where = threadTs === undefined ? {} : { threadTs };
    const doubt = this.inDoubt.find((p) => p.key === key && p.channel === channel && p.threadTs === threadTs);
    if (doubt !== undefined) {
      const found = await poster.findPosted(channel, key, { ...where, sinceMs: doubt.at }).catch((err: unknown) => {
        log.warn(
          { runId: this.runId, key, err: describeError(err) },
          'cannot tell whether a message was posted before a restart; posting it',
        );
        return undefined;
      });
      // Kept as pending: should the process die again before the save, the next replay finds it as well.
      this.pending.push(doubt);
      if (found !== undefined) return found;
    } else {
      this.pending.push({ key, channel, ...where, at: this.deps.now() });
    }
    await threads.recordPending(this.runId, this.pending).catch((err: unknown) => {
      log.warn(
        { runId: this.runId, key, err: describeError(err) },
        'slack post not recorded before posting: a crash right after it could post it twice',
      );
    });
    return poster.post(channel, msg, threadTs, { key });
  }
}

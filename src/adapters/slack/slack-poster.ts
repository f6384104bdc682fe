import type { SlackMessage } from './blocks.ts';
import { findPosted, POST_KEY_EVENT } from './find-posted.ts';
import { SlackApiError, SlackRateLimitedError } from './slack-errors.ts';
import type { SlackWebClientPort } from './web-client-port.ts';
import type { PostedMessage } from '../../core/ports/run-thread-store.ts';

/** What a `SlackPoster` needs; everything but the client has a default. */
export interface PosterDeps {
  readonly client: SlackWebClientPort;
  /** Waits; injected so that tests can record the Retry-After delays instead of sleeping them. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** At least this long between two posts in one channel (Slack allows about one per second). Default 1000. */
  readonly minPostIntervalMs?: number;
  /** Consecutive 429 answers tolerated for one message before giving up. Default 20. */
  readonly maxRateLimitRetries?: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

interface Task {
  readonly run: () => Promise<void>;
  /** For coalescing: a pending update of the same message is replaced by the newer one. */
  readonly updateKey?: string;
  update?: { msg: SlackMessage; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | undefined;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Seconds to wait when `e` is a rate-limit answer (WebClient's `rejectRateLimitedCalls` error), else undefined. */
function retryAfterOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, retryAfter } = e as { code?: unknown; retryAfter?: unknown };
  return code === 'slack_webapi_rate_limited_error' && typeof retryAfter === 'number' ? retryAfter : undefined;
}

function slackErrorOf(e: unknown): string {
  const data = (e as { data?: { error?: unknown } } | null)?.data;
  if (typeof data?.error === 'string') return data.error;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Posts to Slack through one ordered queue per channel, so that a run's parent message, its thread replies,
 * gates and files never reorder. A 429 pauses that channel's queue for `Retry-After` and retries the same
 * call, so nothing is lost or sent twice; pending edits of one message are coalesced (the last state wins).
 * Give it a WebClient built with `rejectRateLimitedCalls: true` so that the waiting happens here.
 */
export class SlackPoster {
  private readonly queues = new Map<string, Task[]>();
  private readonly running = new Set<string>();
  private readonly lastPost = new Map<string, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly deps: PosterDeps) {
    this.sleep = deps.sleep ?? defaultSleep;
    this.now = deps.now ?? Date.now;
  }

  /**
   * Posts a message (a thread reply when `threadTs` is given) and resolves with its `ts`. With a `key` the
   * message carries it in its metadata, so that `findPosted` can tell later whether it landed.
   */
  post(
    channel: string,
    msg: SlackMessage,
    threadTs?: string,
    opts: { readonly key?: string } = {},
  ): Promise<PostedMessage> {
    return this.enqueue(channel, async () => {
      await this.pace(channel);
      const metadata =
        opts.key === undefined ? {} : { metadata: { event_type: POST_KEY_EVENT, event_payload: { key: opts.key } } };
      const res = await this.call('chat.postMessage', channel, () =>
        this.deps.client.postMessage({
          channel,
          text: msg.text,
          blocks: msg.blocks,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          ...metadata,
        }),
      );
      this.lastPost.set(channel, this.now());
      if (typeof res.ts !== 'string')
        throw new SlackApiError('chat.postMessage', channel, 'no ts in the answer', undefined);
      return { channel: res.channel ?? channel, ts: res.ts };
    });
  }

  /**
   * The message posted with `key` in the thread (or the channel) since `sinceMs`, if it landed; in the channel's order.
   */
  findPosted(
    channel: string,
    key: string,
    opts: { readonly threadTs?: string; readonly sinceMs: number },
  ): Promise<PostedMessage | undefined> {
    return this.enqueue(channel, () =>
      this.call(opts.threadTs === undefined ? 'conversations.history' : 'conversations.replies', channel, () =>
        findPosted(this.deps.client, channel, key, opts),
      ),
    );
  }

  /** Replaces a message's content (text and blocks together: Slack drops blocks sent without). */
  update(channel: string, ts: string, msg: SlackMessage): Promise<void> {
    const key = `${channel}:${ts}`;
    const queue = this.queues.get(channel) ?? [];
    const pending = queue.find((t) => t.updateKey === key && t.update);
    if (pending?.update) {
      pending.update.msg = msg;
      return new Promise((resolve, reject) => pending.update?.waiters.push({ resolve, reject }));
    }
    return new Promise<void>((resolve, reject) => {
      const task: Task = {
        updateKey: key,
        update: { msg, waiters: [{ resolve, reject }] },
        run: async () => {
          const u = task.update;
          task.update = undefined;
          if (!u) return;
          try {
            await this.call('chat.update', channel, () =>
              this.deps.client.update({ channel, ts, text: u.msg.text, blocks: u.msg.blocks }),
            );
            for (const w of u.waiters) w.resolve();
          } catch (e) {
            for (const w of u.waiters) w.reject(e);
          }
        },
      };
      this.push(channel, task);
    });
  }

  /** A message only `user` sees. */
  ephemeral(channel: string, user: string, msg: SlackMessage, threadTs?: string): Promise<void> {
    return this.enqueue(channel, async () => {
      await this.call('chat.postEphemeral', channel, () =>
        this.deps.client.postEphemeral({
          channel,
          user,
          text: msg.text,
          blocks: msg.blocks,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        }),
      );
    });
  }

  /** Uploads text (a long output, an audit export) or a picture (bytes: a chart's PNG) as a file into a thread. */
  upload(
    channel: string,
    threadTs: string,
    file: { filename: string; content: string | Uint8Array; title?: string; comment?: string },
  ): Promise<void> {
    return this.enqueue(channel, async () => {
      await this.call('files.uploadV2', channel, () =>
        this.deps.client.uploadFile({
          channel_id: channel,
          thread_ts: threadTs,
          filename: file.filename,
          ...(typeof file.content === 'string' ? { content: file.content } : { file: Buffer.from(file.content) }),
          ...(file.title === undefined ? {} : { title: file.title }),
          ...(file.comment === undefined ? {} : { initial_comment: file.comment }),
        }),
      );
    });
  }

  /** Resolves when every queue is empty. */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private enqueue<T>(channel: string, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.push(channel, { run: () => fn().then(resolve, reject) });
    });
  }

  private push(channel: string, task: Task): void {
    const queue = this.queues.get(channel) ?? [];
    queue.push(task);
    this.queues.set(channel, queue);
    if (!this.running.has(channel)) void this.drain(channel);
  }

  private async drain(channel: string): Promise<void> {
    this.running.add(channel);
    const queue = this.queues.get(channel) ?? [];
    for (let task = queue.shift(); task; task = queue.shift()) await task.run();
    this.queues.delete(channel);
    this.running.delete(channel);
    if (this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async pace(channel: string): Promise<void> {
    const min = this.deps.minPostIntervalMs ?? 1000;
    const last = this.lastPost.get(channel);
    if (min > 0 && last !== undefined) {
      const wait = last + min - this.now();
      if (wait > 0) await this.sleep(wait);
    }
  }

  /** Calls Slack, waiting out 429s; any other failure is final for this message (the queue moves on). */
  private async call<T>(method: string, channel: string, fn: () => Promise<T>): Promise<T> {
    const max = this.deps.maxRateLimitRetries ?? 20;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const retryAfter = retryAfterOf(e);
        if (retryAfter === undefined) throw new SlackApiError(method, channel, slackErrorOf(e), e);
        if (attempt > max) throw new SlackRateLimitedError(method, channel, attempt, e);
        this.deps.log?.warn({ method, channel, retryAfter, attempt }, 'slack rate limit, waiting');
        await this.sleep(retryAfter * 1000);
      }
    }
  }
}

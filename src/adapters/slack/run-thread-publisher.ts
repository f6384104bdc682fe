import { describeError } from '../../core/opsgate-error.ts';
import { compareEventIds } from '../../core/ports/event-cursors.ts';
import type { OutputArtefacts } from '../../core/ports/artefacts.ts';
import type { EngineEvent } from '../../core/ports/events.ts';
import type { ChartRenderer } from '../../core/ports/chart-renderer.ts';
import { assertNever } from '../../core/result.ts';
import type { SlackMessage } from './blocks.ts';
import { EventPosts, type KeyedPoster } from './event-posts.ts';
import type { PostedMessage, RunThreadStore } from '../../core/ports/run-thread-store.ts';
import { renderGate, renderGateMessage } from './render-gate.ts';
import { renderNotice } from './render-notice.ts';
import { renderRunMessage } from './render-run-message.ts';
import { renderStepReply } from './render-step-reply.ts';
import { renderPrecheckSummary } from './render-precheck-summary.ts';
import { ParentEdits } from './parent-edits.ts';
import { ProgressMessages } from './progress-messages.ts';
import { applyEvent, newRunThreadState, type ThreadEffect } from './run-thread-state.ts';
import { threadFromSaved, threadToSaved, type ThreadOfRun } from './thread-of-run.ts';
import { uploadStepFiles } from './upload-step-files.ts';

/** The poster operations the publisher needs (`SlackPoster` has them). */
export interface ThreadPoster extends KeyedPoster {
  update(channel: string, ts: string, msg: SlackMessage): Promise<void>;
  upload(
    channel: string,
    threadTs: string,
    file: { filename: string; content: string | Uint8Array; title?: string },
  ): Promise<void>;
}

/** What the publisher needs: the poster, the channel of each site, the time and a logger. */
export interface RunThreadPublisherDeps {
  readonly poster: ThreadPoster;
  /** The Slack channel of a site (from its site file); events of a site without one are dropped. */
  channelOf(site: string): string | undefined;
  readonly now: () => number;
  readonly log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /**
   * Progress edits of a parent message are gathered for this long (default 2000 ms) and sent as one, the
   * last state winning: chat.update is rate-limited per workspace. A run's end is sent at once.
   */
  readonly parentEditDelayMs?: number;
  /** A step's progress message (long waits) is edited at most this often (default 3000 ms). */
  readonly progressEditEveryMs?: number;
  /** Where the workers store long outputs; without it only the tails are shown. */
  readonly artefacts?: Pick<OutputArtefacts, 'get'>;
  /**
   * Where each run's thread and gate messages are kept across restarts (`restore()` reloads them); without it
   * they live in memory only and a run in progress gets a new parent message after a restart.
   */
  readonly threads?: RunThreadStore;
  /**
   * Draws the charts whose data a step attached (the OceanBase probe's latency over the upgrade): the picture
   * goes into the thread in place of its data file. Without it the data file is uploaded as it is.
   */
  readonly charts?: ChartRenderer;
}

/**
 * Turns the engine's events into a run's Slack presence: one parent message per run, updated in place; one
 * thread reply per finished step; gate messages with their buttons, updated when decided or expired; status
 * lines. Dry runs are left to the command's own reply. Chat failures are logged and never stop the feed.
 * With a `threads` store the run-to-thread and gate-to-message mappings survive a restart (`restore()`).
 */
export class RunThreadPublisher {
  private readonly runs = new Map<string, ThreadOfRun>();
  /** Edits of the runs' parent messages, gathered over `parentEditDelayMs`. */
  private readonly parentEdits: ParentEdits;
  /** Every gate message posted, by gate id: a click must come from the gate's own message. */
  private readonly gateMessages = new Map<string, PostedMessage>();

  /** Long waits: one message per step in the thread, edited as values arrive. */
  private readonly progress: ProgressMessages;

  constructor(private readonly deps: RunThreadPublisherDeps) {
    this.parentEdits = new ParentEdits({
      poster: deps.poster,
      now: deps.now,
      log: deps.log,
      ...(deps.parentEditDelayMs === undefined ? {} : { delayMs: deps.parentEditDelayMs }),
    });
    this.progress = new ProgressMessages({
      poster: deps.poster,
      now: deps.now,
      log: deps.log,
      ...(deps.progressEditEveryMs === undefined ? {} : { editEveryMs: deps.progressEditEveryMs }),
    });
  }

  /** The run's thread, once its parent message is posted (for `/runs` and `/audit`). */
  threadOf(runId: string): PostedMessage | undefined {
    return this.runs.get(runId)?.parent;
  }

  /** The message a gate was posted as, to check that a click came from it (undefined when not posted here). */
  gateMessage(gateId: string): PostedMessage | undefined {
    return this.gateMessages.get(gateId);
  }

  /**
   * Applies one event to its run's thread. With the event's stream id, an event at or before the last one
   * applied to the run is skipped: a follower that resumes from a saved position (at-least-once) never posts
   * twice, and the id is saved with the thread.
   */
  async handle(e: EngineEvent, eventId?: string): Promise<void> {
    const channel = this.deps.channelOf(e.site);
    if (channel === undefined) {
      this.deps.log.warn({ site: e.site, runId: e.runId, type: e.type }, 'no slack channel for site, event not posted');
      return;
    }
    let s = this.runs.get(e.runId);
    if (s === undefined) {
      s = { ...newRunThreadState(e), gateTs: new Map() };
      this.runs.set(e.runId, s);
    }
    if (eventId !== undefined && s.lastEventId !== undefined && compareEventIds(eventId, s.lastEventId) <= 0) return;
    const effect = applyEvent(s, e);
    if (s.dryRun) return;
    if (e.type === 'step.progress') {
      // Not durable: never saved with the thread, shown in the step's one progress message (once the run has one).
      if (s.parent !== undefined) await this.progress.show(channel, s.parent.ts, e);
      return;
    }
    if (e.type === 'step.finished' || e.type === 'step.interrupted') await this.progress.finish(e.runId, e.stepId);
    const posts = new EventPosts(this.deps, e.runId, eventId, s.inDoubt ?? []);
    try {
      await this.carryOut(effect, channel, e, s, posts);
    } catch (err) {
      this.deps.log.error({ site: e.site, runId: e.runId, type: e.type, err: describeError(err) }, 'slack post failed');
    }
    if (eventId !== undefined) {
      s.lastEventId = eventId;
      delete s.inDoubt;
    }
    // With an id every event is saved, even one that posts nothing: the follower's position moves past it, so
    // the run's state must not depend on replaying it after a restart.
    if (effect.kind !== 'none' || eventId !== undefined) await this.save(s);
  }

  /**
   * Reloads the threads and gate messages saved by an earlier process, so that its runs keep their parent
   * message and clicks on its gate messages are recognised. Returns how many runs were reloaded.
   */
  async restore(): Promise<number> {
    if (this.deps.threads === undefined) return 0;
    const saved = await this.deps.threads.loadAll();
    for (const t of saved) {
      if (this.runs.has(t.runId)) continue;
      this.runs.set(t.runId, threadFromSaved(t));
      for (const [id, m] of Object.entries(t.gates)) this.gateMessages.set(id, m);
    }
    return saved.length;
  }

  private async carryOut(
    effect: ThreadEffect,
    channel: string,
    e: EngineEvent,
    s: ThreadOfRun,
    posts: EventPosts,
  ): Promise<void> {
    switch (effect.kind) {
      case 'none':
        return;
      case 'parent':
        await this.parent(channel, s, posts);
        return;
      case 'step-reply': {
        const thread = await this.parent(channel, s, posts);
        await posts.post(channel, renderStepReply(effect.result), thread.ts);
        await uploadStepFiles(this.deps, { channel, threadTs: thread.ts }, e, effect);
        return;
      }
      case 'gate-posted': {
        const thread = await this.parent(channel, s, posts);
        const { message, commandsFile: file } = renderGateMessage(effect.gate);
        const posted = await posts.post(channel, message, thread.ts);
        s.gateTs.set(effect.gate.id, posted.ts);
        this.gateMessages.set(effect.gate.id, posted);
        if (file !== undefined) await this.deps.poster.upload(channel, thread.ts, { ...file, title: file.filename });
        return;
      }
      case 'gate-changed': {
        await this.parent(channel, s, posts);
        const ts = s.gateTs.get(effect.gate.id);
        if (ts !== undefined) await this.deps.poster.update(channel, ts, renderGate(effect.gate));
        return;
      }
      case 'line': {
        if (effect.inChannel) {
          await posts.post(channel, renderNotice('info', effect.text, effect.refs));
          return;
        }
        const thread = await this.parent(channel, s, posts);
        await posts.post(channel, renderNotice('info', effect.text, effect.refs), thread.ts);
        // A precheck's end: its checks × status at a glance, under the run's last line.
        const summary = e.type === 'run.finished' ? renderPrecheckSummary(s.run) : undefined;
        if (summary !== undefined) await posts.post(channel, summary, thread.ts);
        return;
      }
      default:
        assertNever(effect, 'thread effect');
    }
  }

  /** Saves the run's thread, gate messages and views; a failure is logged (the thread still works until a restart). */
  private async save(s: ThreadOfRun): Promise<void> {
    if (this.deps.threads === undefined) return;
    await this.deps.threads
      .save(threadToSaved(s, this.gateMessages))
      .catch((err: unknown) =>
        this.deps.log.warn({ runId: s.run.id, err: describeError(err) }, 'slack thread not saved'),
      );
  }

  /** Sends every parent edit still waiting for its delay (on shutdown), and stops the timers. */
  flush(): void {
    this.progress.flush();
    this.parentEdits.flush();
  }

  /** Posts the parent message the first time, then has it edited to the run's state (edits gathered). */
  private async parent(channel: string, s: ThreadOfRun, posts: EventPosts): Promise<PostedMessage> {
    if (s.parent === undefined) {
      s.parent = await posts.post(channel, renderRunMessage(s.run, this.deps.now()));
      return s.parent;
    }
    this.parentEdits.schedule(channel, s);
    return s.parent;
  }
}

import type { GateView, RunView } from './views.ts';
import type { OutputSummary } from './events.ts';

/**
 * What the Slack publisher keeps of a run across bot restarts: where its thread is (the parent message), the
 * message of each gate (a click must come from it), and the run's views, so that a restarted bot edits the
 * same parent and the same gate messages instead of starting a new thread.
 */
export interface SavedThread {
  readonly runId: string;
  readonly parent?: PostedMessage;
  /** Gate id → the message it was posted as. */
  readonly gates: Readonly<Record<string, PostedMessage>>;
  /** The run's chat state as the publisher last saved it; undefined when it was unreadable. */
  readonly state?: RunThreadState;
  /** The stream id of the last event applied to the run: replayed events up to it are not posted again. */
  readonly lastEventId?: string;
  /**
   * Posts about to be made for the event after `lastEventId` and not yet saved with their result: after a crash
   * they may or may not be in Slack (`findPosted` tells), so replaying that event posts each at most once.
   */
  readonly pendingPosts?: readonly PendingPost[];
}

/** A post about to be made: its key (also in the message's metadata), where, and when (ms). */
export interface PendingPost {
  readonly key: string;
  readonly channel: string;
  readonly threadTs?: string;
  readonly at: number;
}

/** Where the publisher persists its threads (Redis in production, `src/adapters/redis/redis-run-thread-store.ts`). */
export interface RunThreadStore {
  /** Every run saved recently enough to still matter, for the publisher to reload on start. */
  loadAll(): Promise<readonly SavedThread[]>;
  /** Replaces what is saved of one run; pending posts are cleared (the record now holds their result). */
  save(thread: SavedThread): Promise<void>;
  /** Records the posts about to be made for a run's next event, before they are made. */
  recordPending(runId: string, posts: readonly PendingPost[]): Promise<void>;
}

/** What the publisher remembers of one run between events. */
export interface RunThreadState {
  run: RunView;
  dryRun: boolean;
  phases: Map<string, 'forward' | 'rollback'>;
  targets: Map<string, readonly string[]>;
  outputs: Map<string, readonly OutputSummary[]>;
  gates: Map<string, GateView>;
}

/** Where a message landed: its channel and `ts` (a thread's key when it is a parent). */
export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

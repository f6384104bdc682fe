import type { GateView, RunView } from './views.ts';
import type { PostedMessage } from '../../adapters/slack/poster.ts';
import type { RunThreadState } from '../../adapters/slack/run-thread-state.ts';

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
  /** The run's chat state (`serializeThreadState`); undefined when it was unreadable. */
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

/** The inverse of `JSON.stringify(posts)`; entries that are not pending posts are left out. */
export function parsePendingPosts(text: string | undefined): readonly PendingPost[] {
  if (text === undefined) return [];
  try {
    const j = JSON.parse(text) as unknown;
    if (!Array.isArray(j)) return [];
    return j.filter((p: Partial<PendingPost>): p is PendingPost => typeof p?.key === 'string' && typeof p.channel === 'string' && typeof p.at === 'number' && (p.threadTs === undefined || typeof p.threadTs === 'string'));
  } catch {
    return [];
  }
}

interface StateJson {
  readonly run: RunView;
  readonly dryRun: boolean;
  readonly phases: [string, 'forward' | 'rollback'][];
  readonly targets: [string, readonly string[]][];
  readonly gates: [string, GateView][];
}

/** The run's chat state as JSON; output tails are left out (they only live until their step finishes). */
export function serializeThreadState(s: RunThreadState): string {
  const json: StateJson = { run: s.run, dryRun: s.dryRun, phases: [...s.phases], targets: [...s.targets], gates: [...s.gates] };
  return JSON.stringify(json);
}

/** The inverse of `serializeThreadState`; undefined for anything that is not one. */
export function parseThreadState(text: string | undefined): RunThreadState | undefined {
  if (text === undefined) return undefined;
  try {
    const j = JSON.parse(text) as Partial<StateJson>;
    if (typeof j.run?.id !== 'string' || !Array.isArray(j.run.steps) || !Array.isArray(j.phases) || !Array.isArray(j.targets) || !Array.isArray(j.gates)) return undefined;
    return { run: j.run, dryRun: j.dryRun === true, phases: new Map(j.phases), targets: new Map(j.targets), outputs: new Map(), gates: new Map(j.gates) };
  } catch {
    return undefined;
  }
}

import {
  type PendingPost,
  type PostedMessage,
  type RunThreadState,
  type SavedThread,
} from '../../core/ports/run-thread-store.ts';
import { newRunThreadState } from './run-thread-state.ts';

/**
 * A run's thread as the publisher holds it: its chat state, the parent message once posted, each gate's message
 * ts; `lastEventId`: the stream id of the last event applied (a replayed event up to it is skipped); `inDoubt`:
 * posts recorded but not saved with their result by an earlier process (see `EventPosts`).
 */
export type ThreadOfRun = RunThreadState & {
  parent?: PostedMessage;
  gateTs: Map<string, string>;
  lastEventId?: string;
  inDoubt?: readonly PendingPost[];
};

/** What is saved of a run's thread: its gate messages (among `gateMessages`), parent, state and position. */
export function threadToSaved(s: ThreadOfRun, gateMessages: ReadonlyMap<string, PostedMessage>): SavedThread {
  const gates = Object.fromEntries(
    [...s.gateTs.keys()].flatMap((id) => {
      const m = gateMessages.get(id);
      return m === undefined ? [] : [[id, m] as const];
    }),
  );
  const { parent, gateTs: _gateTs, lastEventId, inDoubt: _inDoubt, ...state } = s;
  return {
    runId: s.run.id,
    gates,
    state,
    ...(parent ? { parent } : {}),
    ...(lastEventId === undefined ? {} : { lastEventId }),
  };
}

/** A saved thread as the publisher holds it again (an unreadable state starts from an empty run). */
export function threadFromSaved(t: SavedThread): ThreadOfRun {
  const base =
    t.state ??
    newRunThreadState({
      site: '',
      runId: t.runId,
      at: 0,
      type: 'run.requested',
      requester: 'opsgate',
      runbook: 'run',
      args: {},
      dryRun: false,
    });
  return {
    ...base,
    gateTs: new Map(Object.entries(t.gates).map(([id, m]) => [id, m.ts])),
    ...(t.parent ? { parent: t.parent } : {}),
    ...(t.lastEventId === undefined ? {} : { lastEventId: t.lastEventId }),
    ...(t.pendingPosts === undefined ? {} : { inDoubt: t.pendingPosts }),
  };
}

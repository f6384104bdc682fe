import type { Site } from '../../core/sites/site.ts';
import type { EventSink } from '../../core/ports/events.ts';
import type { RemoteSession } from '../../core/ports/remote.ts';

/**
 * The SSH sessions of the runs a process is executing: one session per run, so one connection per host per
 * run, reused by every step. The engine asks for a session per step and closes it after the step; what it
 * gets here is a lease whose `close()` only hands the session back. The session itself is closed when the run
 * finishes (`end`), when no step used it for `idleMs` (the run waits at a gate or was decided elsewhere), or
 * when the process stops (`closeAll`). A connection that drops is redialled by the session on its next
 * command, so secrets it learned stay known for the rest of the run.
 */
export interface RunSessions {
  /** The run's session (opened on first use); `close()` on the lease releases it. */
  acquire(site: Site, runId: string): Promise<RemoteSession>;
  /** Closes the run's session now. */
  end(runId: string): Promise<void>;
  /** Closes every session; later `acquire` calls open new ones. */
  closeAll(): Promise<void>;
  /** How many runs hold an open (or opening) session. */
  size(): number;
}

/** Starts a timer and returns its cancel function; `setTimeout` (unref'd) by default. */
export type Schedule = (ms: number, fn: () => void) => () => void;

export interface RunSessionsDeps {
  /** Opens a fresh session to a site's hosts. */
  readonly open: (site: Site) => Promise<RemoteSession>;
  /** Close a session no step has used for this long (default 30 s). */
  readonly idleMs?: number;
  readonly schedule?: Schedule;
}

interface Entry {
  readonly session: Promise<RemoteSession>;
  leases: number;
  cancelIdle?: () => void;
}

const defaultSchedule: Schedule = (ms, fn) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/** Creates the per-run session cache over a session opener. */
export function createRunSessions(deps: RunSessionsDeps): RunSessions {
  const idleMs = deps.idleMs ?? 30_000;
  const schedule = deps.schedule ?? defaultSchedule;
  const entries = new Map<string, Entry>();

  const drop = async (runId: string, entry: Entry): Promise<void> => {
    if (entries.get(runId) !== entry) return;
    entries.delete(runId);
    entry.cancelIdle?.();
    const s = await entry.session.catch(() => undefined);
    await s?.close().catch(() => undefined);
  };

  const release = (runId: string, entry: Entry): void => {
    entry.leases -= 1;
    if (entry.leases > 0 || entries.get(runId) !== entry) return;
    entry.cancelIdle = schedule(idleMs, () => void drop(runId, entry));
  };

  return {
    async acquire(site, runId) {
      let entry = entries.get(runId);
      if (entry === undefined) {
        const fresh: Entry = { session: deps.open(site), leases: 0 };
        entries.set(runId, fresh);
        // A session that could not be opened is not cached: the next step tries again.
        fresh.session.catch(() => {
          if (entries.get(runId) === fresh) entries.delete(runId);
        });
        entry = fresh;
      }
      entry.cancelIdle?.();
      delete entry.cancelIdle;
      entry.leases += 1;
      const held = entry;
      let session: RemoteSession;
      try {
        session = await held.session;
      } catch (e) {
        held.leases -= 1;
        throw e;
      }
      return lease(session, () => release(runId, held));
    },
    async end(runId) {
      const entry = entries.get(runId);
      if (entry !== undefined) await drop(runId, entry);
    },
    async closeAll() {
      await Promise.all([...entries].map(([runId, entry]) => drop(runId, entry)));
    },
    size: () => entries.size,
  };
}

/** The session as one step sees it: everything passes through except `close`, which releases it once. */
function lease(session: RemoteSession, release: () => void): RemoteSession {
  let released = false;
  const batch = session.fanOutBatch;
  return {
    exec: (host, req, opts) => session.exec(host, req, opts),
    fanOut: (hosts, req, opts) => session.fanOut(hosts, req, opts),
    ...(batch === undefined
      ? {}
      : { fanOutBatch: (hosts, commands, opts) => batch.call(session, hosts, commands, opts) }),
    upload: (host, req) => session.upload(host, req),
    learnSecret: (value) => session.learnSecret(value),
    redact: (text) => session.redact(text),
    close: async () => {
      if (released) return;
      released = true;
      release();
    },
  };
}

/** Passes events on and closes a run's session as soon as the run finishes. */
export function endingSessions(events: EventSink, sessions: Pick<RunSessions, 'end'>): EventSink {
  return {
    async emit(event) {
      await events.emit(event);
      if (event.type === 'run.finished') await sessions.end(event.runId);
    },
  };
}

import { describeError } from '../../core/opsgate-error.ts';
import type { EventSource } from '../../core/ports/event-source.ts';
import type { StoredEvent } from '../../core/ports/events.ts';
import type { RunSummary } from '../../core/ports/views.ts';
import type { DriveNotice } from './drive-notice.ts';

/** How long `opsgate run` waits for a lost Redis by default before it stops following the run. */
export const DEFAULT_REDIS_WAIT_MS = 60_000;

/** Between two attempts to reach a lost Redis. */
const RETRY_MS = 1000;

/** What following a run through Redis outages needs. */
export interface FollowDeps {
  readonly events: EventSource;
  /** The run as Redis has it now: tells a run that survived a Redis restart from one that was lost with it. */
  readonly getRun: (runId: string) => Promise<RunSummary | undefined>;
  readonly notify: (notice: DriveNotice) => void;
  /** Where Redis is, for messages (never a password). */
  readonly redisWhere: string;
  /** How long Redis may stay away before the follow ends (default `DEFAULT_REDIS_WAIT_MS`). */
  readonly redisWaitMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The run's next events, or why following it ended (already told through `notify`). */
export type NextEvents =
  { readonly ok: true; readonly events: readonly StoredEvent[] } | { readonly ok: false; readonly reason: string };

/**
 * The next events of the site's stream after `after` (waiting up to a second for one). When Redis stops
 * answering it says so once and tries again every second; once Redis answers, it re-reads the run (one that came
 * back without its data has lost the run: said, and following ends) and goes on from `after`, so every event
 * emitted meanwhile is still shown. After `redisWaitMs` without Redis following ends, naming where Redis is.
 */
export async function nextRunEvents(deps: FollowDeps, site: string, runId: string, after: string): Promise<NextEvents> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waitMs = deps.redisWaitMs ?? DEFAULT_REDIS_WAIT_MS;
  const where = deps.redisWhere;
  const gaveUp = (reason: 'redis-down' | 'run-lost', message: string): NextEvents => {
    deps.notify({ type: 'gave-up', runId, redis: where, reason, message });
    return { ok: false, reason: message };
  };
  let lostAt: number | undefined;
  for (;;) {
    try {
      const events = await deps.events.read(site, after, { blockMs: 1000, count: 100 });
      if (lostAt !== undefined) {
        const run = await deps.getRun(runId);
        if (run === undefined)
          return gaveUp(
            'run-lost',
            `run ${runId} is no longer in ${where}: Redis came back without its data (it persists nothing?); this command cannot follow it any more`,
          );
        const downMs = now() - lostAt;
        lostAt = undefined;
        deps.notify({
          type: 'redis-back',
          runId,
          redis: where,
          downMs,
          message: `${where} answers again after ${seconds(downMs)}; run ${runId} ${runNow(run)}; following it again`,
        });
      }
      return { ok: true, events };
    } catch (e) {
      const error = describeRedisFault(e);
      if (lostAt === undefined) {
        lostAt = now();
        deps.notify({
          type: 'redis-lost',
          runId,
          redis: where,
          error,
          waitMs,
          message: `⚠ lost ${where} (${error}); following run ${runId} again when it is back, for up to ${seconds(waitMs)}`,
        });
      } else if (now() - lostAt >= waitMs) {
        return gaveUp(
          'redis-down',
          `${where} did not come back within ${seconds(waitMs)} (${error}); run ${runId} goes on without this command: follow it with opsgate start or in Slack once Redis is back`,
        );
      }
      await sleep(RETRY_MS);
    }
  }
}

/** ioredis's own words for a lost connection, in ours; anything else as it is. */
export function describeRedisFault(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  if (name === 'MaxRetriesPerRequestError') return 'no answer: the connection is lost';
  return describeError(e);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

function runNow(run: RunSummary): string {
  return run.awaiting === undefined ? `is ${run.state}` : `is ${run.state}, ${run.awaiting}`;
}

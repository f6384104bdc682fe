import type { Clock } from '../../../core/ports/clock.ts';
import type { SqlSession } from '../../../core/ports/sql.ts';
import { err, ok, type Result } from '../../../core/result.ts';
import { evaluatePoll, pollTimeoutMs, type ObPoll, type PollObservation } from './ob-poll.ts';

/** What waiting needs: time, a way to pause, and somewhere to show progress (the run's thread). */
export interface PollDeps {
  readonly sql: SqlSession;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onProgress?: (poll: ObPoll, observation: PollObservation, elapsedMs: number) => void;
}

/** A wait that ran out of time, with the last thing it saw. */
export interface PollTimedOut {
  readonly poll: ObPoll;
  readonly last: PollObservation;
  readonly waitedMs: number;
  readonly message: string;
}

/**
 * Polls until the poll's condition holds or its timeout (scaled by `tenantCount` where the poll says so) has
 * passed. A one-shot poll is evaluated once. Not reaching the condition is an expected outcome (a `Result`);
 * SQL and transport errors are thrown by the session.
 */
export async function awaitPoll(
  deps: PollDeps,
  poll: ObPoll,
  scale: { readonly tenantCount: number; readonly explicitTimeoutSec?: number },
): Promise<Result<PollObservation, PollTimedOut>> {
  const limit = pollTimeoutMs(poll.timeout, scale.tenantCount, scale.explicitTimeoutSec ?? 0);
  const started = deps.clock.now();
  for (;;) {
    const res = await deps.sql.query(poll.sql, { label: poll.id });
    const seen = evaluatePoll(poll, res.rows);
    const elapsed = deps.clock.now() - started;
    deps.onProgress?.(poll, seen, elapsed);
    if (seen.done) return ok(seen);
    if (elapsed + poll.intervalSec * 1000 > limit) {
      return err({
        poll,
        last: seen,
        waitedMs: elapsed,
        message:
          poll.timeoutMessage ??
          `${poll.title}: not reached within ${Math.round(limit / 1000)} s (last seen: ${seen.observed})`,
      });
    }
    await deps.sleep(poll.intervalSec * 1000);
  }
}

import type { Clock } from '../../../core/ports/clock.ts';
import type { SqlResult, SqlSession } from '../../../core/ports/sql.ts';
import { isOpsgateError } from '../../../core/opsgate-error.ts';
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
 * passed. A one-shot poll is evaluated once. Not reaching the condition is an expected outcome (a `Result`).
 * A statement that could not reach the cluster (the observer went away, a timeout: the session's retryable
 * errors) counts as one more poll that did not see the condition, until the wait's own timeout; a statement the
 * server rejected is thrown at once, as is any error of a one-shot poll.
 */
export async function awaitPoll(
  deps: PollDeps,
  poll: ObPoll,
  scale: { readonly tenantCount: number; readonly explicitTimeoutSec?: number },
): Promise<Result<PollObservation, PollTimedOut>> {
  const limit = pollTimeoutMs(poll.timeout, scale.tenantCount, scale.explicitTimeoutSec ?? 0);
  const started = deps.clock.now();
  for (;;) {
    const res = await queryOrUnreachable(deps.sql, poll, limit);
    const seen: PollObservation =
      'error' in res ? { done: false, observed: `no answer: ${res.error}` } : evaluatePoll(poll, res.rows);
    const elapsed = deps.clock.now() - started;
    deps.onProgress?.(poll, seen, elapsed);
    if (seen.done) return ok(seen);
    if (elapsed + poll.intervalSec * 1000 > limit) {
      return err({
        poll,
        last: seen,
        waitedMs: elapsed,
        message:
          poll.timeoutMessage === undefined
            ? `${poll.title}: not reached within ${Math.round(limit / 1000)} s (last seen: ${seen.observed})`
            : `${poll.timeoutMessage}${'error' in res ? ` (last seen: ${seen.observed})` : ''}`,
      });
    }
    await deps.sleep(poll.intervalSec * 1000);
  }
}

/**
 * Runs the poll's statement. An error another attempt may get past comes back as its message, when the poll may be
 * repeated at all (not a one-shot).
 */
async function queryOrUnreachable(
  sql: SqlSession,
  poll: ObPoll,
  limitMs: number,
): Promise<SqlResult | { readonly error: string }> {
  try {
    return await sql.query(poll.sql, { label: poll.id });
  } catch (e) {
    if (limitMs <= 0 || !isOpsgateError(e) || !e.retryable) throw e;
    return { error: e.message };
  }
}

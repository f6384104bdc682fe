/**
 * Remembers the chat requests already handled (by Slack's `trigger_id`, and a click's `action_ts`) for longer
 * than a signed request stays valid, so that a replayed request, or Slack's own duplicate, is not acted on twice.
 * Shared by every bot process and kept across restarts in production (Redis,
 * `src/adapters/redis/redis-replay-guard.ts`); an in-memory one serves tests and a single short-lived process.
 */
export interface ReplayGuard {
  /**
   * Records `key` and says whether this was its first time within `REPLAY_WINDOW_MS`; false for a repeat. Atomic:
   * of two processes recording one key at once, exactly one is told true. Throws when the memory cannot be
   * reached (the request is then refused, never acted on blind).
   */
  firstTime(key: string): Promise<boolean>;
}

/**
 * How long a handled request is remembered. A signed request is accepted up to 5 minutes either side of its
 * timestamp, so its replay may come up to 10 minutes after it was first handled; 15 minutes leaves a margin
 * for clocks and slow handling.
 */
export const REPLAY_WINDOW_MS = 15 * 60_000;

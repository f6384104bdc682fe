import { REPLAY_WINDOW_MS, type ReplayGuard } from '../../core/ports/replay-guard.ts';

/**
 * A `ReplayGuard` in this process's memory: forgotten on restart and not shared with other bot processes, so only
 * for tests and a single bot without Redis. Keys are kept in insertion order, so expired ones are dropped from
 * the front.
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = REPLAY_WINDOW_MS,
  ) {}

  firstTime(key: string): Promise<boolean> {
    const t = this.now();
    for (const [k, until] of this.seen) {
      if (until > t) break;
      this.seen.delete(k);
    }
    if ((this.seen.get(key) ?? 0) > t) return Promise.resolve(false);
    this.seen.set(key, t + this.ttlMs);
    return Promise.resolve(true);
  }
}

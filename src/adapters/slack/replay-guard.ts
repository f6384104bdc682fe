/**
 * Remembers the interactions already handled (by Slack's `trigger_id`) for longer than a signed request stays
 * valid (5 min), so a replayed request, or Slack's own duplicate, is recognised and not acted on twice.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  /** True the first time `key` is seen within the window; false for a repeat. */
  firstTime(key: string): boolean {
    const t = this.now();
    for (const [k, until] of this.seen) {
      if (until > t) break;
      this.seen.delete(k);
    }
    if ((this.seen.get(key) ?? 0) > t) return false;
    this.seen.set(key, t + this.ttlMs);
    return true;
  }
}

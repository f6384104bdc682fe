/** What a worker says about itself in each heartbeat. */
export interface WorkerInfo {
  readonly id: string;
  readonly sites: readonly string[];
  readonly pid: number;
  readonly host: string;
  readonly version: string;
  readonly startedAt: number;
  /** Set when the worker is draining (SIGTERM): it takes no new steps. */
  readonly draining?: boolean;
}

/** A worker as last seen. */
export interface WorkerBeat extends WorkerInfo {
  readonly lastBeat: number;
  readonly expiresAt: number;
}

/** The sentence people see when no live worker serves a site. */
export function noWorkerMessage(site: string): string {
  return `no worker is serving ${site}: start \`opsgate worker --sites ${site}\` inside the site's network`;
}

/** Where workers announce themselves, so that the bot can tell whether a site's queue is served. */
export interface WorkerRegistry {
  /** Records a beat valid for `ttlMs`. */
  beat(info: WorkerInfo, now: number, ttlMs: number): Promise<void>;
  /** Forgets a worker that stopped cleanly. */
  remove(id: string): Promise<void>;
  /** Every worker whose last beat is still valid at `now`. */
  live(now: number): Promise<readonly WorkerBeat[]>;
  /** How many live workers serve each of `sites`. */
  servingCounts(sites: readonly string[], now: number): Promise<Map<string, number>>;
  /**
   * The last beat of each named worker, live or not, as long as the registry remembers it (a day after its last
   * beat); a worker that stopped cleanly, or was never seen, is absent. This is what tells whoever finds a step
   * still `running` on a worker that stopped beating which worker it was and when it was last heard of.
   */
  lastBeats(ids: readonly string[]): Promise<ReadonlyMap<string, WorkerBeat>>;
}

/** How many of `workers` (the live ones) serve each of `sites` without draining (0 for a site nobody serves). */
export function countServing(workers: readonly WorkerBeat[], sites: readonly string[]): Map<string, number> {
  const counts = new Map(sites.map((s) => [s, 0]));
  for (const w of workers) {
    if (w.draining === true) continue;
    for (const s of w.sites) if (counts.has(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

/**
 * Where a chat process remembers how far it has read each site's event stream, so that a restarted process
 * resumes there and renders what was emitted while it was down (Redis in production,
 * `src/adapters/redis/redis-event-cursors.ts`). One set of cursors per consumer name.
 */
export interface EventCursors {
  /** The id of the last event handled for the site; undefined the first time the consumer ever runs. */
  get(site: string): Promise<string | undefined>;
  /** Records that every event up to `id` of the site has been handled. */
  set(site: string, id: string): Promise<void>;
}

/**
 * Orders two stream ids (`<ms>-<seq>`, as Redis streams give them): negative when `a` comes first, 0 when equal.
 * The parts are compared as numbers because as strings `9-0` would sort after `10-0`.
 */
export function compareEventIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(toBigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(toBigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function toBigInt(part: string): bigint {
  return /^\d+$/.test(part) ? BigInt(part) : 0n;
}

/**
 * Whether the run store keeps its data across a restart of its server. Runs, gates and queued steps live there:
 * a store that persists nothing loses a run in the middle of an upgrade when it restarts, and leaves the site with
 * no run to roll back. `src/adapters/redis/redis-persistence.ts` reads it from the Redis server.
 *
 * - `aof`: every write is logged (Redis `appendonly yes`);
 * - `rdb`: the server writes snapshots (Redis `save` rules, or, where `CONFIG` is disabled, a snapshot seen
 *   since it started);
 * - `none`: nothing is written: a restart empties the store;
 * - `unknown`: the server would not say (Redis with `CONFIG` disabled, AOF off and no snapshot since start).
 */
export type Persistence = 'aof' | 'rdb' | 'none' | 'unknown';

/** Asked each time a run is requested, since the server may be reconfigured or restarted after opsgate started. */
export interface StorePersistence {
  /** The store's persistence as its server tells it now; throws when the server cannot be reached. */
  read(): Promise<Persistence>;
}

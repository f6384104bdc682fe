import type { Redis } from 'ioredis';
import {
  countServing,
  type WorkerBeat,
  type WorkerInfo,
  type WorkerRegistry,
} from '../../core/ports/worker-registry.ts';

/** How long the last beat of a worker is remembered after it was written, live or not. */
export const LAST_BEAT_MEMORY_MS = 86_400_000;

/**
 * Worker heartbeats in Redis: a sorted set `<prefix>workers` (worker id → when its beat expires) and one key
 * `<prefix>worker:<id>` with its last beat, both refreshed by every beat. A worker that stops beating (killed, its
 * network gone) drops out of the live ones once its beat expires, while its last beat is kept for a day, so that
 * whoever finds its steps can say which worker it was and when it was last heard of; a worker that stops cleanly
 * removes itself.
 */
export class RedisWorkerRegistry implements WorkerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get setKey(): string {
    return `${this.prefix}workers`;
  }

  private infoKey(id: string): string {
    return `${this.prefix}worker:${id}`;
  }

  /** Records a beat valid for `ttlMs`. */
  async beat(info: WorkerInfo, now: number, ttlMs: number): Promise<void> {
    const beat: WorkerBeat = { ...info, lastBeat: now, expiresAt: now + ttlMs };
    await this.redis
      .multi()
      .set(this.infoKey(info.id), JSON.stringify(beat), 'PX', Math.max(ttlMs, LAST_BEAT_MEMORY_MS))
      .zadd(this.setKey, now + ttlMs, info.id)
      .exec();
  }

  async remove(id: string): Promise<void> {
    await this.redis.multi().del(this.infoKey(id)).zrem(this.setKey, id).exec();
  }

  /** Workers whose last beat has not expired, oldest first; expired entries are cleaned up on the way. */
  async live(now: number): Promise<readonly WorkerBeat[]> {
    await this.redis.zremrangebyscore(this.setKey, '-inf', now);
    const ids = await this.redis.zrangebyscore(this.setKey, now, '+inf');
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(...ids.map((id) => this.infoKey(id)));
    return raw
      .flatMap((r) => (r === null ? [] : [JSON.parse(r) as WorkerBeat]))
      .filter((w) => w.expiresAt > now)
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  /** The last beat of each named worker still remembered (see `LAST_BEAT_MEMORY_MS`), live or not. */
  async lastBeats(ids: readonly string[]): Promise<ReadonlyMap<string, WorkerBeat>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const raw = await this.redis.mget(...unique.map((id) => this.infoKey(id)));
    const beats = new Map<string, WorkerBeat>();
    unique.forEach((id, i) => {
      const r = raw[i];
      if (r !== null && r !== undefined) beats.set(id, JSON.parse(r) as WorkerBeat);
    });
    return beats;
  }

  /** How many live, non-draining workers serve each of `sites` (0 for a site nobody serves). */
  async servingCounts(sites: readonly string[], now: number): Promise<Map<string, number>> {
    return countServing(await this.live(now), sites);
  }
}

import type { Redis } from 'ioredis';
import {
  type PendingPost,
  type PostedMessage,
  type RunThreadStore,
  type SavedThread,
} from '../../core/ports/run-thread-store.ts';
import { parsePendingPosts, parseThreadState, serializeThreadState } from './saved-thread-json.ts';
import type { Clock } from '../../core/ports/clock.ts';

/** Options of `RedisRunThreadStore`. */
export interface RedisRunThreadStoreOptions {
  readonly redis: Redis;
  /** The deployment's key prefix (`OPSGATE_REDIS_PREFIX`). */
  readonly prefix: string;
  readonly clock: Clock;
  /** How long a run's thread is remembered after its last change (default 30 days). */
  readonly ttlMs?: number;
}

const DEFAULT_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * A small hash per run (`<prefix>slack:thread:<run>`: `channel`, `ts`, `gate:<id>` = `channel ts`, `state`, `event` =
 * the last applied event id, `pending` = the posts about to be made for the next event, JSON)
 * expiring `ttlMs` after its last change, and a sorted set of run ids by last change
 * (`<prefix>slack:threads`) so that a starting bot finds them without scanning the keyspace.
 */
export class RedisRunThreadStore implements RunThreadStore {
  private readonly ttlMs: number;

  constructor(private readonly opts: RedisRunThreadStoreOptions) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  }

  private get index(): string {
    return `${this.opts.prefix}slack:threads`;
  }

  private key(runId: string): string {
    return `${this.opts.prefix}slack:thread:${runId}`;
  }

  async save(t: SavedThread): Promise<void> {
    const fields: Record<string, string> = {};
    if (t.parent !== undefined) Object.assign(fields, { channel: t.parent.channel, ts: t.parent.ts });
    for (const [id, m] of Object.entries(t.gates)) fields[`gate:${id}`] = `${m.channel} ${m.ts}`;
    if (t.state !== undefined) fields.state = serializeThreadState(t.state);
    if (t.lastEventId !== undefined) fields.event = t.lastEventId;
    const now = this.opts.clock.now();
    await this.opts.redis
      .multi()
      .hset(this.key(t.runId), fields)
      .hdel(this.key(t.runId), 'pending')
      .pexpire(this.key(t.runId), this.ttlMs)
      .zadd(this.index, now, t.runId)
      .zremrangebyscore(this.index, '-inf', now - this.ttlMs)
      .exec();
  }

  async recordPending(runId: string, posts: readonly PendingPost[]): Promise<void> {
    const now = this.opts.clock.now();
    await this.opts.redis
      .multi()
      .hset(this.key(runId), 'pending', JSON.stringify(posts))
      .pexpire(this.key(runId), this.ttlMs)
      .zadd(this.index, now, runId)
      .exec();
  }

  async loadAll(): Promise<readonly SavedThread[]> {
    const ids = await this.opts.redis.zrangebyscore(this.index, this.opts.clock.now() - this.ttlMs, '+inf');
    if (ids.length === 0) return [];
    const pipe = this.opts.redis.pipeline();
    for (const id of ids) pipe.hgetall(this.key(id));
    const rows = (await pipe.exec()) ?? [];
    return ids.flatMap((runId, i) => {
      const h = rows[i]?.[1] as Record<string, string> | undefined;
      if (h === undefined || Object.keys(h).length === 0) return [];
      const gates: Record<string, PostedMessage> = {};
      for (const [field, value] of Object.entries(h)) {
        const [channel, ts] = value.split(' ');
        if (field.startsWith('gate:') && channel !== undefined && ts !== undefined)
          gates[field.slice('gate:'.length)] = { channel, ts };
      }
      const state = parseThreadState(h.state);
      const parent = h.channel !== undefined && h.ts !== undefined ? { channel: h.channel, ts: h.ts } : undefined;
      const pendingPosts = parsePendingPosts(h.pending);
      return [
        {
          runId,
          gates,
          ...(parent ? { parent } : {}),
          ...(state ? { state } : {}),
          ...(h.event === undefined ? {} : { lastEventId: h.event }),
          ...(pendingPosts.length > 0 ? { pendingPosts } : {}),
        },
      ];
    });
  }
}

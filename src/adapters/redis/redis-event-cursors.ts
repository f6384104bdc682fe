import type { Redis } from 'ioredis';
import type { EventCursors } from '../../core/ports/event-cursors.ts';

/**
 * One hash per consumer (`<prefix>events:cursor:<consumer>`, field = site, value = the last handled stream id).
 * No expiry: a consumer away longer than the stream's cap resumes at the oldest event still kept.
 */
export class RedisEventCursors implements EventCursors {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly consumer: string,
  ) {}

  private get key(): string {
    return `${this.prefix}events:cursor:${this.consumer}`;
  }

  async get(site: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, site)) ?? undefined;
  }

  async set(site: string, id: string): Promise<void> {
    await this.redis.hset(this.key, site, id);
  }
}

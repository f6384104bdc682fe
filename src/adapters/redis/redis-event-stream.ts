import type { Redis } from 'ioredis';
import type { EngineEvent, EventFeed, EventSink, StoredEvent } from '../../core/ports/events.ts';

/**
 * Engine events on one Redis stream per site (`<prefix>events:<site>`), capped at about `maxLen` entries: the
 * worker writes, chat processes anywhere read. Each entry holds the event as one JSON field.
 */
export class RedisEventStream implements EventSink, EventFeed {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxLen = 10_000,
  ) {}

  key(site: string): string {
    return `${this.prefix}events:${site}`;
  }

  async emit(event: EngineEvent): Promise<void> {
    await this.redis.xadd(
      this.key(event.site),
      'MAXLEN',
      '~',
      String(this.maxLen),
      '*',
      'event',
      JSON.stringify(event),
    );
  }

  async read(
    site: string,
    afterId: string,
    opts: { readonly count?: number; readonly blockMs?: number } = {},
  ): Promise<readonly StoredEvent[]> {
    const count = String(opts.count ?? 100);
    const res =
      opts.blockMs === undefined
        ? await this.redis.xread('COUNT', count, 'STREAMS', this.key(site), afterId)
        : await this.redis.xread('COUNT', count, 'BLOCK', String(opts.blockMs), 'STREAMS', this.key(site), afterId);
    const entries = res?.[0]?.[1] ?? [];
    return entries.flatMap(([id, fields]) => {
      const i = fields.indexOf('event');
      const json = i >= 0 ? fields[i + 1] : undefined;
      return json === undefined ? [] : [{ id, event: JSON.parse(json) as EngineEvent }];
    });
  }
}

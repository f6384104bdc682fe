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
    return toEvents(res?.[0]?.[1] ?? []);
  }

  /**
   * One XREAD over several sites' streams, each after its own id: what a blocking read of many sites must be, since
   * Redis serves the blocking reads of one connection one after another. Sites with nothing new are left out.
   */
  async readMany(
    after: ReadonlyMap<string, string>,
    opts: { readonly count: number; readonly blockMs: number },
  ): Promise<Map<string, readonly StoredEvent[]>> {
    const sites = [...after.keys()];
    const res = await this.redis.xread(
      'COUNT',
      String(opts.count),
      'BLOCK',
      String(opts.blockMs),
      'STREAMS',
      ...sites.map((s) => this.key(s)),
      ...sites.map((s) => after.get(s) ?? '$'),
    );
    const out = new Map<string, readonly StoredEvent[]>();
    for (const [key, entries] of res ?? []) {
      const site = sites.find((s) => this.key(s) === key);
      if (site !== undefined) out.set(site, toEvents(entries));
    }
    return out;
  }
}

function toEvents(entries: readonly [id: string, fields: string[]][]): StoredEvent[] {
  return entries.flatMap(([id, fields]) => {
    const i = fields.indexOf('event');
    const json = i >= 0 ? fields[i + 1] : undefined;
    return json === undefined ? [] : [{ id, event: JSON.parse(json) as EngineEvent }];
  });
}

import type { EngineEvent, StoredEvent } from '../../../src/core/ports/events.ts';

/** An in-memory stand-in for the runtime's event source: events pushed per site, read after an id, blocking briefly. */
export class MemoryEventSource {
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  push(event: EngineEvent): void {
    const list = this.streams.get(event.site) ?? [];
    list.push({ id: `${++this.seq}-0`, event });
    this.streams.set(event.site, list);
    for (const w of [...this.waiters]) w();
  }

  async latestId(site: string): Promise<string> {
    return this.streams.get(site)?.at(-1)?.id ?? '0-0';
  }

  async read(
    site: string,
    afterId: string,
    opts: { count?: number; blockMs?: number } = {},
  ): Promise<readonly StoredEvent[]> {
    const after = Number(afterId.split('-')[0]);
    const pending = () =>
      (this.streams.get(site) ?? []).filter((e) => Number(e.id.split('-')[0]) > after).slice(0, opts.count ?? 100);
    if (pending().length > 0 || !opts.blockMs) return pending();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, opts.blockMs);
      this.waiters.add(done);
    });
    return pending();
  }
}

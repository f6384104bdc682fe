import type { StoredEvent } from '../../core/ports/events.ts';
import type { RedisEventStream } from './redis-event-stream.ts';

interface Waiting {
  readonly after: string;
  readonly count: number;
  readonly blockMs: number;
  readonly resolve: (events: readonly StoredEvent[]) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Blocking reads of many sites' event streams over one Redis connection, merged into one XREAD per round. Each
 * site's follower blocks on its own stream; done one by one on a shared connection, Redis would serve them one
 * after another (with 100 quiet sites and a 500 ms block, an event waited up to 50 s). Here every read waiting at
 * the start of a round is part of that round's single XREAD, which returns as soon as any of the sites has
 * something; the others get nothing and ask again at once. Non-blocking reads go straight through.
 */
export class CoalescedEventReads {
  private readonly waiting = new Map<string, Waiting[]>();
  private round: Promise<void> | undefined;

  constructor(private readonly stream: RedisEventStream) {}

  read(
    site: string,
    afterId: string,
    opts: { readonly count?: number; readonly blockMs?: number } = {},
  ): Promise<readonly StoredEvent[]> {
    if (opts.blockMs === undefined) return this.stream.read(site, afterId, opts);
    return new Promise((resolve, reject) => {
      const w: Waiting = { after: afterId, count: opts.count ?? 100, blockMs: opts.blockMs ?? 0, resolve, reject };
      this.waiting.set(site, [...(this.waiting.get(site) ?? []), w]);
      // Started on the next turn, so the followers that ask together share the round.
      this.round ??= new Promise<void>((r) => setImmediate(r)).then(() => this.runRound());
    });
  }

  private async runRound(): Promise<void> {
    const batch = new Map(this.waiting);
    this.waiting.clear();
    // One reader per site and round: a second read of the same site (rare) waits for the next round.
    const first = new Map<string, Waiting>();
    for (const [site, list] of batch) {
      const [head, ...rest] = list;
      if (head !== undefined) first.set(site, head);
      if (rest.length > 0) this.waiting.set(site, rest);
    }
    const all = [...first.values()];
    try {
      const got = await this.stream.readMany(new Map([...first].map(([site, w]) => [site, w.after])), {
        count: Math.max(...all.map((w) => w.count)),
        blockMs: Math.min(...all.map((w) => w.blockMs)),
      });
      for (const [site, w] of first) w.resolve((got.get(site) ?? []).slice(0, w.count));
    } catch (e) {
      for (const w of all) w.reject(e);
    } finally {
      this.round = undefined;
      if (this.waiting.size > 0) this.round = new Promise<void>((r) => setImmediate(r)).then(() => this.runRound());
    }
  }
}

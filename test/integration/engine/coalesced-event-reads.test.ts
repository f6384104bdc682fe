import { describe, expect, it } from 'vitest';
import { CoalescedEventReads } from '../../../src/adapters/redis/coalesced-event-reads.ts';
import { RedisEventStream } from '../../../src/adapters/redis/redis-event-stream.ts';
import type { StoredEvent } from '../../../src/core/ports/events.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';

/** A stream that counts the XREAD rounds it is asked for (each is one real XREAD on the test Redis). */
class CountingStream extends RedisEventStream {
  rounds: number[] = [];
  override readMany(...args: Parameters<RedisEventStream['readMany']>): ReturnType<RedisEventStream['readMany']> {
    this.rounds.push(args[0].size);
    return super.readMany(...args);
  }
}

const expired = (site: string, gateId: string) =>
  ({ type: 'gate.expired', site, runId: 'r', at: 1, gateId, stepId: 's' }) as const;

describe('CoalescedEventReads', () => {
  it('follows 100 quiet sites on one connection with one XREAD per round, so an event is not queued behind them', async () => {
    const keys = new RedisTestKeys();
    try {
      const writer = new RedisEventStream(keys.connect(), keys.prefix);
      const stream = new CountingStream(keys.connect(), keys.prefix);
      const reads = new CoalescedEventReads(stream);
      const sites = Array.from({ length: 100 }, (_, i) => `site${i}`);
      const got = new Map<string, StoredEvent[]>();
      let stopped = false;
      const follow = async (site: string): Promise<void> => {
        let after = '0-0';
        while (!stopped) {
          for (const e of await reads.read(site, after, { blockMs: 500 })) {
            got.set(site, [...(got.get(site) ?? []), e]);
            after = e.id;
          }
        }
      };
      const followers = Promise.all(sites.map(follow));
      // Every follower is waiting in the first round before the event is written.
      while (stream.rounds.length === 0) await new Promise((r) => setImmediate(r));
      expect(stream.rounds[0]).toBe(100);
      const before = stream.rounds.length;
      await writer.emit(expired('site73', 'g1'));
      while (!got.has('site73')) await new Promise((r) => setTimeout(r, 5));
      // Delivered by the round that was waiting, or the one after it: never by one blocking read per site.
      expect(stream.rounds.length - before).toBeLessThanOrEqual(2);
      expect(got.get('site73')?.map((e) => e.event.type === 'gate.expired' && e.event.gateId)).toEqual(['g1']);
      expect([...got.keys()]).toEqual(['site73']);
      stopped = true;
      await followers;
    } finally {
      await keys.close();
    }
  });

  it('gives each site only its own events, after its own position', async () => {
    const keys = new RedisTestKeys();
    try {
      const writer = new RedisEventStream(keys.connect(), keys.prefix);
      const reads = new CoalescedEventReads(new RedisEventStream(keys.connect(), keys.prefix));
      await writer.emit(expired('a', 'a1'));
      await writer.emit(expired('b', 'b1'));
      await writer.emit(expired('a', 'a2'));
      const [a, b] = await Promise.all([
        reads.read('a', '0-0', { blockMs: 100 }),
        reads.read('b', '0-0', { blockMs: 100 }),
      ]);
      const ids = (es: readonly StoredEvent[]) =>
        es.map((e) => (e.event.type === 'gate.expired' ? e.event.gateId : ''));
      expect(ids(a ?? [])).toEqual(['a1', 'a2']);
      expect(ids(b ?? [])).toEqual(['b1']);
      const later = await reads.read('a', a?.[0]?.id ?? '', { blockMs: 100 });
      expect(ids(later)).toEqual(['a2']);
    } finally {
      await keys.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { checkRedis } from '../../../src/store/check-redis.ts';
import { RedisEventStream } from '../../../src/store/redis-event-stream.ts';
import { RedisRunStore } from '../../../src/store/redis-run-store.ts';
import { runStoreContract } from '../../support/contracts/run-store-contract.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';

runStoreContract('RedisRunStore', async () => {
  const keys = new RedisTestKeys();
  return { store: new RedisRunStore(keys.connect(), keys.prefix), close: () => keys.close() };
});

describe('RedisEventStream', () => {
  it('lets another connection read a site\'s events in order, from where it left off', async () => {
    const keys = new RedisTestKeys();
    try {
      const writer = new RedisEventStream(keys.connect(), keys.prefix);
      const reader = new RedisEventStream(keys.connect(), keys.prefix);
      await writer.emit({ type: 'gate.expired', site: 'x', runId: 'r', at: 1, gateId: 'g1', stepId: 's' });
      await writer.emit({ type: 'gate.expired', site: 'x', runId: 'r', at: 2, gateId: 'g2', stepId: 's' });
      await writer.emit({ type: 'gate.expired', site: 'other', runId: 'r', at: 3, gateId: 'g3', stepId: 's' });
      const first = await reader.read('x', '0');
      expect(first.map((e) => e.event.type === 'gate.expired' && e.event.gateId)).toEqual(['g1', 'g2']);
      expect(await reader.read('x', first[1]!.id, { blockMs: 10 })).toEqual([]);
    } finally {
      await keys.close();
    }
  });
});

describe('checkRedis', () => {
  it('accepts the local Redis (noeviction) and warns that it persists nothing', async () => {
    const keys = new RedisTestKeys();
    try {
      const r = await checkRedis(keys.connect());
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.maxmemoryPolicy).toBe('noeviction');
      if (r.value.persistence === 'none') expect(r.value.warning).toMatch(/persists nothing/);
    } finally {
      await keys.close();
    }
  });
});

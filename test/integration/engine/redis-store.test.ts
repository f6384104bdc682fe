import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { checkRedis } from '../../../src/adapters/redis/check-redis.ts';
import { RedisEventStream } from '../../../src/adapters/redis/redis-event-stream.ts';
import { RedisRunStore } from '../../../src/adapters/redis/redis-run-store.ts';
import { runStoreContract } from '../../support/contracts/run-store-contract.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { startRedis } from './private-redis.ts';

runStoreContract('RedisRunStore', async () => {
  const keys = new RedisTestKeys();
  return { store: new RedisRunStore(keys.connect(), keys.prefix), close: () => keys.close() };
});

describe('RedisEventStream', () => {
  it("lets another connection read a site's events in order, from where it left off", async () => {
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

describe('checkRedis on servers configured otherwise', () => {
  async function withServer(extra: readonly string[], check: (redis: Redis) => Promise<void>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'opsgate-redis-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = await startRedis(dir, port, extra);
    const redis = new Redis(port, '127.0.0.1');
    try {
      await check(redis);
    } finally {
      redis.disconnect();
      server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('refuses a Redis that may evict keys, naming the policy', async () => {
    await withServer(['--maxmemory-policy', 'allkeys-lru'], async (redis) => {
      const r = await checkRedis(redis);
      expect(r.ok ? 'accepted' : r.error.code).toBe('REDIS_EVICTS_KEYS');
      expect(r.ok ? '' : r.error.message).toContain('allkeys-lru');
    });
  });

  it('accepts a Redis that persists nothing, with a loud warning', async () => {
    await withServer(['--appendonly', 'no'], async (redis) => {
      const r = await checkRedis(redis);
      expect(r.ok && r.value.persistence).toBe('none');
      expect(r.ok ? r.value.warning : '').toMatch(/persists nothing.*turn on appendonly/);
    });
  });

  it('accepts an append-only Redis without a warning', async () => {
    await withServer(['--appendonly', 'yes'], async (redis) => {
      const r = await checkRedis(redis);
      expect(r.ok && r.value).toEqual({ maxmemoryPolicy: 'noeviction', persistence: 'aof' });
    });
  });
});

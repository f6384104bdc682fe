import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHealth } from '../../../src/adapters/ops/check-health.ts';
import type { WorkerRegistry } from '../../../src/core/ports/worker-registry.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';
import { RedisWorkerRegistry } from '../../../src/adapters/redis/redis-worker-registry.ts';
import { workerRegistryContract } from '../../support/contracts/worker-registry-contract.ts';

workerRegistryContract('RedisWorkerRegistry', async () => {
  const keys = new RedisTestKeys();
  return { registry: new RedisWorkerRegistry(keys.connect(), keys.prefix), close: () => keys.close() };
});

const info = (id: string, sites: string[], draining = false) => ({
  id,
  sites,
  pid: 1,
  host: 'h',
  version: '0.1.0',
  startedAt: 0,
  ...(draining ? { draining } : {}),
});

describe('worker heartbeats in Redis', () => {
  let keys: RedisTestKeys;
  let registry: WorkerRegistry;

  beforeEach(() => {
    keys = new RedisTestKeys();
    registry = new RedisWorkerRegistry(keys.connect(), keys.prefix);
  });
  afterEach(async () => keys.close());

  it('counts a worker until its beat expires, never a draining one, and forgets one that left', async () => {
    await registry.beat(info('w1', ['xizang', 'other']), 1_000, 900);
    await registry.beat(info('w2', ['xizang'], true), 1_000, 900);
    await registry.beat(info('w3', ['other']), 1_000, 5_000);
    expect(Object.fromEntries(await registry.servingCounts(['xizang', 'other', 'nobody'], 1_500))).toEqual({
      xizang: 1,
      other: 2,
      nobody: 0,
    });
    expect(Object.fromEntries(await registry.servingCounts(['xizang', 'other'], 2_000))).toEqual({
      xizang: 0,
      other: 1,
    });
    await registry.remove('w3');
    expect(await registry.live(2_000)).toEqual([]);
  });

  it('reports a site nobody serves and an unreachable Redis as unhealthy, with the reasons', async () => {
    await registry.beat(info('w1', ['xizang']), 1_000, 900);
    const ping = () => keys.connect().ping();
    expect(await checkHealth({ ping, registry, sites: ['xizang'], now: () => 1_500 })).toEqual({
      ok: true,
      redis: 'reachable',
      workers: { xizang: 1 },
      problems: [],
    });
    const later = await checkHealth({ ping, registry, sites: ['xizang'], now: () => 2_500 });
    expect(later.ok).toBe(false);
    expect(later.problems).toEqual([
      "no worker is serving xizang: start `opsgate worker --sites xizang` inside the site's network",
    ]);
    const down = await checkHealth({
      ping: () => Promise.reject(new Error('connect ECONNREFUSED')),
      registry,
      sites: ['xizang'],
      now: () => 1_500,
    });
    expect(down).toMatchObject({
      ok: false,
      redis: 'unreachable',
      problems: ['Redis is unreachable: connect ECONNREFUSED'],
    });
  });
});

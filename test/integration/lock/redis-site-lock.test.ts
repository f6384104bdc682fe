import { afterEach, describe, expect, it } from 'vitest';
import { RedisSiteLock } from '../../../src/adapters/redis/redis-site-lock.ts';
import { siteLockContract } from '../../support/contracts/site-lock-contract.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';

siteLockContract('RedisSiteLock (each replica on its own connection)', async () => {
  const keys = new RedisTestKeys();
  const replica = async () => new RedisSiteLock({ redis: keys.connect(), prefix: keys.prefix });
  return { lock: await replica(), replica, close: () => keys.close() };
});

describe('RedisSiteLock with a damaged value', () => {
  const keys = new RedisTestKeys();
  afterEach(() => keys.close());

  it('keeps a site locked when the stored holder is not readable, until it is force-released as run unknown', async () => {
    const redis = keys.connect();
    const lock = new RedisSiteLock({ redis, prefix: keys.prefix });
    await redis.set(`${keys.prefix}lock:xizang`, 'garbage');
    const r = await lock.acquire({ site: 'xizang', runId: 'run_1', requester: 'U_REQ', since: 1 });
    expect(r).toEqual({
      ok: false,
      error: { heldBy: { site: 'xizang', runId: 'unknown', requester: 'unknown', since: 0 } },
    });
    expect(await lock.release('xizang', 'run_1')).toBe(false);
    expect((await lock.forceRelease('xizang', 'unknown')).ok).toBe(true);
    expect((await lock.acquire({ site: 'xizang', runId: 'run_1', requester: 'U_REQ', since: 1 })).ok).toBe(true);
  });
});

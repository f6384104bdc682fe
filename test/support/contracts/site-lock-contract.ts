import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteLock, SiteLockHolder } from '../../../src/core/ports/site-lock.ts';

/** A lock under test, and a way to get a second handle on the same data (another connection or replica). */
export interface SiteLockFixture {
  readonly lock: SiteLock;
  replica(): Promise<SiteLock>;
  close(): Promise<void>;
}

const T0 = 1_763_600_000_000;
const holder = (runId: string, over: Partial<SiteLockHolder> = {}): SiteLockHolder => ({
  site: 'xizang',
  runId,
  requester: 'U_REQ',
  since: T0,
  ...over,
});

/** The behaviour every SiteLock must have, run against the in-memory fake and the Redis lock alike. */
export function siteLockContract(name: string, factory: () => Promise<SiteLockFixture>): void {
  describe(`SiteLock contract: ${name}`, () => {
    let fx: SiteLockFixture;
    let lock: SiteLock;
    beforeEach(async () => {
      fx = await factory();
      lock = fx.lock;
    });
    afterEach(async () => {
      await fx.close();
    });

    it('gives the lock to the first run and shows it as the holder', async () => {
      expect(await lock.holder('xizang')).toBeUndefined();
      expect(await lock.acquire(holder('run_1'))).toEqual({ ok: true, value: holder('run_1') });
      expect(await lock.holder('xizang')).toEqual(holder('run_1'));
    });

    it('refuses a second run with the holder, its run and start time', async () => {
      await lock.acquire(holder('run_1'));
      expect(await lock.acquire(holder('run_2', { requester: 'U_OTHER', since: T0 + 5 }))).toEqual({
        ok: false,
        error: { heldBy: holder('run_1') },
      });
    });

    it('locks each site separately', async () => {
      await lock.acquire(holder('run_1'));
      expect((await lock.acquire(holder('run_2', { site: 'yunnan' }))).ok).toBe(true);
    });

    it('releases only for the holding run', async () => {
      await lock.acquire(holder('run_1'));
      expect(await lock.release('xizang', 'run_2')).toBe(false);
      expect(await lock.holder('xizang')).toEqual(holder('run_1'));
      expect(await lock.release('xizang', 'run_1')).toBe(true);
      expect(await lock.holder('xizang')).toBeUndefined();
      expect(await lock.release('xizang', 'run_1')).toBe(false);
      expect((await lock.acquire(holder('run_2'))).ok).toBe(true);
    });

    it('force-releases a stale lock only while the expected run still holds it', async () => {
      await lock.acquire(holder('run_1'));
      expect(await lock.forceRelease('xizang', 'run_0')).toEqual({ ok: false, error: { heldBy: holder('run_1') } });
      expect(await lock.forceRelease('xizang', 'run_1')).toEqual({ ok: true, value: holder('run_1') });
      expect(await lock.forceRelease('xizang', 'run_1')).toEqual({ ok: false, error: {} });
      expect(await lock.holder('xizang')).toBeUndefined();
    });

    it('gives the lock to exactly one of 20 runs racing from several replicas', async () => {
      const replicas = [lock, ...(await Promise.all([1, 2, 3, 4].map(() => fx.replica())))];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => replicas[i % 5]!.acquire(holder(`run_${i}`))),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const current = await lock.holder('xizang');
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.heldBy.runId === current?.runId)).toBe(true);
    });

    it('refuses a holder without a run id', async () => {
      await expect(lock.acquire(holder(''))).rejects.toMatchObject({
        code: 'INVALID_LOCK_HOLDER',
        message: expect.stringContaining('runId must not be empty'),
      });
      expect(await lock.holder('xizang')).toBeUndefined();
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerInfo, WorkerRegistry } from '../../../src/core/ports/worker-registry.ts';

/** A registry under test, and how to let go of it. */
export interface WorkerRegistryFixture {
  readonly registry: WorkerRegistry;
  close(): Promise<void>;
}

const T0 = 1_763_600_000_000;
const info = (id: string, sites: string[], draining = false): WorkerInfo => ({
  id,
  sites,
  pid: 4242,
  host: 'h1',
  version: '0.1.0',
  startedAt: T0,
  ...(draining ? { draining } : {}),
});

/** The behaviour every WorkerRegistry must have, run against the in-memory fake and the Redis registry alike. */
export function workerRegistryContract(name: string, factory: () => Promise<WorkerRegistryFixture>): void {
  describe(`WorkerRegistry contract: ${name}`, () => {
    let fx: WorkerRegistryFixture;
    let registry: WorkerRegistry;
    beforeEach(async () => {
      fx = await factory();
      registry = fx.registry;
    });
    afterEach(async () => fx.close());

    it('counts a worker until its beat expires, never a draining one', async () => {
      await registry.beat(info('w1', ['xizang', 'other']), T0, 900);
      await registry.beat(info('w2', ['xizang'], true), T0, 900);
      await registry.beat(info('w3', ['other']), T0, 5_000);
      expect(Object.fromEntries(await registry.servingCounts(['xizang', 'other', 'nobody'], T0 + 500))).toEqual({
        xizang: 1,
        other: 2,
        nobody: 0,
      });
      expect((await registry.live(T0 + 1_000)).map((w) => w.id)).toEqual(['w3']);
    });

    it('remembers the last beat of a worker whose beat expired: who it was and when it was last heard of', async () => {
      await registry.beat(info('w1', ['xizang']), T0, 900);
      await registry.beat(info('w1', ['xizang']), T0 + 300, 900);
      expect(await registry.live(T0 + 5_000)).toEqual([]);
      const beats = await registry.lastBeats(['w1', 'w1', 'never-seen']);
      expect([...beats.keys()]).toEqual(['w1']);
      expect(beats.get('w1')).toMatchObject({
        id: 'w1',
        pid: 4242,
        host: 'h1',
        lastBeat: T0 + 300,
        expiresAt: T0 + 1_200,
      });
      expect((await registry.lastBeats([])).size).toBe(0);
    });

    it('forgets a worker that left cleanly', async () => {
      await registry.beat(info('w1', ['xizang']), T0, 5_000);
      await registry.remove('w1');
      expect(await registry.live(T0 + 1)).toEqual([]);
      expect((await registry.lastBeats(['w1'])).size).toBe(0);
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../../src/core/plan/run-state.ts';
import type { Plan } from '../../../src/core/plan/step-schema.ts';
import type { RunStore } from '../../../src/core/ports/run-store.ts';

const plan: Plan = {
  runbook: 'rb',
  site: 's1',
  title: 't',
  args: {},
  steps: [
    {
      kind: 'check',
      id: 'c',
      title: 'c',
      targets: { kind: 'hosts', hosts: ['h'] },
      commands: [{ host: 'h', command: 'true' }],
      sql: [],
      preconditions: [],
      verify: [],
      destructive: false,
    },
  ],
};

function run(id: string, site: string, createdAt: number, extra: Partial<RunState> = {}): RunState {
  return {
    id,
    site,
    runbook: 'rb',
    args: {},
    requester: 'U',
    dryRun: false,
    planHash: 'h',
    createdAt,
    updatedAt: createdAt,
    version: 1,
    phase: 'forward',
    steps: {},
    ...extra,
  };
}

/** The behaviour every RunStore keeps; run against the in-memory fake and the Redis adapter. */
export function runStoreContract(
  name: string,
  make: () => Promise<{ store: RunStore; close: () => Promise<void> }>,
): void {
  describe(`RunStore contract: ${name}`, () => {
    let store: RunStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => close());

    it('gives back a stored run and its plan unchanged', async () => {
      await store.create(run('r1', 's1', 10), plan);
      expect(await store.get('r1')).toEqual(run('r1', 's1', 10));
      expect(await store.getPlan('r1')).toEqual(plan);
      expect(await store.get('nope')).toBeUndefined();
    });

    it('refuses to create a run id twice', async () => {
      await store.create(run('r1', 's1', 10), plan);
      await expect(store.create(run('r1', 's1', 11), plan)).rejects.toThrow(/r1/);
    });

    it('applies an update only on the expected version (compare-and-set)', async () => {
      await store.create(run('r1', 's1', 10), plan);
      expect(await store.update(run('r1', 's1', 10, { version: 2, statusLine: 'a' }), 1)).toBe(true);
      expect(await store.update(run('r1', 's1', 10, { version: 2, statusLine: 'b' }), 1)).toBe(false);
      expect((await store.get('r1'))?.statusLine).toBe('a');
    });

    it('keeps each step of a run, written all at once or one at a time', async () => {
      const st = (status: 'succeeded' | 'running') => ({ status, attempt: 1 });
      await store.create(run('r1', 's1', 10, { steps: { a: st('succeeded') } }), plan);
      expect(
        await store.update(run('r1', 's1', 10, { version: 2, steps: { a: st('succeeded'), b: st('running') } }), 1, [
          'b',
        ]),
      ).toBe(true);
      expect(
        await store.update(
          run('r1', 's1', 10, { version: 3, steps: { a: st('succeeded'), b: st('succeeded'), c: st('running') } }),
          2,
        ),
      ).toBe(true);
      expect((await store.get('r1'))?.steps).toEqual({ a: st('succeeded'), b: st('succeeded'), c: st('running') });
    });

    it('lists runs newest first, per site or all', async () => {
      await store.create(run('r1', 's1', 10), plan);
      await store.create(run('r2', 's2', 20), plan);
      await store.create(run('r3', 's1', 30), plan);
      expect((await store.list({ site: 's1' })).map((r) => r.id)).toEqual(['r3', 'r1']);
      expect((await store.list()).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
      expect((await store.list({ limit: 1 })).map((r) => r.id)).toEqual(['r3']);
    });

    it('keeps a run active until its outcome is final; a rejected run stays active', async () => {
      await store.create(run('r1', 's1', 10), plan);
      await store.create(run('r2', 's2', 20), plan);
      await store.create(run('d', 's1', 5, { dryRun: true, outcome: 'dry-run' }), plan);
      expect((await store.active(['s1'])).map((r) => r.id)).toEqual(['r1']);
      await store.update(run('r1', 's1', 10, { version: 2, outcome: 'rejected' }), 1);
      expect((await store.active()).map((r) => r.id)).toEqual(['r1', 'r2']);
      await store.update(run('r1', 's1', 10, { version: 3, outcome: 'completed' }), 2);
      expect((await store.active()).map((r) => r.id)).toEqual(['r2']);
    });
  });
}

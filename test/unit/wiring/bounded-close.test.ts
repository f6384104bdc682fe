import { describe, expect, it } from 'vitest';
import { closeInOrder, settlesWithin } from '../../../src/wiring/bounded-close.ts';

const never = new Promise<void>(() => undefined);

describe('closeInOrder', () => {
  it('leaves a close that never ends behind after its bound, says so, and closes the rest in order', async () => {
    const closed: string[] = [];
    const warned: unknown[] = [];
    const log = { warn: (obj: object) => void warned.push(obj), debug: () => undefined };
    await closeInOrder(
      [
        { name: 'workers', close: async () => void closed.push('workers') },
        { name: 'bullmq quit to a Redis that went away', close: () => never, boundMs: 30 },
        { name: 'failing', close: () => Promise.reject(new Error('ECONNRESET')), boundMs: 30 },
        { name: 'redis', close: async () => void closed.push('redis') },
      ],
      log,
    );
    expect(closed).toEqual(['workers', 'redis']);
    expect(warned).toEqual([{ closer: 'bullmq quit to a Redis that went away', afterMs: 30 }]);
  });
});

describe('settlesWithin', () => {
  it('tells a promise that settles in time, even rejected, from one that does not', async () => {
    expect(await settlesWithin(Promise.resolve(), 50)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await settlesWithin(never, 30)).toBe(false);
  });
});

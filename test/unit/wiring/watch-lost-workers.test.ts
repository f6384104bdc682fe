import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchLostWorkers } from '../../../src/wiring/watch-lost-workers.ts';

const BEAT = 1000;

describe('watchLostWorkers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function watch() {
    const sweeps: number[] = [];
    const connection = new EventEmitter();
    const errors: unknown[] = [];
    const w = watchLostWorkers({
      engine: {
        noticeLostWorkers: async () => {
          sweeps.push(Date.now());
          return [];
        },
      },
      log: { error: (o: unknown) => void errors.push(o) },
      heartbeatMs: BEAT,
      connection,
    });
    return { w, sweeps, connection, errors };
  }

  it('looks for lost workers every beat interval', async () => {
    const { w, sweeps } = watch();
    await vi.advanceTimersByTimeAsync(5 * BEAT);
    expect(sweeps).toHaveLength(5);
    w.stop();
    await vi.advanceTimersByTimeAsync(5 * BEAT);
    expect(sweeps).toHaveLength(5);
  });

  it('judges nobody while Redis is away, nor for three beats after it is back, so live workers beat again first', async () => {
    const { w, sweeps, connection } = watch();
    await vi.advanceTimersByTimeAsync(2 * BEAT);
    expect(sweeps).toHaveLength(2);
    connection.emit('error');
    await vi.advanceTimersByTimeAsync(20 * BEAT);
    expect(sweeps).toHaveLength(2);
    connection.emit('ready');
    const back = Date.now();
    await vi.advanceTimersByTimeAsync(3 * BEAT - 1);
    expect(sweeps).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2 * BEAT);
    expect(sweeps.length).toBeGreaterThan(2);
    expect(sweeps[2]! - back).toBeGreaterThanOrEqual(3 * BEAT);
    w.stop();
  });
});

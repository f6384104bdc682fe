import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchShutdownSignals } from '../../../../src/adapters/ops/shutdown-signals.ts';

describe('watchShutdownSignals', () => {
  it('starts an orderly stop on the first SIGTERM and exits at once on the second', async () => {
    const emitter = new EventEmitter();
    const second: string[] = [];
    const s = watchShutdownSignals({ emitter, onSecond: (sig) => second.push(sig) });
    emitter.emit('SIGTERM', 'SIGTERM');
    expect(await s.received).toBe('SIGTERM');
    expect(second).toEqual([]);
    emitter.emit('SIGINT', 'SIGINT');
    expect(second).toEqual(['SIGINT']);
    s.dispose();
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('ends a stop that is still running at the hard deadline through onDeadline', async () => {
    const emitter = new EventEmitter();
    const ended: string[] = [];
    const s = watchShutdownSignals({
      emitter,
      hardDeadlineMs: 20,
      onSecond: () => ended.push('second'),
      onDeadline: (sig) => ended.push(`deadline ${sig}`),
    });
    emitter.emit('SIGTERM', 'SIGTERM');
    await s.received;
    await new Promise((r) => setTimeout(r, 200));
    expect(ended).toEqual(['deadline SIGTERM']);
    s.dispose();
  });
});

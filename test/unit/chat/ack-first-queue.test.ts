import { describe, expect, it } from 'vitest';
import { AckFirstQueue } from '../../../src/chat/slack/ack-first-queue.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turn();
}
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('AckFirstQueue: the work after an ack', () => {
  it('waits while a request is being acknowledged and runs once none is', async () => {
    const q = new AckFirstQueue({ onError: () => undefined, maxDelayMs: 60_000 });
    const ran: string[] = [];
    q.requestStarted();
    q.push('C1', async () => void ran.push('job'));
    await turns(20);
    expect(ran).toEqual([]);
    q.requestEnded();
    await q.drain();
    expect(ran).toEqual(['job']);
  });

  it('is never starved: a job that waited maxDelayMs runs even while requests keep arriving', async () => {
    const q = new AckFirstQueue({ onError: () => undefined, maxDelayMs: 20 });
    const done = deferred();
    q.requestStarted();
    q.push('C1', async () => done.resolve());
    // Resolves only if the job ran while the request was still in flight.
    await done.promise;
    q.requestEnded();
    await q.drain();
    expect(q.size).toBe(0);
  });

  it('runs the jobs of one channel one at a time in arrival order, other channels meanwhile', async () => {
    const q = new AckFirstQueue({ onError: () => undefined });
    const log: string[] = [];
    const slow = deferred();
    q.push('C1', async () => {
      log.push('C1-1 start');
      await slow.promise;
      log.push('C1-1 end');
    });
    q.push('C1', async () => void log.push('C1-2'));
    q.push('C2', async () => void log.push('C2-1'));
    await turns(20);
    expect(log).toEqual(['C1-1 start', 'C2-1']);
    slow.resolve();
    await q.drain();
    expect(log).toEqual(['C1-1 start', 'C2-1', 'C1-1 end', 'C1-2']);
  });

  it('reports a failed job and goes on with the next one of its channel', async () => {
    const errors: [string, unknown][] = [];
    const q = new AckFirstQueue({ onError: (lane, e) => void errors.push([lane, e]) });
    const ran: string[] = [];
    q.push('C1', async () => {
      throw new Error('engine down');
    });
    q.push('C1', () => {
      throw new Error('thrown before any await');
    });
    q.push('C1', async () => void ran.push('third'));
    await q.drain();
    expect(errors.map(([lane, e]) => `${lane}: ${(e as Error).message}`)).toEqual(['C1: engine down', 'C1: thrown before any await']);
    expect(ran).toEqual(['third']);
  });

  it('drain runs everything left even while a request is in flight (shutdown loses nothing)', async () => {
    const q = new AckFirstQueue({ onError: () => undefined, maxDelayMs: 60_000 });
    const ran: number[] = [];
    q.requestStarted();
    for (let i = 0; i < 5; i++) q.push(i % 2 === 0 ? 'C1' : 'C2', async () => void ran.push(i));
    await q.drain();
    expect(ran.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(q.size).toBe(0);
  });
});

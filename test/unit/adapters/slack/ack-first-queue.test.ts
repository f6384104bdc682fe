import { describe, expect, it } from 'vitest';
import { AckFirstQueue } from '../../../../src/adapters/slack/ack-first-queue.ts';
import { actionLane, commandLane } from '../../../../src/adapters/slack/interaction-work.ts';

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

  it('runs the jobs of one lane one at a time in arrival order, other lanes meanwhile', async () => {
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

  it('runs at most maxConcurrent jobs at once; the others start as these end', async () => {
    const q = new AckFirstQueue({ onError: () => undefined, maxConcurrent: 2 });
    const started: string[] = [];
    const release = deferred();
    for (const lane of ['run:a', 'run:b', 'run:c']) {
      q.push(lane, async () => {
        started.push(lane);
        await release.promise;
      });
    }
    await turns(20);
    expect(started).toEqual(['run:a', 'run:b']);
    release.resolve();
    await q.drain();
    expect(started).toEqual(['run:a', 'run:b', 'run:c']);
  });

  it('reports a failed job and goes on with the next one of its lane', async () => {
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
    expect(errors.map(([lane, e]) => `${lane}: ${(e as Error).message}`)).toEqual([
      'C1: engine down',
      'C1: thrown before any await',
    ]);
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

describe('the lanes of Slack interactions', () => {
  it('orders what acts on one run or one gate, and lets new runs and reads run side by side', () => {
    expect(commandLane({ command: '/rollback', text: 'run_00000000000000aa', trigger_id: 't1' })).toBe(
      'run:run_00000000000000aa',
    );
    expect(commandLane({ command: '/audit', text: ' run_00000000000000aa ', trigger_id: 't2' })).toBe(
      'run:run_00000000000000aa',
    );
    expect(commandLane({ command: '/precheck', text: 'xizang', trigger_id: 't3' })).toBe('cmd:t3');
    expect(actionLane('g1:gate_1:9f2c01234567', 't4')).toBe('gate:gate_1');
    expect(actionLane('rm -rf /', 't5')).toBe('act:t5');
  });
});

import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import type { StepJob } from '../../../../src/core/ports/run-store.ts';
import { MemoryWorkerRegistry } from '../../../support/fakes/memory-worker-registry.ts';
import { BASE, HOST, harness } from './harness.ts';

const BEAT_TTL = 15_000;
const info = (id: string, sites = ['lab']) => ({ id, sites, pid: 4242, host: 'h1', version: '0.1.0', startedAt: 0 });

/**
 * An engine run by worker `w1` (its heartbeat in a registry) and two bot replicas over the same stores; the move is
 * approved and its job handed to the worker, which "dies" (its handler never returns) where `die` says.
 */
async function workerDiesInMove(die: { readonly hang: RegExp }) {
  const h = harness();
  const registry = new MemoryWorkerRegistry();
  const engineOf = () => createEngine({ ...h.deps, workers: registry });
  const worker = engineOf();
  const bots = [engineOf(), engineOf()];
  const runId = await h.start();
  await h.decide(h.lastGate(), 'approve');
  await registry.beat(info('w1'), h.clock.now(), BEAT_TTL);
  const job = h.queue.waiting.shift() as StepJob;
  h.remote.hang = die.hang;
  void worker.handleJob(job, 'w1');
  await new Promise((r) => setTimeout(r, 20));
  h.remote.hang = undefined; // the worker's command hangs for ever; later commands (the probes) answer
  const noticeAll = async (served: readonly string[] = []) =>
    (await Promise.all(bots.map((b) => b.noticeLostWorkers({ served, graceMs: BEAT_TTL })))).flat();
  return { h, registry, worker, runId, job, noticeAll };
}

describe('noticeLostWorkers: a worker that stops beating with a step running', () => {
  it('is noticed once its beat expired, by exactly one of several bots, naming the worker, its last beat and the step', async () => {
    const { h, runId, noticeAll } = await workerDiesInMove({ hang: / && mv / });
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']).toMatchObject({
      status: 'running',
      worker: 'w1',
      sentTo: [HOST],
    });
    h.advance(BEAT_TTL - 1);
    expect(await noticeAll()).toEqual([]); // still within its last beat
    h.advance(5_001);
    expect(await noticeAll()).toEqual([{ runId, stepId: 'move-dir', worker: 'w1', taken: 'reconciled' }]);
    expect(await noticeAll()).toEqual([]);
    const [interrupted, ...more] = h.events.of('step.interrupted');
    expect(more).toEqual([]);
    expect(interrupted?.summary).toBe(
      'worker w1 (pid 4242 on h1) stopped sending heartbeats while it ran step move-dir: its last heartbeat was at ' +
        `${new Date(1_000_000).toISOString()}, 20 s before this was noticed at ${new Date(1_020_000).toISOString()}. ` +
        `Its commands were sent to ${HOST} and its preconditions still hold (${BASE}/data exists on ${HOST}, ` +
        `${BASE}/data_bak is absent on ${HOST}, free 10.0 GiB >= 1.0 KiB needed on ${BASE} on ${HOST}): the step ` +
        'may be partly done, or still running there; look before deciding.',
    );
    expect(h.lastGate()).toMatchObject({ kind: 'interrupted', choices: ['retry', 'mark-done', 'roll-back', 'abort'] });
  });

  it('offers a step that sent nothing, its preconditions holding, as not started; retry runs it once', async () => {
    const { h, runId, noticeAll } = await workerDiesInMove({ hang: /^df / }); // dies inside a precondition probe
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']).toMatchObject({ status: 'running', sentTo: [] });
    h.advance(BEAT_TTL);
    expect(await noticeAll()).toHaveLength(1);
    const st = (await h.engine.getRun(runId))?.run.steps['move-dir'];
    expect(st).toMatchObject({ status: 'interrupted', notStarted: true });
    expect(st?.summary).toMatch(
      /^worker w1 \(pid 4242 on h1\) stopped sending heartbeats while it ran step move-dir: .*\. Not started: no command reached a host and its preconditions still hold \(.*\); retry is safe\.$/,
    );
    expect(h.lastGate()).toMatchObject({ kind: 'interrupted', choices: ['retry', 'roll-back', 'abort'] });
    expect(h.remote.ran(/ && mv /)).toBe(0);
    await h.decide(h.lastGate(), 'retry');
    await h.drain();
    expect((await h.engine.getRun(runId))?.run.steps['move-dir']).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(h.effects()).toEqual(['record-start', 'move-dir', 'record-end']);
  });

  it('does not undo a step that never started when a person rolls back from its gate', async () => {
    const { h, runId, noticeAll } = await workerDiesInMove({ hang: /^df / });
    h.advance(BEAT_TTL);
    await noticeAll();
    await h.decide(h.lastGate(), 'roll-back');
    await h.drain();
    expect(h.events.of('rollback.started')[0]).toMatchObject({ covers: [] });
    expect((await h.engine.getRun(runId))?.run.outcome).toBe('rolled-back');
    expect(h.remote.exists(HOST, `${BASE}/data/file`)).toBe(true);
  });

  it('sends nothing when the worker it was taken from comes back to life before sending', async () => {
    const h = harness();
    const registry = new MemoryWorkerRegistry();
    const worker = createEngine({ ...h.deps, workers: registry });
    // The bot's own session to the host: closing it after its probes leaves the worker's open.
    const botSession = Object.assign(Object.create(h.remote) as typeof h.remote, { close: async () => {} });
    const bot = createEngine({ ...h.deps, workers: registry, openRemote: async () => botSession });
    await h.start();
    await h.decide(h.lastGate(), 'approve');
    await registry.beat(info('w1'), h.clock.now(), BEAT_TTL);
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    const realExec = h.remote.exec.bind(h.remote);
    let hold = true;
    h.remote.exec = async (host, req, opts) => {
      if (hold && req.command.startsWith('df ')) {
        hold = false;
        await held; // the worker stalls (a frozen process, a cut network) inside its preconditions
      }
      return realExec(host, req, opts);
    };
    const delivery = worker.handleJob(h.queue.waiting.shift() as StepJob, 'w1');
    await new Promise((r) => setTimeout(r, 20));
    h.advance(BEAT_TTL);
    expect(await bot.noticeLostWorkers({ served: [], graceMs: BEAT_TTL })).toHaveLength(1);
    release();
    expect(await delivery).toBe('drop');
    expect(h.remote.ran(/ && mv /)).toBe(0);
    expect(h.events.of('step.finished').filter((e) => e.stepId === 'move-dir')).toEqual([]);
  });

  it('queues a check again as a new attempt; the lost job, handed out again, is dropped', async () => {
    const h = harness();
    const registry = new MemoryWorkerRegistry();
    const worker = createEngine({ ...h.deps, workers: registry });
    const bot = createEngine({ ...h.deps, workers: registry });
    await registry.beat(info('w1'), h.clock.now(), BEAT_TTL);
    const r = await h.engine.request({ site: 'lab', runbook: 'lab-move-dir', args: {}, requester: 'U_REQ' });
    if (!r.ok) throw new Error(r.error.message);
    const job = h.queue.waiting.shift() as StepJob;
    expect(job.stepId).toBe('inspect');
    h.remote.hang = /^ls -ld /;
    void worker.handleJob(job, 'w1');
    await new Promise((res) => setTimeout(res, 20));
    h.remote.hang = undefined;
    h.advance(BEAT_TTL);
    expect(await bot.noticeLostWorkers({ served: [], graceMs: BEAT_TTL })).toMatchObject([{ taken: 'requeued' }]);
    expect(h.events.of('step.interrupted')[0]?.summary).toMatch(
      /stopped sending heartbeats while it ran step inspect: .*\. A check only reads: it runs again as attempt 2\.$/,
    );
    expect(await h.engine.handleJob(job)).toBe('drop');
    await h.drain();
    expect((await h.engine.getRun(r.value.runId))?.run.steps['inspect']).toMatchObject({
      status: 'succeeded',
      attempt: 2,
    });
  });

  it('leaves a live worker alone, and leaves a lost one to a live worker of its site rather than a bot', async () => {
    const { h, registry, runId, noticeAll } = await workerDiesInMove({ hang: / && mv / });
    await registry.beat(info('w2'), h.clock.now() + BEAT_TTL, BEAT_TTL); // another worker of the site, alive
    h.advance(BEAT_TTL);
    expect(await noticeAll([])).toEqual([]); // a bot: the live worker of the site, which reaches its hosts, takes it
    expect(await noticeAll(['lab'])).toMatchObject([{ runId, stepId: 'move-dir', taken: 'reconciled' }]);
  });

  it('takes a worker with no heartbeat on record for gone once a step ran longer than the grace', async () => {
    const { h, registry, noticeAll } = await workerDiesInMove({ hang: / && mv / });
    await registry.remove('w1');
    h.advance(BEAT_TTL - 1);
    expect(await noticeAll()).toEqual([]);
    h.advance(1);
    expect(await noticeAll()).toHaveLength(1);
    expect(h.events.of('step.interrupted')[0]?.summary).toMatch(
      /^worker w1 ran step move-dir since .* and has no heartbeat on record: it is gone\. /,
    );
  });

  it('names the worker and its last beat when the queue hands a lost job out again first', async () => {
    const { h, worker, job } = await workerDiesInMove({ hang: / && mv / });
    expect(await worker.handleJob(job, 'w2')).toBe('reconcile');
    expect(h.events.of('step.interrupted')[0]?.summary).toMatch(
      /^the step was started by worker w1 \(pid 4242 on h1\), last heartbeat at .* but its end was never recorded\. /,
    );
  });
});

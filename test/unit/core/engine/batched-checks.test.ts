import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import { batchGroup, isBatchable } from '../../../../src/core/engine/batch-group.ts';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import type { StepJob } from '../../../../src/core/ports/run-store.ts';
import type { CheckStep } from '../../../../src/core/plan/step-schema.ts';
import { FakeBatchRemote } from '../../../support/fakes/fake-batch-remote.ts';
import { MemoryWorkerRegistry } from '../../../support/fakes/memory-worker-registry.ts';
import { harness, REQUESTER } from './harness.ts';

const HOSTS = ['fdfs-3', 'paas-1'];
const targets = (hosts = HOSTS) => ({ kind: 'hosts' as const, hosts });
const check = (id: string, word: string, extra: Partial<CheckStep> = {}, hosts = HOSTS) => ({
  kind: 'check' as const,
  id,
  title: `check ${id}`,
  targets: targets(hosts),
  commands: hosts.map((host) => ({ host, command: `echo ${word}` })),
  advisory: true,
  ...extra,
});

/**
 * c1, c2 advisory reads; c3 a read that can fail (so nothing after it joins its batch); c4 alone before a
 * destructive, gated action; then c6, c7 reads again.
 */
const batchy = defineRunbook({
  id: 'batchy',
  title: 'reads around a destructive step',
  args: z.object({ failC3: z.boolean().default(false) }),
  build: (site, { failC3 }) => ({
    runbook: 'batchy',
    site: site.name,
    title: 'batchy',
    args: {},
    steps: [
      check('c1', 'one'),
      check('c2', 'two-hunter2'),
      check(
        'c3',
        'three',
        { advisory: false, ...(failC3 ? { commands: [{ host: 'fdfs-3', command: 'exit 3' }] } : {}) },
        ['fdfs-3'],
      ),
      check('c4', 'four', {}, ['paas-1']),
      {
        kind: 'action' as const,
        id: 'a5',
        title: 'destructive move',
        targets: targets(['fdfs-3']),
        commands: [{ host: 'fdfs-3', command: 'echo moved >> /tmp/a5.log' }],
        destructive: true,
        gate: { prompt: 'move?' },
        irreversible: { reason: 'test' },
      },
      check('c6', 'six'),
      check('c7', 'seven'),
    ],
  }),
});

function setup() {
  const remote = new FakeBatchRemote();
  const h = harness({ runbooks: [batchy], remote });
  return { h, remote };
}

async function request(h: ReturnType<typeof harness>): Promise<string> {
  const r = await h.engine.request({ site: 'lab', runbook: 'batchy', args: {}, requester: REQUESTER });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.runId;
}

describe('read-only steps in batch mode', () => {
  it('runs consecutive read-only steps over one channel per host, and never batches a destructive step', async () => {
    const { h, remote } = setup();
    const runId = await h.start({}, 'batchy');
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
    expect((await h.engine.getRun(runId))?.run.outcome).toBe('completed');
    expect(remote.batches).toEqual([
      { host: 'fdfs-3', commands: ['echo one', 'echo two-hunter2', 'echo three'] },
      { host: 'paas-1', commands: ['echo one', 'echo two-hunter2'] },
      { host: 'fdfs-3', commands: ['echo six', 'echo seven'] },
      { host: 'paas-1', commands: ['echo six', 'echo seven'] },
    ]);
    // c4 (nothing to share with: a5 follows) and the destructive a5 went one command per channel.
    expect(remote.batches.flatMap((b) => b.commands)).not.toContain('echo four');
    expect(remote.batches.flatMap((b) => b.commands).some((c) => c.includes('moved'))).toBe(false);
    expect(remote.ran(/^echo four$/)).toBe(1);
    expect(remote.linesOf('fdfs-3', '/tmp/a5.log')).toEqual(['moved']);
  });

  it('keeps each batched step its own unit: its events, its outputs, its record, redacted', async () => {
    const { h, remote } = setup();
    remote.learnSecret('hunter2');
    const runId = await h.start({}, 'batchy');
    const mine = (id: string) => h.events.events.filter((e) => 'stepId' in e && e.stepId === id).map((e) => e.type);
    for (const id of ['c1', 'c2']) expect(mine(id)).toEqual(['step.started', 'step.output-summary', 'step.finished']);
    const outputs = (id: string) =>
      h.events
        .of('step.output-summary')
        .find((e) => e.stepId === id)
        ?.outputs.map((o) => [o.host, o.tail]);
    expect(outputs('c1')).toEqual([
      ['fdfs-3', 'one\n'],
      ['paas-1', 'one\n'],
    ]);
    expect(outputs('c2')).toEqual([
      ['fdfs-3', 'two-***\n'],
      ['paas-1', 'two-***\n'],
    ]);
    expect(outputs('c3')).toEqual([['fdfs-3', 'three\n']]);
    const steps = (await h.engine.getRun(runId))?.run.steps ?? {};
    expect(steps['c1']).toMatchObject({ status: 'succeeded', attempt: 1, summary: 'exit 0 on fdfs-3, paas-1' });
    expect(steps['c3']?.hosts?.map((x) => [x.host, x.exitCode])).toEqual([['fdfs-3', 0]]);
    const results = [...h.events.of('step.output-summary'), ...h.events.of('step.finished')];
    expect(JSON.stringify(results)).not.toContain('hunter2');
  });

  it('stops the run at a read of the batch that fails, with nothing after it run', async () => {
    const { h, remote } = setup();
    const runId = await h.start({ failC3: true }, 'batchy');
    const run = (await h.engine.getRun(runId))?.run;
    expect(run?.steps['c1']?.status).toBe('succeeded');
    expect(run?.steps['c3']).toMatchObject({ status: 'failed', failedAt: 'command' });
    expect(h.lastGate()).toMatchObject({ stepId: 'c3', kind: 'failure' });
    expect(remote.ran(/^echo four$/)).toBe(0);
  });
});

describe('a worker killed in the middle of a batch', () => {
  async function killedMidBatch() {
    const { h, remote } = setup();
    const registry = new MemoryWorkerRegistry();
    const worker = createEngine({ ...h.deps, workers: registry });
    const bot = createEngine({ ...h.deps, workers: registry });
    const runId = await request(h);
    await registry.beat(
      { id: 'w1', sites: ['lab'], pid: 4242, host: 'h1', version: '0.1.0', startedAt: 0 },
      h.clock.now(),
      15_000,
    );
    const job = h.queue.waiting.shift() as StepJob;
    remote.hang = /^echo two/; // the worker dies inside c2, after c1 came back
    void worker.handleJob(job, 'w1');
    await new Promise((r) => setTimeout(r, 20));
    remote.hang = undefined;
    return { h, remote, bot, runId, job };
  }

  it('leaves every step of the batch running on the worker, none finished', async () => {
    const { h, runId } = await killedMidBatch();
    const steps = (await h.engine.getRun(runId))?.run.steps ?? {};
    for (const id of ['c1', 'c2', 'c3'])
      expect(steps[id]).toMatchObject({ status: 'running', attempt: 1, worker: 'w1' });
    expect(steps['c4']?.status ?? 'pending').toBe('pending');
    expect(h.events.of('step.started').map((e) => e.stepId)).toEqual(['c1', 'c2', 'c3']);
    expect(h.events.of('step.finished')).toEqual([]);
  });

  it('runs the whole batch again when the job is handed out again, each step recorded once', async () => {
    const { h, runId, job } = await killedMidBatch();
    await h.engine.handleJob(job);
    const steps = (await h.engine.getRun(runId))?.run.steps ?? {};
    for (const id of ['c1', 'c2', 'c3']) expect(steps[id]).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(h.events.of('step.finished').map((e) => e.stepId)).toEqual(['c1', 'c2', 'c3']);
  });

  it('queues each step of a lost worker again as a check, then runs them as one batch at their new attempt', async () => {
    const { h, remote, bot, runId } = await killedMidBatch();
    h.advance(20_000);
    const lost = await bot.noticeLostWorkers({ served: [], graceMs: 15_000 });
    expect(lost.map((l) => [l.stepId, l.taken])).toEqual([
      ['c1', 'requeued'],
      ['c2', 'requeued'],
      ['c3', 'requeued'],
    ]);
    expect(h.events.of('step.interrupted').map((e) => e.stepId)).toEqual(['c1', 'c2', 'c3']);
    const before = remote.batches.length;
    await h.drain();
    const steps = (await h.engine.getRun(runId))?.run.steps ?? {};
    for (const id of ['c1', 'c2', 'c3']) expect(steps[id]).toMatchObject({ status: 'succeeded', attempt: 2 });
    expect(remote.batches.slice(before, before + 2)).toEqual([
      { host: 'fdfs-3', commands: ['echo one', 'echo two-hunter2', 'echo three'] },
      { host: 'paas-1', commands: ['echo one', 'echo two-hunter2'] },
    ]);
  });
});

describe('batchGroup', () => {
  it('takes only read-only steps without gates, probes or programs', () => {
    const base = CheckLike('x');
    expect(isBatchable(base)).toBe(true);
    expect(isBatchable({ ...base, gate: { prompt: 'sure?' } })).toBe(false);
    expect(isBatchable({ ...base, verify: [{ kind: 'path-exists', path: '/x' }] })).toBe(false);
    expect(isBatchable({ ...base, program: { id: 'p', args: {} } })).toBe(false);
    expect(isBatchable({ ...base, kind: 'action', irreversible: { reason: 'r' } } as never)).toBe(false);
  });

  it('joins the steps after the head while each one before is advisory', () => {
    const steps = [CheckLike('a'), CheckLike('b'), { ...CheckLike('c'), advisory: false }, CheckLike('d')];
    const plan = { runbook: 'r', site: 's', title: 't', args: {}, steps };
    const run = { steps: {} } as never;
    expect(batchGroup(plan, run, steps[0]!, 1).map((m) => m.step.id)).toEqual(['a', 'b', 'c']);
    expect(batchGroup(plan, run, steps[3]!, 1).map((m) => m.step.id)).toEqual(['d']);
  });
});

describe('batchGroup limits', () => {
  it("ends a batch before a host's commands outgrow one command line, counting quoting", () => {
    const big = (id: string, quotes = 0) => ({
      ...CheckLike(id),
      commands: [{ host: 'h', command: `echo ${"'x'".repeat(quotes)}${'y'.repeat(40_000 - 3 * quotes)}` }],
    });
    const steps = [big('a'), big('b'), big('c')];
    const run = { steps: {} } as never;
    const plan = { runbook: 'r', site: 's', title: 't', args: {}, steps };
    expect(batchGroup(plan, run, steps[0]!, 1).map((m) => m.step.id)).toEqual(['a', 'b']);
    const quoted = [big('a'), big('b', 5_000), big('c')];
    expect(batchGroup({ ...plan, steps: quoted }, run, quoted[0]!, 1).map((m) => m.step.id)).toEqual(['a']);
  });
});

function CheckLike(id: string): CheckStep {
  return {
    kind: 'check',
    id,
    title: id,
    targets: { kind: 'hosts', hosts: ['h'] },
    commands: [{ host: 'h', command: `echo ${id}` }],
    sql: [],
    preconditions: [],
    verify: [],
    destructive: false,
    advisory: true,
  };
}

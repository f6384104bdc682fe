import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HostCommand } from '../../../../src/core/plan/step-schema.ts';
import { cleanupCoverage } from '../../../../src/core/engine/cleanup.ts';
import { defineRunbook } from '../../../../src/core/ports/runbook.ts';
import { shellQuote } from '../../../../src/core/shell-quote.ts';
import { APPROVER, BASE, HOST, REQUESTER, harness } from './harness.ts';

/**
 * A runbook shaped like the OceanBase upgrade's business probe: `probe-start` (gated here, so a test can abort
 * before it) starts something in the background, with a cleanup that ends it on abort unless `probe-stop` ran;
 * `work` and `last` are gates to abort at. Every command appends its name to the effect log, so the tests count
 * what really ran on the host. The cleanup fails while `<base>/stuck` exists, the undo while `<base>/undo-stuck` does.
 */
const LOG = `${BASE}/effects.log`;
const labProbe = defineRunbook({
  id: 'lab-probe',
  title: 'probe around some work (engine test runbook)',
  args: z.object({}),
  build(site) {
    const targets = { kind: 'hosts' as const, hosts: [HOST] };
    const on = (...cmds: string[]): HostCommand[] => [{ host: HOST, command: cmds.join(' && ') }];
    const effect = (id: string) => `echo ${id} >> ${shellQuote(LOG)}`;
    return {
      runbook: 'lab-probe',
      site: site.name,
      title: 'probe around some work',
      steps: [
        { kind: 'check', id: 'inspect', title: 'look', targets, commands: on('uptime') },
        {
          kind: 'action',
          id: 'probe-start',
          title: 'start the probe',
          targets,
          gate: { prompt: 'start the probe?' },
          commands: on(effect('probe-start')),
          rollback: {
            steps: [
              {
                kind: 'action',
                id: 'probe-start-undo',
                title: 'stop the probe',
                targets,
                commands: on(effect('probe-start-undo'), `test ! -e ${shellQuote(`${BASE}/undo-stuck`)}`),
              },
            ],
          },
          cleanup: {
            steps: [
              {
                kind: 'action',
                id: 'probe-start-cleanup',
                title: 'stop the probe (abort)',
                targets,
                commands: on(effect('probe-start-cleanup'), `test ! -e ${shellQuote(`${BASE}/stuck`)}`),
              },
            ],
            endedBy: ['probe-stop'],
          },
        },
        {
          kind: 'action',
          id: 'work',
          title: 'work',
          targets,
          gate: { prompt: 'work?' },
          commands: on(effect('work')),
          irreversible: { reason: 'a log line' },
        },
        {
          kind: 'action',
          id: 'probe-stop',
          title: 'stop the probe',
          targets,
          commands: on(effect('probe-stop')),
          irreversible: { reason: 'only stops the probe' },
        },
        {
          kind: 'action',
          id: 'last',
          title: 'last',
          targets,
          gate: { prompt: 'last?' },
          commands: on(effect('last')),
          irreversible: { reason: 'a log line' },
        },
      ],
    };
  },
});

async function atGate(stepId: string) {
  const h = harness({ runbooks: [labProbe] });
  const runId = await h.start({}, 'lab-probe');
  for (const id of ['probe-start', 'work']) {
    if (id === stepId) break;
    expect(h.lastGate().stepId).toBe(id);
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
  }
  expect(h.lastGate().stepId).toBe(stepId);
  return { h, runId };
}

const abort = (h: ReturnType<typeof harness>, runId: string) =>
  h.engine.abort({ runId, user: REQUESTER, userGroups: [] });
const runOf = async (h: ReturnType<typeof harness>, runId: string) => (await h.engine.getRun(runId))!.run;
const audit = (h: ReturnType<typeof harness>) => h.audit.read('lab');
/** Whether the site lock is still held (a new run would be refused). */
const busy = async (h: ReturnType<typeof harness>) => (await h.lock.holder('lab')) !== undefined;

describe('engine: cleanup steps on abort', () => {
  it('after a step with a cleanup, runs the cleanup once as a job, then ends aborted and only then frees the site', async () => {
    const { h, runId } = await atGate('work');
    const r = await abort(h, runId);
    expect(r.ok && r.value.outcome).toBeUndefined(); // still cleaning up
    expect(r.ok && r.value.phase).toBe('cleanup');
    expect(await busy(h)).toBe(true);
    expect(h.queue.waiting.map((j) => j.stepId)).toEqual(['probe-start-cleanup']);
    expect(h.events.of('run.finished')).toHaveLength(0);

    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toBe(`aborted by ${REQUESTER}; cleanup done: probe-start-cleanup`);
    expect(h.effects()).toEqual(['probe-start', 'probe-start-cleanup']);
    expect(h.events.of('step.started').at(-1)).toMatchObject({
      stepId: 'probe-start-cleanup',
      cleanup: true,
      phase: 'forward',
    });
    expect(h.events.of('run.finished')).toEqual([
      expect.objectContaining({ outcome: 'aborted', statusLine: run.statusLine }),
    ]);
    const types = (await audit(h)).map((a) => `${a.type}:${a.stepId ?? ''}`);
    expect(types.indexOf('lock.released:')).toBeGreaterThan(types.indexOf('step.finished:probe-start-cleanup'));
    expect(
      (await audit(h)).find((a) => a.type === 'step.started' && a.stepId === 'probe-start-cleanup')?.data,
    ).toMatchObject({ phase: 'cleanup' });

    // Once: a second abort is refused, a late re-delivery and a resume run nothing more.
    expect((await abort(h, runId)).ok).toBe(false);
    expect(await h.engine.handleJob({ site: 'lab', runId, stepId: 'probe-start-cleanup', attempt: 1 })).toBe('drop');
    await h.engine.resume(['lab']);
    await h.drain();
    expect(h.effects()).toEqual(['probe-start', 'probe-start-cleanup']);
    expect(await busy(h)).toBe(false);
  });

  it('a run stopped by a rejection, then aborted: runs the cleanup, ends aborted and frees the site', async () => {
    const { h, runId } = await atGate('work');
    await h.decide(h.lastGate(), 'reject');
    expect((await runOf(h, runId)).outcome).toBe('rejected');
    expect((await abort(h, runId)).ok).toBe(true);
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toBe(`aborted by ${REQUESTER}; cleanup done: probe-start-cleanup`);
    expect(h.effects()).toEqual(['probe-start', 'probe-start-cleanup']);
    expect(await busy(h)).toBe(false);
  });

  it('a rejected run without any cleanup due ends aborted at once and frees the site', async () => {
    const { h, runId } = await atGate('probe-start');
    await h.decide(h.lastGate(), 'reject');
    const r = await abort(h, runId);
    expect(r.ok && r.value.outcome).toBe('aborted');
    expect(await busy(h)).toBe(false);
    expect(h.events.of('run.finished')).toHaveLength(1);
  });

  it('before the step with a cleanup, runs no cleanup and frees the site at once', async () => {
    const { h, runId } = await atGate('probe-start');
    const r = await abort(h, runId);
    expect(r.ok && r.value.outcome).toBe('aborted');
    expect(r.ok && r.value.statusLine).toBe(`aborted by ${REQUESTER}`);
    expect(await busy(h)).toBe(false);
    await h.drain();
    expect(h.effects()).toEqual([]);
  });

  it('does not run a cleanup its own stop step already made moot', async () => {
    const { h, runId } = await atGate('work');
    await h.decide(h.lastGate(), 'approve');
    await h.drain();
    expect(h.lastGate().stepId).toBe('last');
    const r = await abort(h, runId);
    expect(r.ok && r.value.outcome).toBe('aborted');
    await h.drain();
    expect(h.effects()).toEqual(['probe-start', 'work', 'probe-stop']);
    expect(await busy(h)).toBe(false);
  });

  it('aborted during a rollback whose undo of the step failed: the cleanup still runs', async () => {
    const { h, runId } = await atGate('work');
    await h.decide(h.lastGate(), 'reject');
    h.remote.touch(HOST, `${BASE}/undo-stuck`);
    expect((await h.engine.rollback({ runId, requester: REQUESTER })).ok).toBe(true);
    await h.drain();
    expect(h.lastGate()).toMatchObject({ stepId: 'probe-start-undo', kind: 'failure' });
    await h.decide(h.lastGate(), 'abort');
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(h.effects()).toEqual(['probe-start', 'probe-start-undo', 'probe-start-cleanup']);
    expect(await busy(h)).toBe(false);
  });

  it('cleanupCoverage: started steps whose cleanup is not moot (stop step done, or undone by the rollback), latest first', async () => {
    const { h, runId } = await atGate('work');
    const { plan, run } = (await h.engine.getRun(runId))!;
    const ok = { status: 'succeeded' as const, attempt: 1 };
    const at = (
      steps: Record<string, typeof ok | { status: 'failed'; attempt: 1; failedAt: 'precondition' | 'command' }>,
      extra = {},
    ) => cleanupCoverage(plan, { ...run, steps, ...extra });
    expect(at({ 'probe-start': ok })).toEqual(['probe-start']);
    expect(at({ 'probe-start': { status: 'failed', attempt: 1, failedAt: 'command' } })).toEqual(['probe-start']);
    expect(at({ 'probe-start': { status: 'failed', attempt: 1, failedAt: 'precondition' } })).toEqual([]);
    expect(at({})).toEqual([]);
    expect(at({ 'probe-start': ok, 'probe-stop': ok })).toEqual([]);
    const rollback = { requestedBy: REQUESTER, requestedAt: 0, covers: ['probe-start'] };
    expect(at({ 'probe-start': ok, 'probe-start-undo': ok }, { rollback })).toEqual([]);
    expect(at({ 'probe-start': ok }, { rollback })).toEqual(['probe-start']);
  });

  it('through the Abort choice of a failure gate, runs the cleanup before the run ends', async () => {
    const { h, runId } = await atGate('work');
    await h.decide(h.lastGate(), 'approve');
    h.remote.unreachable.add(HOST);
    // `work` loses its connection: reconciled to an interrupted gate, answered Abort.
    await h.drain();
    h.remote.unreachable.delete(HOST);
    expect(h.lastGate()).toMatchObject({ stepId: 'work', kind: 'interrupted' });
    await h.decide(h.lastGate(), 'abort');
    expect((await runOf(h, runId)).outcome).toBeUndefined();
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toBe(`aborted by ${APPROVER} at step work; cleanup done: probe-start-cleanup`);
    expect(h.effects().filter((e) => e === 'probe-start-cleanup')).toHaveLength(1);
  });

  it('a failing cleanup ends the run aborted with the failure stated, without a gate', async () => {
    const { h, runId } = await atGate('work');
    h.remote.touch(HOST, `${BASE}/stuck`);
    const gates = h.events.of('gate.opened').length;
    await abort(h, runId);
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toMatch(/^aborted by U_REQ; cleanup step probe-start-cleanup FAILED \(.+\): check by hand$/);
    expect(run.steps['probe-start-cleanup']?.status).toBe('failed');
    expect(h.events.of('gate.opened')).toHaveLength(gates);
    expect(await busy(h)).toBe(false);
  });

  it('a cleanup whose host cannot be reached is a failure, not an interruption', async () => {
    const { h, runId } = await atGate('work');
    h.remote.unreachable.add(HOST);
    await abort(h, runId);
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toContain('cleanup step probe-start-cleanup FAILED');
    expect(run.steps['probe-start-cleanup']).toMatchObject({ status: 'failed', failedAt: 'transport' });
    expect(h.events.of('step.interrupted')).toHaveLength(0);
  });

  it('a worker that dies inside a cleanup step: the re-delivered job runs it again (idempotent), audited, then the run ends', async () => {
    const { h, runId } = await atGate('work');
    await abort(h, runId);
    h.remote.hang = /probe-start-cleanup/;
    const job = h.queue.waiting.shift()!;
    void h.engine.handleJob(job); // never returns: the worker died inside the command
    await new Promise((r) => setTimeout(r, 20));
    expect((await runOf(h, runId)).steps['probe-start-cleanup']?.status).toBe('running');
    expect(await busy(h)).toBe(true);

    h.remote.hang = undefined;
    expect(await h.engine.handleJob(job)).toBe('run'); // BullMQ hands the stalled job out again
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.outcome).toBe('aborted');
    expect(run.steps['probe-start-cleanup']?.summary).toMatch(
      /^run again after a delivery that never recorded its end/,
    );
    expect(h.remote.ran(/probe-start-cleanup/)).toBe(2);
    expect(
      (await audit(h)).filter((a) => a.type === 'step.reconciled' && a.stepId === 'probe-start-cleanup'),
    ).toHaveLength(1);
    expect(await busy(h)).toBe(false);
  });

  it('a step running at the abort finishes first; the cleanup runs after it and the site stays held until then', async () => {
    const { h, runId } = await atGate('probe-start');
    await h.decide(h.lastGate(), 'approve');
    let release = () => {};
    const latch = new Promise<void>((r) => (release = r));
    const exec = h.remote.exec.bind(h.remote);
    // probe-start's command waits until the test lets it finish.
    h.remote.exec = async (host, req) => {
      if (req.command.includes('echo probe-start ')) await latch;
      return exec(host, req);
    };
    const job = h.queue.waiting[0]!; // stays queued while active, as BullMQ keeps a job id taken
    const running = h.engine.handleJob(job);
    await new Promise((r) => setTimeout(r, 20));
    expect((await runOf(h, runId)).steps['probe-start']?.status).toBe('running');

    const r = await abort(h, runId);
    expect(r.ok && r.value.statusLine).toBe(
      `aborted by ${REQUESTER} while step probe-start was running (it finishes and is recorded)`,
    );
    expect(r.ok && r.value.outcome).toBeUndefined();
    expect(await busy(h)).toBe(true);
    release();
    await running;
    await h.drain();
    const run = await runOf(h, runId);
    expect(run.steps['probe-start']?.status).toBe('succeeded');
    expect(run.outcome).toBe('aborted');
    expect(h.effects()).toEqual(['probe-start', 'probe-start-cleanup']);
    expect(await busy(h)).toBe(false);
  });

  it('a worker that dies inside the step running at the abort: it is reconciled (no gate), then its cleanup runs', async () => {
    const { h, runId } = await atGate('probe-start');
    await h.decide(h.lastGate(), 'approve');
    h.remote.hang = /probe-start/;
    const job = h.queue.waiting[0]!;
    void h.engine.handleJob(job);
    await new Promise((r) => setTimeout(r, 20));
    await abort(h, runId);
    h.remote.hang = undefined;
    const gates = h.events.of('gate.opened').length;
    await h.drain(); // the stalled job again: reconciled
    const run = await runOf(h, runId);
    expect(run.steps['probe-start']?.status).toBe('interrupted');
    expect(run.outcome).toBe('aborted');
    expect(run.statusLine).toContain('cleanup done: probe-start-cleanup');
    expect(h.events.of('gate.opened')).toHaveLength(gates);
    expect(h.effects()).toEqual(['probe-start-cleanup']);
  });
});

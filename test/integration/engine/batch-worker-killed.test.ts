import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { PRECHECK_RUNBOOK } from '../../../src/runbooks/xizang/precheck/precheck.ts';
import { SITE, ev, killHard, labSh, spawnWorker } from './engine-lab.ts';
import { useEngineTest } from './engine-test.ts';

/** A file the precheck reads on paas-1 (the pyscript version): made a FIFO, its reader blocks there. */
const PYSCRIPT = '/app/soft/pyscript/pypssh.py';
const BLOCKED_READER = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | grep -c '^sed .*${PYSCRIPT}' || true`;

describe('a worker killed with -9 in the middle of the precheck batch', () => {
  const ctx = useEngineTest();
  const workers: ChildProcess[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await killHard(w);
    // The lab's own pypssh.py back in place (later tests upgrade and read it).
    await labSh(
      'paas-1',
      `timeout 2 sh -c 'echo x > ${PYSCRIPT}' 2>/dev/null; rm -f ${PYSCRIPT}; if [ -e ${PYSCRIPT}.keep ]; then mv ${PYSCRIPT}.keep ${PYSCRIPT}; fi`,
    );
  });

  it('runs the batch again in the next worker and records every step once', async () => {
    await labSh(
      'paas-1',
      `mkdir -p /app/soft/pyscript && { [ ! -f ${PYSCRIPT} ] || mv ${PYSCRIPT} ${PYSCRIPT}.keep; } && mkfifo ${PYSCRIPT}`,
    );
    const first = await spawnWorker(ctx.t);
    workers.push(first);
    const { rt, watch } = ctx;
    const r = await rt.engine.request({ site: SITE, runbook: PRECHECK_RUNBOOK, args: {}, requester: 'U_ENGINE_TEST' });
    if (!r.ok) throw new Error(r.error.message);
    const runId = r.value.runId;
    const steps = (await watch.waitFor(ev('run.planned', undefined, runId))).steps.map((s) => s.id);
    expect(steps.length).toBeGreaterThan(10);
    // The site check (a program) runs on its own first; every step after it started at once, in one batch;
    // paas-1's channel is stuck in the second.
    const [siteCheck, ...batch] = steps;
    expect(siteCheck).toBe('p01-site-check');
    await watch.waitFor(ev('step.started', steps.at(-1), runId));
    for (let i = 0; i < 100 && Number(await labSh('paas-1', BLOCKED_READER)) === 0; i++)
      await new Promise((res) => setTimeout(res, 100));
    expect(Number(await labSh('paas-1', BLOCKED_READER))).toBeGreaterThan(0);
    const run = (await rt.engine.getRun(runId))?.run;
    for (const id of batch) expect(run?.steps[id]?.status).toBe('running');
    expect(watch.seen.filter(ev('step.finished', undefined, runId)).map((e) => e.stepId)).toEqual([siteCheck]);

    await killHard(first);
    // The host answers again: the file is an ordinary one (the reader left behind is let go).
    await labSh('paas-1', `timeout 2 sh -c 'echo x > ${PYSCRIPT}'; rm -f ${PYSCRIPT}; echo version=1 > ${PYSCRIPT}`);
    workers.push(await spawnWorker(ctx.t));
    expect((await watch.waitFor(ev('run.finished', undefined, runId), 120_000)).outcome).toBe('completed');
    const finished = watch.seen.filter(ev('step.finished', undefined, runId)).map((e) => e.stepId);
    expect([...finished].sort()).toEqual([...steps].sort());
    const after = (await rt.engine.getRun(runId))?.run;
    for (const id of steps) expect(after?.steps[id]?.status).toBe('succeeded');
  });
});

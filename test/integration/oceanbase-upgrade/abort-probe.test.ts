import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ObSim } from '../../../lab/obsim/start-obsim.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';
import { probeDir } from '../../../src/runbooks/oceanbase/probe/probe-commands.ts';
import { execOn } from '../../support/lab.ts';
import { SITE, ev, killHard, spawnWorker } from '../engine/engine-lab.ts';
import { useEngineTest } from '../engine/engine-test.ts';
import { TO, resetObLab, simQuery, startLabSim } from './ob-lab.ts';

/**
 * An OceanBase upgrade aborted, or rolled back, after `probe-start`: on an abort the engine runs probe-start's
 * cleanup (the probe's stop) as a step of the run before it ends the run and frees the site; a rollback runs
 * probe-start-undo (the same stop). Either way no probe, no option file with the tenant's password and no probe
 * table stay behind. Through the engine API with `opsgate worker` as a child process.
 */
const REQUESTER = 'U_ABORT_TEST';
const PROBE_HOST = 'ob-1';
const DIR = probeDir('obcluster');
let sim: ObSim;

const onHost = async (script: string) => (await execOn(PROBE_HOST, ['bash', '-c', script])).stdout.trim();
/** The probe's table in the simulated business tenant, once the loop has had time to create it. */
async function probeTable(): Promise<string[]> {
  for (let i = 0; i < 50 && sim.business.tables().length === 0; i++) await new Promise((r) => setTimeout(r, 200));
  return sim.business.tables();
}
const loopRunning = async (pid: string) =>
  (await execOn(PROBE_HOST, ['grep', '-qs', 'opsgate_probe', `/proc/${pid}/cmdline`])).exitCode === 0;

beforeAll(async () => {
  await resetObLab();
  sim = await startLabSim();
  // The observers were just restarted: let the simulator see every replica caught up before the precheck reads it.
  for (let i = 0; i < 60; i++) {
    const rows = await simQuery("select count(*) as n from oceanbase.GV$OB_LOG_STAT where IN_SYNC != 'YES'");
    if (Number(Object.values(rows[0] ?? {})[0]) === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 180_000);

afterAll(async () => {
  await execOn(PROBE_HOST, ['bash', '-c', `rm -rf ${DIR}`]);
  await sim?.close();
});

describe('an aborted OceanBase upgrade', () => {
  const ctx = useEngineTest();
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    if (worker) await killHard(worker);
    worker = undefined;
  });

  /** Waits for the run's next gate not seen yet, or its end. */
  const nextOf = (runId: string, seen: Set<string>) =>
    ctx.watch.waitFor(
      (e): e is EngineEvent =>
        e.runId === runId && ((e.type === 'gate.opened' && !seen.has(e.gate.id)) || e.type === 'run.finished'),
      300_000,
    );

  /** Prechecks the cluster, requests its upgrade, and waits for probe-start and the first gate after it. */
  async function upgradeUntilFirstGate() {
    worker = await spawnWorker(ctx.t);
    const pre = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'ob-precheck',
      args: { cluster: 'obcluster' },
      requester: REQUESTER,
    });
    if (!pre.ok) throw new Error(pre.error.message);
    const seen = new Set<string>();
    for (;;) {
      const e = await nextOf(pre.value.runId, seen);
      if (e.type === 'run.finished') {
        expect(e.outcome, e.statusLine).toBe('completed');
        break;
      }
      if (e.type !== 'gate.opened') continue;
      seen.add(e.gate.id);
      expect(
        (
          await ctx.rt.engine.decide({
            gateId: e.gate.id,
            user: ctx.approver,
            userGroups: [],
            choice: 'approve',
            planHash: e.gate.planHash,
          })
        ).ok,
      ).toBe(true);
    }

    const up = await ctx.rt.engine.request({
      site: SITE,
      runbook: 'ob-upgrade',
      args: { cluster: 'obcluster', toVersion: TO },
      requester: REQUESTER,
    });
    if (!up.ok) throw new Error(up.error.message);
    const runId = up.value.runId;
    expect((await ctx.watch.waitFor(ev('step.finished', 'probe-start', runId), 300_000)).status).toBe('succeeded');
    const gate = await nextOf(runId, seen);
    if (gate.type !== 'gate.opened') throw new Error(`the run ended before a gate: ${JSON.stringify(gate)}`);
    const pid = await onHost(`cat ${DIR}/pid`);
    expect(await loopRunning(pid)).toBe(true);
    expect(await onHost(`ls ${DIR}`)).toContain(`client-${pid}.cnf`);
    expect(await probeTable()).toEqual(['opsgate_probe']);
    return { runId, gate: gate.gate, pid };
  }

  it('after probe-start: the probe is stopped and its table dropped as a cleanup step, then the run ends aborted and the site is free', async () => {
    const { runId, gate, pid } = await upgradeUntilFirstGate();
    const aborted = await ctx.rt.engine.abort({ runId, user: REQUESTER, userGroups: [] });
    expect(aborted.ok).toBe(true);
    const finished = await ctx.watch.waitFor(ev('run.finished', undefined, runId), 120_000);
    expect(finished.outcome).toBe('aborted');
    expect(finished.statusLine).toMatch(/^aborted by U_ABORT_TEST; cleanup done: probe-start-cleanup$/);
    expect(ctx.watch.seen.find((e) => ev('step.started', 'probe-start-cleanup', runId)(e))).toMatchObject({
      cleanup: true,
    });
    expect(await loopRunning(pid)).toBe(false);
    expect((await onHost(`ls -A ${DIR}`)).split('\n').sort()).toEqual(['endpoint', 'errors', 'log']);
    expect(sim.business.tables(), 'the probe table is dropped').toEqual([]);
    expect(await ctx.rt.deps.lock.holder(SITE)).toBeUndefined();
    // Nothing after the gate ran: the step it guarded never started.
    expect(ctx.watch.seen.some((e) => ev('step.started', gate.stepId, runId)(e))).toBe(false);
  }, 900_000);

  it('rolled back after probe-start: probe-start-undo stops the probe and drops its table', async () => {
    const { runId, gate, pid } = await upgradeUntilFirstGate();
    const rejected = await ctx.rt.engine.decide({
      gateId: gate.id,
      user: ctx.approver,
      userGroups: [],
      choice: 'reject',
      planHash: gate.planHash,
    });
    expect(rejected.ok).toBe(true);
    expect((await ctx.watch.waitFor(ev('run.stopped', gate.stepId, runId), 120_000)).rollbackOffered).toBe(true);
    expect((await ctx.rt.engine.rollback({ runId, requester: REQUESTER })).ok).toBe(true);
    const undone = await ctx.watch.waitFor(ev('step.finished', 'probe-start-undo', runId), 300_000);
    expect(undone.status).toBe('succeeded');
    expect(await loopRunning(pid)).toBe(false);
    expect((await onHost(`ls -A ${DIR}`)).split('\n').sort()).toEqual(['endpoint', 'errors', 'log']);
    expect(sim.business.tables(), 'the probe table is dropped').toEqual([]);
  }, 900_000);
});

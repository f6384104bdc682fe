import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BASE, HOST, SITE, ev, killHard, labSh, spawnWorker } from './engine-lab.ts';
import { useEngineTest } from './engine-test.ts';

/** SSH logins sshd accepted on the host so far (its log lives in the host's own root). */
async function acceptedLogins(): Promise<number> {
  return Number((await labSh(HOST, "grep -c 'Accepted ' /var/log/sshd.log || true")).trim());
}

/** Established TCP connections to the host's sshd. */
async function openSshConnections(): Promise<number> {
  const out = await labSh(HOST, "ss -Htn state established '( sport = :22 )'");
  return out.split('\n').filter((l) => l.trim() !== '').length;
}

describe('a run holds one SSH connection per host', () => {
  const ctx = useEngineTest();
  let worker: ChildProcess | undefined;

  afterEach(async () => {
    if (worker) await killHard(worker);
    worker = undefined;
  });

  it('opens exactly one connection to the host for every step of the run and closes it when the run ends', async () => {
    worker = await spawnWorker(ctx.t);
    const { rt, watch, approver } = ctx;
    const before = await acceptedLogins();
    const r = await rt.engine.request({
      site: SITE,
      runbook: 'lab-move-dir',
      args: { base: BASE },
      requester: 'U_ENGINE_TEST',
    });
    if (!r.ok) throw new Error(r.error.message);
    const runId = r.value.runId;
    const gate = (await watch.waitFor(ev('gate.opened', 'move-dir', runId))).gate;
    expect(
      (
        await rt.engine.decide({
          gateId: gate.id,
          user: approver,
          userGroups: [],
          choice: 'approve',
          planHash: gate.planHash,
        })
      ).ok,
    ).toBe(true);
    expect((await watch.waitFor(ev('run.finished', undefined, runId))).outcome).toBe('completed');
    const steps = watch.seen.filter(ev('step.finished', undefined, runId)).length;
    expect(steps).toBeGreaterThanOrEqual(4);
    expect((await acceptedLogins()) - before).toBe(1);
    // The worker keeps running; the run's connection must be gone all the same.
    let open = await openSshConnections();
    for (let i = 0; i < 50 && open > 0; i++) {
      await new Promise((res) => setTimeout(res, 100));
      open = await openSshConnections();
    }
    expect(open).toBe(0);
  });
});

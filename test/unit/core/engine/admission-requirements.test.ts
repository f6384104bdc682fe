import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../../src/core/engine/create-engine.ts';
import { silentLog } from '../../../../src/core/engine/engine-deps.ts';
import { unmetRequirement } from '../../../../src/core/engine/check-requirements.ts';
import { siteDirectory } from '../../../../src/core/sites/site.ts';
import type { RunState } from '../../../../src/core/plan/run-state.ts';
import type { Requirement } from '../../../../src/core/plan/step-schema.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { MemoryAudit, MemoryGates, MemorySiteLock } from '../../../support/fakes/index.ts';
import { MemoryEvents, MemoryRunQueue, MemoryRunStore } from '../../../support/fakes/memory-run-store.ts';
import { labXizang, registry } from '../../runbooks/xizang/xizang-fixture.ts';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;
const REQ: Requirement = {
  runbook: 'ob-precheck',
  sameArgs: ['cluster'],
  outcome: 'completed',
  withinMs: HOUR,
  within: '1h',
};

function run(over: Partial<RunState>): RunState {
  return {
    id: 'run_p',
    site: 'xizang',
    runbook: 'ob-precheck',
    args: { cluster: 'obcluster' },
    requester: 'U1',
    dryRun: false,
    planHash: 'h',
    createdAt: NOW - 2 * HOUR,
    updatedAt: NOW - HOUR / 2,
    version: 3,
    phase: 'forward',
    outcome: 'completed',
    steps: {},
    ...over,
  };
}

/** A precheck with no outcome: still running, or stopped at a failed check. */
function stillActive(): RunState {
  const { outcome, ...rest } = run({});
  void outcome;
  return rest;
}

describe('admission requirements', () => {
  const cases: { name: string; runs: RunState[]; met: boolean; says?: RegExp }[] = [
    { name: 'a completed precheck of the cluster half an hour ago admits the run', runs: [run({})], met: true },
    {
      name: 'a precheck finished exactly at the edge of the window still admits it',
      runs: [run({ updatedAt: NOW - HOUR })],
      met: true,
    },
    {
      name: 'no precheck at all refuses it',
      runs: [],
      met: false,
      says: /needs a completed run of ob-precheck for cluster=obcluster within the last 1h: there is none/,
    },
    {
      name: 'a precheck older than the window refuses it, naming the run',
      runs: [run({ updatedAt: NOW - HOUR - 1 })],
      met: false,
      says: /run_p, ended .* too long ago/,
    },
    {
      name: 'a precheck of another cluster does not count',
      runs: [run({ args: { cluster: 'obsmall' } })],
      met: false,
      says: /there is none/,
    },
    {
      name: 'a precheck that failed (stopped, no outcome) does not count',
      runs: [stillActive()],
      met: false,
      says: /is still active/,
    },
    { name: 'an aborted precheck does not count', runs: [run({ outcome: 'aborted' })], met: false, says: /is aborted/ },
    { name: 'a dry run of the precheck does not count', runs: [run({ dryRun: true, outcome: 'dry-run' })], met: false },
    {
      name: 'another runbook with the same arguments does not count',
      runs: [run({ runbook: 'ob-upgrade' })],
      met: false,
    },
    {
      name: 'the newest of several completed prechecks is the one that counts',
      runs: [run({ id: 'old', updatedAt: NOW - 5 * HOUR }), run({ id: 'new' })],
      met: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const why = unmetRequirement(REQ, { cluster: 'obcluster', toVersion: '4.3.5.5' }, c.runs, NOW);
      expect(why === undefined).toBe(c.met);
      if (c.says) expect(why).toMatch(c.says);
    });
  }
});

describe('ob-upgrade admission at request time', () => {
  async function engineWith(history: RunState[]) {
    const runs = new MemoryRunStore();
    const site = await labXizang();
    for (const r of history)
      await runs.create(r, { runbook: r.runbook, site: r.site, title: 't', args: r.args, steps: [] });
    const lock = new MemorySiteLock();
    const events = new MemoryEvents();
    const engine = createEngine({
      runs,
      queue: new MemoryRunQueue(),
      gates: new MemoryGates(),
      audit: new MemoryAudit(),
      lock,
      events,
      sites: siteDirectory([site]),
      runbooks: registry,
      openRemote: async () => new FakeRemote(),
      clock: { now: () => NOW },
      sleep: async () => undefined,
      ids: { next: (p) => `${p}${Math.random().toString(16).slice(2, 10)}` },
      log: silentLog,
    });
    const request = (cluster: string) =>
      engine.request({
        site: site.name,
        runbook: 'ob-upgrade',
        args: { cluster, toVersion: '4.3.5.5' },
        requester: 'U_REQ',
      });
    return { engine, lock, events, request, site: site.name };
  }

  it('refuses the upgrade without a recent completed precheck, says why and leaves the site free', async () => {
    const e = await engineWith([]);
    const r = await e.request('obcluster');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('REQUIREMENT_UNMET');
    expect(r.error.message).toMatch(
      /ob-upgrade refused: it needs a completed run of ob-precheck for cluster=obcluster within the last 1h/,
    );
    expect(r.error.message).toMatch(/\/precheck xizang ob obcluster/);
    expect(await e.lock.holder(e.site)).toBeUndefined();
    expect(e.events.of('run.refused')).toHaveLength(1);
  });

  it('admits the upgrade after a precheck of the cluster completed within precheckValidFor', async () => {
    const e = await engineWith([run({})]);
    const r = await e.request('obcluster');
    expect(r.ok).toBe(true);
    expect((await e.lock.holder(e.site))?.runId).toBe(r.ok ? r.value.runId : '');
  });

  it('refuses a cluster of fewer than three zones at request time, even with a fresh precheck', async () => {
    const e = await engineWith([run({ args: { cluster: 'obsmall' } })]);
    const r = await e.request('obsmall');
    expect(r.ok ? 'accepted' : r.error.code).toBe('PLAN_INVALID');
    expect(r.ok ? '' : r.error.message).toMatch(/2 zone\(s\)/);
    expect(await e.lock.holder(e.site)).toBeUndefined();
  });
});

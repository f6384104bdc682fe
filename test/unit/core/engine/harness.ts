import { createEngine, type Engine } from '../../../../src/core/engine/create-engine.ts';
import { silentLog } from '../../../../src/core/engine/engine-deps.ts';
import { siteDirectory, type Site } from '../../../../src/core/sites/site.ts';
import type { Gate } from '../../../../src/core/ports/gates.ts';
import type { IdSource } from '../../../../src/core/ports/ids.ts';
import { labMoveDir } from '../../../../src/runbooks/lab/lab-move-dir.ts';
import { createRunbookRegistry } from '../../../../src/core/engine/runbook-registry.ts';
import type { Runbook } from '../../../../src/core/ports/runbook.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';
import { MemoryAudit, MemoryGates, MemorySiteLock } from '../../../support/fakes/index.ts';
import { MemoryEvents, MemoryRunQueue, MemoryRunStore } from '../../../support/fakes/memory-run-store.ts';

export const REQUESTER = 'U_REQ';
export const APPROVER = 'U_APP';
export const OTHER_APPROVER = 'U_APP2';
export const BASE = '/app/opsgate-test';
export const HOST = 'fdfs-3';

export const labSite: Site = {
  name: 'lab',
  hosts: ['fdfs-3', 'paas-1'],
  groups: {},
  obClusters: [],
  policy: {
    approvers: [APPROVER, OTHER_APPROVER],
    approverGroups: [],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 60_000,
  },
  channel: 'C_LAB',
  starters: { users: [], groups: [] },
  manualScripted: false,
};

/**
 * An engine over in-memory fakes, with a clock tests move and a queue they drain by hand; `runbooks` adds
 * runbooks beside lab-move-dir, `remote` replaces the fake remote, and `start` takes the runbook to run.
 */
export function harness(opts: { readonly runbooks?: readonly Runbook[]; readonly remote?: FakeRemote } = {}) {
  let now = 1_000_000;
  let seq = 0;
  const ids: IdSource = { next: (prefix) => `${prefix}${++seq}` };
  const clock = { now: () => now };
  const remote = (opts.remote ?? new FakeRemote()).touch(HOST, `${BASE}/data`, `${BASE}/data/file`, BASE);
  const deps = {
    runs: new MemoryRunStore(),
    queue: new MemoryRunQueue(),
    gates: new MemoryGates(),
    audit: new MemoryAudit(),
    lock: new MemorySiteLock(),
    events: new MemoryEvents(),
    sites: siteDirectory([labSite]),
    runbooks: createRunbookRegistry([labMoveDir, ...(opts.runbooks ?? [])]),
    openRemote: async () => remote.reopen(),
    clock,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    ids,
    log: silentLog,
  };
  const engine: Engine = createEngine(deps);
  return {
    ...deps,
    deps,
    engine,
    remote,
    advance: (ms: number) => (now += ms),
    /** Runs every queued job (and what they enqueue). */
    drain: () => deps.queue.drain((job) => engine.handleJob(job)),
    /** The gate opened last. */
    lastGate: (): Gate => {
      const g = deps.events.of('gate.opened').at(-1)?.gate;
      if (g === undefined) throw new Error('no gate opened');
      return g;
    },
    start: async (args: Record<string, unknown> = {}, runbook = 'lab-move-dir') => {
      const r = await engine.request({ site: 'lab', runbook, args, requester: REQUESTER });
      if (!r.ok) throw new Error(r.error.message);
      await deps.queue.drain((job) => engine.handleJob(job));
      return r.value.runId;
    },
    decide: (gate: Gate, choice: Gate['choices'][number], user = APPROVER) =>
      engine.decide({ gateId: gate.id, user, userGroups: [], choice, planHash: gate.planHash }),
    effects: () => remote.linesOf(HOST, `${BASE}/effects.log`),
  };
}

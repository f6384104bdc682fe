import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ApprovalPolicy,
  DecideInput,
  GateRefusal,
  GateStore,
  OpenGateInput,
} from '../../../src/core/ports/gates.ts';
import type { DecideOutcome, Gate } from '../../../src/core/ports/gates.ts';
import type { Result } from '../../../src/core/result.ts';
import { decideGate } from '../../../src/approvals/decide-gate.ts';
import { newGate } from '../../../src/approvals/new-gate.ts';

/** A store under test, and a way to get a second handle on the same data (another connection, another replica). */
export interface GateStoreFixture {
  readonly store: GateStore;
  replica(): Promise<GateStore>;
  close(): Promise<void>;
}

const T0 = 1_763_600_000_000;
const policy: ApprovalPolicy = {
  approvers: ['U_ALICE', 'U_BOB', 'U_CAROL', 'U_REQ'],
  approverGroups: ['S_OPS'],
  approvalsNeeded: 1,
  requesterMayApprove: false,
  expiresAfterMs: 60_000,
};
const opening = (over: Partial<OpenGateInput> = {}): OpenGateInput => ({
  site: 'xizang',
  runId: 'run_1',
  stepId: 'move-redis-data',
  kind: 'approval',
  planHash: 'plan-a',
  requester: 'U_REQ',
  choices: ['approve', 'reject'],
  policy,
  now: T0,
  ...over,
});

/** A store as the engine uses it: gates built by `newGate`, answers checked by the policy before `record`. */
interface PolicyFrontedStore extends Omit<GateStore, 'insert' | 'record'> {
  open(input: OpenGateInput): Promise<Gate>;
  decide(input: DecideInput): Promise<Result<DecideOutcome, GateRefusal>>;
}

let opened = 0;

function withPolicy(store: GateStore): PolicyFrontedStore {
  return {
    async open(input) {
      const gate = newGate(`gate_${process.pid}_${++opened}`, input);
      await store.insert(gate);
      return gate;
    },
    decide: (input) => decideGate(store, input),
    get: (gateId) => store.get(gateId),
    expireDue: (now) => store.expireDue(now),
    pendingForRun: (runId) => store.pendingForRun(runId),
  };
}

/**
 * The behaviour every GateStore must have, run against the in-memory fake and the Redis store alike so that
 * the fake cannot drift from the real thing. Each case goes through the approvals policy (`newGate`,
 * `decideGate`) as the engine does: the store's own part is to keep gates and to record each accepted answer
 * atomically, once.
 */
export function gateStoreContract(name: string, factory: () => Promise<GateStoreFixture>): void {
  describe(`GateStore contract: ${name}`, () => {
    let fx: GateStoreFixture;
    let store: PolicyFrontedStore;
    const replica = async (): Promise<PolicyFrontedStore> => withPolicy(await fx.replica());
    beforeEach(async () => {
      fx = await factory();
      store = withPolicy(fx.store);
    });
    afterEach(async () => {
      await fx.close();
    });

    const click = (gateId: string, over: Partial<DecideInput> = {}): DecideInput => ({
      gateId,
      user: 'U_ALICE',
      userGroups: [],
      choice: 'approve',
      planHash: 'plan-a',
      now: T0 + 1_000,
      ...over,
    });
    const refusal = (r: { ok: boolean; error?: GateRefusal }): GateRefusal['code'] | 'accepted' =>
      r.ok ? 'accepted' : r.error!.code;

    it('opens a pending gate that expires after the policy time and can be read back', async () => {
      const gate = await store.open(opening());
      expect(gate).toMatchObject({
        status: 'pending',
        openedAt: T0,
        expiresAt: T0 + 60_000,
        approvals: [],
        planHash: 'plan-a',
      });
      expect(await store.get(gate.id)).toEqual(gate);
      expect(await store.get('gate_does_not_exist')).toBeUndefined();
    });

    it('refuses to open a gate offering a choice foreign to its kind', async () => {
      await expect(store.open(opening({ kind: 'manual', choices: ['done', 'approve'] }))).rejects.toMatchObject({
        code: 'INVALID_GATE',
      });
    });

    it('settles a gate on the first approval by an approver', async () => {
      const gate = await store.open(opening());
      const r = await store.decide(click(gate.id));
      expect(r).toMatchObject({
        ok: true,
        value: {
          status: 'decided',
          gate: { status: 'decided', decision: { choice: 'approve', by: 'U_ALICE', at: T0 + 1_000 } },
        },
      });
      expect((await store.get(gate.id))?.decision?.by).toBe('U_ALICE');
    });

    it('refuses approval from the requester, telling them another approver must approve', async () => {
      const gate = await store.open(opening());
      const r = await store.decide(click(gate.id, { user: 'U_REQ' }));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'REQUESTER', message: 'You requested this run; another approver must approve it.' },
      });
      expect((await store.get(gate.id))?.status).toBe('pending');
    });

    it('lets the requester reject their own run', async () => {
      const gate = await store.open(opening({ requester: 'U_NOT_APPROVER' }));
      const r = await store.decide(click(gate.id, { user: 'U_NOT_APPROVER', choice: 'reject' }));
      expect(r).toMatchObject({ ok: true, value: { status: 'decided', gate: { decision: { choice: 'reject' } } } });
    });

    it('lets the requester approve when the site allows self-approval', async () => {
      const gate = await store.open(opening({ policy: { ...policy, requesterMayApprove: true } }));
      expect(refusal(await store.decide(click(gate.id, { user: 'U_REQ' })))).toBe('accepted');
    });

    it('refuses a person who is neither an approver nor in an approver group', async () => {
      const gate = await store.open(opening());
      const r = await store.decide(click(gate.id, { user: 'U_MALLORY', userGroups: ['S_DEVS'] }));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORISED', message: expect.stringContaining('not an approver for site xizang') },
      });
    });

    it('accepts an approval from a member of an approver group', async () => {
      const gate = await store.open(opening());
      expect(refusal(await store.decide(click(gate.id, { user: 'U_DAVE', userGroups: ['S_DEVS', 'S_OPS'] })))).toBe(
        'accepted',
      );
    });

    it('refuses a decision once the gate has expired, even before expireDue has run', async () => {
      const gate = await store.open(opening());
      const r = await store.decide(click(gate.id, { now: T0 + 60_000 }));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'EXPIRED', message: expect.stringContaining('counts as a rejection') },
      });
      expect((await store.get(gate.id))?.decision).toBeUndefined();
    });

    it('expires each overdue pending gate exactly once and then refuses decisions on it', async () => {
      const due = await store.open(opening({ stepId: 'a' }));
      const later = await store.open(opening({ stepId: 'b', now: T0 + 30_000 }));
      const decided = await store.open(opening({ stepId: 'c' }));
      await store.decide(click(decided.id));
      const expired = await store.expireDue(T0 + 60_000);
      expect(expired.map((g) => g.id)).toEqual([due.id]);
      expect(expired[0]?.status).toBe('expired');
      expect(await store.expireDue(T0 + 60_000)).toEqual([]);
      expect(refusal(await store.decide(click(due.id, { now: T0 + 1_000 })))).toBe('EXPIRED');
      expect((await store.get(later.id))?.status).toBe('pending');
    });

    it('hands each overdue gate to only one of several concurrent expireDue callers', async () => {
      const gates = await Promise.all([1, 2, 3, 4, 5].map((i) => store.open(opening({ stepId: `s${i}` }))));
      const replicas = [store, ...(await Promise.all([1, 2, 3].map(() => replica())))];
      const results = await Promise.all(replicas.map((s) => s.expireDue(T0 + 60_000)));
      expect(
        results
          .flat()
          .map((g) => g.id)
          .sort(),
      ).toEqual(gates.map((g) => g.id).sort());
    });

    it('refuses a decision made on a plan that has changed since', async () => {
      const gate = await store.open(opening());
      const r = await store.decide(click(gate.id, { planHash: 'plan-old' }));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'PLAN_CHANGED', message: expect.stringContaining('review the new plan') },
      });
    });

    it('refuses an answer the gate does not offer', async () => {
      const gate = await store.open(opening());
      expect(refusal(await store.decide(click(gate.id, { choice: 'retry' })))).toBe('INVALID_CHOICE');
    });

    it('refuses a decision on a gate it does not know', async () => {
      expect(refusal(await store.decide(click('gate_unknown')))).toBe('UNKNOWN_GATE');
    });

    it('needs two distinct people when two approvals are required', async () => {
      const gate = await store.open(opening({ policy: { ...policy, approvalsNeeded: 2 } }));
      const first = await store.decide(click(gate.id));
      expect(first).toMatchObject({ ok: true, value: { status: 'recorded', gate: { status: 'pending' } } });
      const again = await store.decide(click(gate.id, { now: T0 + 2_000 }));
      expect(again).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_APPROVED', message: expect.stringContaining('needs 2 approvals') },
      });
      const second = await store.decide(click(gate.id, { user: 'U_BOB', now: T0 + 3_000 }));
      expect(second).toMatchObject({
        ok: true,
        value: { status: 'decided', gate: { decision: { choice: 'approve', by: 'U_BOB' } } },
      });
      expect((await store.get(gate.id))?.approvals).toEqual([
        { by: 'U_ALICE', at: T0 + 1_000 },
        { by: 'U_BOB', at: T0 + 3_000 },
      ]);
    });

    it('settles a multi-approval gate on any rejection', async () => {
      const gate = await store.open(opening({ policy: { ...policy, approvalsNeeded: 2 } }));
      await store.decide(click(gate.id));
      const r = await store.decide(click(gate.id, { user: 'U_BOB', choice: 'reject' }));
      expect(r).toMatchObject({
        ok: true,
        value: { status: 'decided', gate: { decision: { choice: 'reject', by: 'U_BOB' } } },
      });
    });

    it('refuses a second replica deciding a gate already decided, naming the first decision', async () => {
      const gate = await store.open(opening());
      const other = await replica();
      await store.decide(click(gate.id));
      const r = await other.decide(click(gate.id, { user: 'U_BOB', choice: 'reject' }));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'ALREADY_DECIDED', message: expect.stringContaining('approve by U_ALICE') },
      });
      expect((await other.get(gate.id))?.decision?.choice).toBe('approve');
    });

    it('records exactly one decision from 50 concurrent clicks over several replicas', async () => {
      const gate = await store.open(opening());
      const replicas = [store, ...(await Promise.all([1, 2, 3, 4].map(() => replica())))];
      const users = Array.from({ length: 50 }, (_, i) => `U_OPS_${i}`);
      const results = await Promise.all(
        users.map((user, i) =>
          replicas[i % replicas.length]!.decide(
            click(gate.id, { user, userGroups: ['S_OPS'], choice: i % 7 === 3 ? 'reject' : 'approve' }),
          ),
        ),
      );
      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map(refusal)).toEqual(Array(49).fill('ALREADY_DECIDED'));
      const winner = winners[0];
      if (!winner?.ok) throw new Error('no winner');
      expect((await store.get(gate.id))?.decision).toEqual(winner.value.gate.decision);
    });

    it('counts exactly the needed approvals from 50 concurrent clicks when three are needed', async () => {
      const gate = await store.open(opening({ policy: { ...policy, approvalsNeeded: 3 } }));
      const replicas = [store, ...(await Promise.all([1, 2, 3, 4].map(() => replica())))];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          replicas[i % 5]!.decide(click(gate.id, { user: `U_OPS_${i}`, userGroups: ['S_OPS'] })),
        ),
      );
      const statuses = results.map((r) => (r.ok ? r.value.status : r.error.code)).sort();
      expect(statuses.filter((s) => s === 'decided')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'recorded')).toHaveLength(2);
      expect(statuses.filter((s) => s === 'ALREADY_DECIDED')).toHaveLength(47);
      const stored = await store.get(gate.id);
      expect(new Set(stored?.approvals.map((a) => a.by)).size).toBe(3);
    });

    it('lists the pending gates of one run only', async () => {
      const a = await store.open(opening({ stepId: 'a' }));
      const b = await store.open(opening({ stepId: 'b', now: T0 + 1 }));
      await store.open(opening({ runId: 'run_2', stepId: 'a' }));
      await store.decide(click(a.id));
      expect((await store.pendingForRun('run_1')).map((g) => g.id)).toEqual([b.id]);
      expect(await store.pendingForRun('run_none')).toEqual([]);
    });

    it('hands out copies, so changing a returned gate changes nothing stored', async () => {
      const gate = await store.open(opening());
      (gate.approvals as { by: string; at: number }[]).push({ by: 'U_FORGED', at: 0 });
      expect((await store.get(gate.id))?.approvals).toEqual([]);
    });
  });
}

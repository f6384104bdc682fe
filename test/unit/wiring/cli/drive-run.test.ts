import { describe, expect, it } from 'vitest';
import { driveRun, type OnFailure } from '../../../../src/wiring/cli/drive-run.ts';
import type { EventSource } from '../../../../src/core/ports/event-source.ts';
import type { ChatEngine, GateDecisionRequest } from '../../../../src/core/ports/chat-engine.ts';
import type { EngineEvent, EventBody, StoredEvent } from '../../../../src/core/ports/events.ts';
import type { Gate } from '../../../../src/core/ports/gates.ts';
import type { GateKind } from '../../../../src/core/plan/run-state.ts';
import { err, ok } from '../../../../src/core/result.ts';
import { choicesForKind } from '../../../../src/approvals/choices-for-kind.ts';
import { chatSite } from '../../../support/chat-site.ts';

const SITE = chatSite('xizang', 'CXIZANG');
const RUN = 'run_00000000000000aa';
const HASH = 'ab'.repeat(32);

/** A site's event stream in memory, and a chat engine that answers decisions the way the gate policy would. */
class FakeSite {
  readonly stream: StoredEvent[] = [];
  readonly decisions: GateDecisionRequest[] = [];
  /** Users whose decisions are refused, with the message. */
  refuse = new Map<string, string>();
  /** What happens after a settled gate. */
  after: (req: GateDecisionRequest) => EventBody[] = () => [
    { type: 'run.finished', outcome: 'completed', statusLine: 'completed: 1 step(s) done' },
  ];

  emit(body: EventBody, runId = RUN): void {
    this.stream.push({
      id: `${this.stream.length + 1}-0`,
      event: { site: SITE.name, runId, at: 0, ...body } as EngineEvent,
    });
  }

  readonly events: EventSource = {
    latestId: async () => `${this.stream.length}-0`,
    read: async (_site, afterId) => this.stream.slice(Number(afterId.split('-')[0])),
  };

  readonly chat = {
    decide: async (req: GateDecisionRequest) => {
      this.decisions.push(req);
      const refusal = this.refuse.get(req.user);
      if (refusal !== undefined) return err({ code: 'REQUESTER', message: refusal });
      this.emit({ type: 'gate.decided', gateId: req.gateId, stepId: 'move', choice: req.choice, by: req.user });
      for (const b of this.after(req)) this.emit(b);
      return ok({ status: 'decided' as const, gate: {} as never });
    },
  } as unknown as ChatEngine;
}

const gate = (kind: GateKind): Gate => ({
  id: 'gate_1',
  site: SITE.name,
  runId: RUN,
  stepId: 'move',
  kind,
  planHash: HASH,
  requester: 'UOPERATOR',
  choices: [...choicesForKind(kind)],
  policy: {
    approvers: ['UAPPROVER1'],
    approverGroups: [],
    approvalsNeeded: 1,
    requesterMayApprove: false,
    expiresAfterMs: 60_000,
  },
  openedAt: 0,
  expiresAt: 60_000,
  status: 'pending',
  approvals: [],
});

const drive = async (f: FakeSite, opts: { approvers: string[]; rejectFirst?: boolean; onFailure?: OnFailure }) => {
  const seen: string[] = [];
  const said: string[] = [];
  const outcome = await driveRun(
    {
      chat: f.chat,
      events: f.events,
      onEvent: (e) => seen.push(e.type),
      notify: (n) => said.push(n.message),
      redisWhere: 'Redis at 127.0.0.1:6379',
    },
    {
      runId: RUN,
      site: SITE,
      fromId: '0-0',
      approvers: opts.approvers,
      requester: 'UOPERATOR',
      rejectFirst: opts.rejectFirst ?? false,
      ...(opts.onFailure ? { onFailure: opts.onFailure } : {}),
    },
  );
  return { outcome, seen, said };
};

describe('driveRun', () => {
  it('tries each approver in turn, prints each refusal, and ends with exit 0 when the run completes', async () => {
    const f = new FakeSite();
    f.refuse.set('UOPERATOR', 'You requested this run; another approver must approve it.');
    f.emit({ type: 'gate.opened', gate: gate('approval'), context: { stepTitle: 'Move', targets: [] } });
    const { outcome, said } = await drive(f, { approvers: ['UOPERATOR', 'UAPPROVER1'] });
    expect(outcome.exitCode).toBe(0);
    expect(said).toEqual([
      'approve of step move as UOPERATOR refused: You requested this run; another approver must approve it.',
    ]);
    expect(f.decisions.map((d) => [d.user, d.choice, d.planHash, d.channel])).toEqual([
      ['UOPERATOR', 'approve', HASH.slice(0, 12), 'CXIZANG'],
      ['UAPPROVER1', 'approve', HASH.slice(0, 12), 'CXIZANG'],
    ]);
  });

  it('leaves the run waiting and exits 1 when no approver given may settle the gate', async () => {
    const f = new FakeSite();
    f.refuse.set('UOPERATOR', 'You requested this run; another approver must approve it.');
    f.emit({ type: 'gate.opened', gate: gate('approval'), context: { stepTitle: 'Move', targets: [] } });
    const { outcome } = await drive(f, { approvers: ['UOPERATOR'] });
    expect(outcome).toEqual({
      exitCode: 1,
      reason: expect.stringMatching(
        /^run run_00000000000000aa waits at step move \(approval gate\): no approver given could settle it/,
      ) as unknown,
    });
  });

  it('rejects the first approval gate as the first approver with --reject and exits 1 when the run stops', async () => {
    const f = new FakeSite();
    f.after = () => [
      {
        type: 'run.stopped',
        stepId: 'move',
        statusLine: 'the run stopped at step move: rejected by UAPPROVER1',
        rollbackOffered: true,
      },
    ];
    f.emit({ type: 'gate.opened', gate: gate('approval'), context: { stepTitle: 'Move', targets: [] } });
    const { outcome, seen } = await drive(f, { approvers: ['UAPPROVER1'], rejectFirst: true });
    expect(f.decisions.map((d) => [d.user, d.choice])).toEqual([['UAPPROVER1', 'reject']]);
    expect(outcome).toEqual({ exitCode: 1, reason: 'the run stopped at step move: rejected by UAPPROVER1' });
    expect(seen).toEqual(['gate.opened', 'gate.decided', 'run.stopped']);
  });

  it('answers a manual step with done', async () => {
    const f = new FakeSite();
    f.emit({
      type: 'gate.opened',
      gate: gate('manual'),
      context: { stepTitle: 'Install in ADM', targets: [], instructions: 'Install it' },
    });
    const { outcome } = await drive(f, { approvers: ['UAPPROVER1'] });
    expect(f.decisions.map((d) => d.choice)).toEqual(['done']);
    expect(outcome.exitCode).toBe(0);
  });

  it('never decides after a failed step: it exits 1 and leaves the choices the gate offers to a person', async () => {
    const f = new FakeSite();
    f.emit({
      type: 'gate.opened',
      gate: gate('failure'),
      context: { stepTitle: 'Move', targets: [], reason: 'exit 1' },
    });
    const { outcome } = await drive(f, { approvers: ['UAPPROVER1'] });
    expect(f.decisions).toEqual([]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.reason).toMatch(
      /a person must decide between retry, roll back, abort \(or pass --on-failure rollback\|abort\)/,
    );
  });

  it('names only the --on-failure answers the gate offers: a failure inside a rollback has no roll back', async () => {
    const f = new FakeSite();
    f.emit({
      type: 'gate.opened',
      gate: { ...gate('failure'), choices: ['retry', 'abort'] },
      context: { stepTitle: 'Move back', targets: [], reason: 'exit 1' },
    });
    const { outcome } = await drive(f, { approvers: ['UAPPROVER1'] });
    expect(f.decisions).toEqual([]);
    expect(outcome.reason).toMatch(/a person must decide between retry, abort \(or pass --on-failure abort\)/);
    expect(outcome.reason).not.toMatch(/roll|mark done/);
  });

  it('with --on-failure rollback answers a failed step roll-back as the first approver, approves the rollback, and still exits 1', async () => {
    const f = new FakeSite();
    f.after = (req) =>
      req.choice === 'roll-back'
        ? [
            {
              type: 'gate.opened',
              gate: { ...gate('approval'), id: 'gate_2', stepId: 'move-back' },
              context: { stepTitle: 'Move back', targets: [] },
            },
          ]
        : [{ type: 'run.finished', outcome: 'rolled-back', statusLine: 'rolled back: move' }];
    f.emit({
      type: 'gate.opened',
      gate: gate('failure'),
      context: { stepTitle: 'Move', targets: [], reason: 'exit 1' },
    });
    const { outcome, said } = await drive(f, { approvers: ['UAPPROVER1', 'UAPPROVER2'], onFailure: 'rollback' });
    expect(f.decisions.map((d) => [d.gateId, d.user, d.choice])).toEqual([
      ['gate_1', 'UAPPROVER1', 'roll-back'],
      ['gate_2', 'UAPPROVER1', 'approve'],
    ]);
    expect(outcome).toEqual({ exitCode: 1, reason: 'rolled back: move' });
    expect(said).toEqual([`run ${RUN} did not succeed (a step failed); it ended rolled back: rolled back: move`]);
  });

  it('with --on-failure abort aborts at a failed step and exits 1', async () => {
    const f = new FakeSite();
    f.after = () => [{ type: 'run.finished', outcome: 'aborted', statusLine: 'aborted by UAPPROVER1 at step move' }];
    f.emit({
      type: 'gate.opened',
      gate: gate('failure'),
      context: { stepTitle: 'Move', targets: [], reason: 'exit 1' },
    });
    const { outcome } = await drive(f, { approvers: ['UAPPROVER1'], onFailure: 'abort' });
    expect(f.decisions.map((d) => d.choice)).toEqual(['abort']);
    expect(outcome).toEqual({ exitCode: 1, reason: 'aborted by UAPPROVER1 at step move' });
  });

  it('with --on-failure rollback leaves the run waiting when the first approver may not choose roll-back', async () => {
    const f = new FakeSite();
    f.refuse.set('UOPERATOR', 'You requested this run; another approver must decide.');
    f.emit({
      type: 'gate.opened',
      gate: gate('failure'),
      context: { stepTitle: 'Move', targets: [], reason: 'exit 1' },
    });
    const { outcome, said } = await drive(f, { approvers: ['UOPERATOR', 'UAPPROVER1'], onFailure: 'rollback' });
    expect(f.decisions.map((d) => [d.user, d.choice])).toEqual([['UOPERATOR', 'roll-back']]);
    expect(outcome.exitCode).toBe(1);
    expect(said[0]).toBe(
      'roll-back of step move as UOPERATOR refused: You requested this run; another approver must decide.',
    );
  });

  it('ignores the events of other runs on the same site', async () => {
    const f = new FakeSite();
    f.emit({ type: 'run.finished', outcome: 'aborted', statusLine: 'other run' }, 'run_00000000000000bb');
    f.emit({ type: 'run.finished', outcome: 'completed', statusLine: 'mine' });
    const { outcome, seen } = await drive(f, { approvers: [] });
    expect(outcome).toEqual({ exitCode: 0, reason: 'mine' });
    expect(seen).toEqual(['run.finished']);
  });
});

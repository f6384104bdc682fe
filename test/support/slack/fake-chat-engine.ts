import { err, ok, type Result } from '../../../src/core/result.ts';
import type {
  ChatEngine,
  DryRunPlan,
  EngineRefusal,
  GateDecisionOutcome,
  GateDecisionRequest,
  PendingGateView,
  RollbackAccepted,
  RunRequest,
  RunStarted,
} from '../../../src/core/ports/chat-engine.ts';
import type { AuditExport, GateView, RunSummary } from '../../../src/core/ports/views.ts';
import type { EngineEvent } from '../../../src/core/ports/events.ts';

/**
 * A hand-written `ChatEngine` that records every call and answers from small in-memory tables, for tests of
 * the handlers and the Slack app until the real engine is wired in. Gate decisions follow the same rules the
 * engine promises (pending only, plan hash, requester may not approve, approvers only, one decision).
 */
export class FakeChatEngine implements ChatEngine {
  readonly calls: { method: string; arg: unknown }[] = [];
  readonly runs = new Map<string, RunSummary>();
  /** The events `/show` replays, by run id. */
  readonly events = new Map<string, EngineEvent[]>();
  readonly gates = new Map<string, GateView & { approvers: readonly string[]; approverGroups: readonly string[] }>();
  refuseRuns: EngineRefusal | undefined;
  planText = 'step 1 on redis-a: redis-cli ping';
  private seq = 0;

  async requestRun(req: RunRequest): Promise<Result<RunStarted, EngineRefusal>> {
    this.calls.push({ method: 'requestRun', arg: req });
    if (this.refuseRuns) return err(this.refuseRuns);
    const runId = `run_${(++this.seq).toString(16).padStart(16, '0')}`;
    this.runs.set(runId, {
      id: runId,
      site: req.command.site,
      title: req.command.name,
      state: 'running',
      requester: req.requester,
      startedAt: 0,
    });
    return ok({ runId });
  }

  async dryRunPlan(req: RunRequest): Promise<Result<DryRunPlan, EngineRefusal>> {
    this.calls.push({ method: 'dryRunPlan', arg: req });
    return ok({ text: this.planText });
  }

  /** As the engine does: a run paused at a pending gate offering Roll back is rolled back through that gate. */
  async requestRollback(req: {
    runId: string;
    requester: string;
    channel: string;
    requesterGroups?: readonly string[];
  }): Promise<Result<RollbackAccepted, EngineRefusal>> {
    this.calls.push({ method: 'requestRollback', arg: req });
    const gate = [...this.gates.values()].find(
      (g) => g.runId === req.runId && g.status === 'pending' && g.choices.includes('roll-back'),
    );
    if (gate === undefined) return ok({ runId: req.runId, undoes: [] });
    const r = await this.decide({
      gateId: gate.id,
      planHash: gate.planHash,
      choice: 'roll-back',
      user: req.requester,
      userGroups: req.requesterGroups ?? [],
      channel: req.channel,
    });
    return r.ok ? ok({ runId: req.runId, undoes: [], viaGate: r.value }) : r;
  }

  async listRuns(filter: { sites: readonly string[] }): Promise<readonly RunSummary[]> {
    this.calls.push({ method: 'listRuns', arg: filter });
    return [...this.runs.values()].filter((r) => filter.sites.includes(r.site));
  }

  async pendingGates(filter: { sites: readonly string[] }): Promise<readonly PendingGateView[]> {
    this.calls.push({ method: 'pendingGates', arg: filter });
    return [...this.gates.values()]
      .filter((g) => g.status === 'pending' && filter.sites.includes(g.site))
      .map(({ approvers, approverGroups, ...gate }) => ({
        gate,
        policy: { approvers, approverGroups, requesterMayApprove: false },
        approvedBy: [],
      }));
  }

  async getRun(runId: string): Promise<RunSummary | undefined> {
    return this.runs.get(runId);
  }

  async runEvents(runId: string): Promise<Result<readonly EngineEvent[], EngineRefusal>> {
    this.calls.push({ method: 'runEvents', arg: runId });
    return ok(this.events.get(runId) ?? []);
  }

  async exportAudit(runId: string): Promise<Result<AuditExport, EngineRefusal>> {
    this.calls.push({ method: 'exportAudit', arg: runId });
    return ok({ filename: `audit-${runId}.jsonl`, content: `{"type":"run.requested","runId":"${runId}"}\n` });
  }

  async decide(req: GateDecisionRequest): Promise<Result<GateDecisionOutcome, EngineRefusal>> {
    this.calls.push({ method: 'decide', arg: req });
    const gate = this.gates.get(req.gateId);
    if (gate === undefined) return err({ code: 'UNKNOWN_GATE', message: 'This gate does not exist any more.' });
    if (gate.status === 'expired') return err({ code: 'EXPIRED', message: 'This gate has expired; nothing was run.' });
    if (gate.status === 'decided')
      return err({ code: 'ALREADY_DECIDED', message: `This gate was already decided by <@${gate.decision?.by}>.` });
    if (!gate.planHash.startsWith(req.planHash))
      return err({ code: 'PLAN_CHANGED', message: 'The plan changed since this gate was posted.' });
    const stopping = req.choice === 'reject' || req.choice === 'abort';
    const allowed = gate.approvers.includes(req.user) || req.userGroups.some((g) => gate.approverGroups.includes(g));
    if (!stopping && req.user === gate.requester)
      return err({ code: 'REQUESTER', message: 'You requested this run; another person must approve it.' });
    if (!allowed && !(stopping && req.user === gate.requester))
      return err({ code: 'NOT_AUTHORISED', message: `You are not an approver for site ${gate.site}.` });
    const decided = {
      ...gate,
      status: 'decided' as const,
      decision: { choice: req.choice, by: req.user, at: 1_700_000_000_000 },
    };
    this.gates.set(gate.id, decided);
    return ok({ status: 'decided', gate: decided });
  }
}

import type {
  EngineRefusal,
  GateDecisionOutcome,
  GateDecisionRequest,
  RollbackAccepted,
} from '../ports/chat-engine.ts';
import type { GateStore } from '../ports/gates.ts';
import type { RunState } from '../plan/run-state.ts';
import type { Plan, Step } from '../plan/step-schema.ts';
import { err, ok, type Result } from '../result.ts';
import type { Engine } from './create-engine.ts';
import { rollbackCoverage } from './plan-next-action.ts';
import { waitingGateOf } from './run-awaiting.ts';
import type { StoreSafety } from './store-safety.ts';

/** What `/rollback` needs from the chat engine around it. */
export interface ChatRollbackDeps {
  readonly engine: Engine;
  readonly gates: Pick<GateStore, 'get'>;
  readonly safety: StoreSafety;
  /** A gate decision with every check a click gets (channel, plan hash, policy, four eyes). */
  readonly decide: (req: GateDecisionRequest) => Promise<Result<GateDecisionOutcome, EngineRefusal>>;
}

/** Who asks for the rollback, from where, with their groups among the site's approver groups. */
export interface ChatRollbackRequest {
  readonly runId: string;
  readonly requester: string;
  readonly channel: string;
  readonly requesterGroups?: readonly string[];
}

/**
 * `/rollback` over the engine. A run that needs no undoing (a dry run; a run that changed nothing, or only what
 * has no rollback) is said to, and no rollback step runs and no gate opens: a finished one is left as it is, one
 * still holding the site lock ends at once (a rejected run through the engine's rollback, which has nothing to
 * run; a run paused at a gate offering Roll back through that gate, with every check a click gets). Any other
 * rollback is refused while the run store may lose runs (`StoreSafety`), then a paused run is rolled back through
 * its gate and a stopped or finished one through the engine.
 */
export async function chatRollback(
  deps: ChatRollbackDeps,
  req: ChatRollbackRequest,
): Promise<Result<RollbackAccepted, EngineRefusal>> {
  const found = await deps.engine.getRun(req.runId);
  if (found === undefined) return err({ code: 'RUN_NOT_FOUND', message: `no run ${req.runId}` });
  const { run, plan } = found;
  const runId = run.id;
  if (run.dryRun) return ok({ runId, undoes: [], nothingToUndo: nothingToUndo(run, []) });
  // A rollback whose approval was rejected is asked for again (new rollback gate); any other is refused by the engine.
  if (run.rollback !== undefined) {
    const again = run.outcome === 'rejected' ? (run.rollback.covers ?? []) : [];
    if (again.length > 0) {
      const risk = await deps.safety.assess();
      if (risk !== undefined) return err(risk.refusal('rollback'));
    }
    return viaEngine(deps, req, again);
  }
  const { covers, irreversible } = rollbackCoverage(plan, run);
  const gate = await rollbackGate(deps, run, plan);
  if (covers.length === 0) {
    const nothing = nothingToUndo(run, [...irreversible].reverse());
    if (run.outcome !== undefined && run.outcome !== 'rejected')
      return ok({ runId, undoes: [], nothingToUndo: nothing });
    if (run.outcome === 'rejected') {
      const r = await viaEngine(deps, req, []);
      return r.ok ? ok({ ...r.value, nothingToUndo: nothing, ended: true }) : r;
    }
    if (gate !== undefined) {
      const r = await viaGate(deps, req, gate, []);
      return r.ok ? ok({ ...r.value, nothingToUndo: nothing, ended: r.value.viaGate?.status === 'decided' }) : r;
    }
    return viaEngine(deps, req, []);
  }
  const risk = await deps.safety.assess();
  if (risk !== undefined) return err(risk.refusal('rollback'));
  return gate === undefined ? viaEngine(deps, req, covers) : viaGate(deps, req, gate, covers);
}

/** The pending gate of a paused run that offers Roll back, if any: the one `/rollback` answers. */
async function rollbackGate(deps: ChatRollbackDeps, run: RunState, plan: Plan) {
  if (run.outcome !== undefined || run.abort !== undefined) return undefined;
  const waiting = waitingGateOf(run, plan);
  const gate = waiting === undefined ? undefined : await deps.gates.get(waiting.gateId);
  return gate?.status === 'pending' && gate.choices.includes('roll-back') ? gate : undefined;
}

async function viaGate(
  deps: ChatRollbackDeps,
  req: ChatRollbackRequest,
  gate: { readonly id: string; readonly planHash: string },
  undoes: readonly string[],
): Promise<Result<RollbackAccepted, EngineRefusal>> {
  const r = await deps.decide({
    gateId: gate.id,
    planHash: gate.planHash,
    choice: 'roll-back',
    user: req.requester,
    userGroups: req.requesterGroups ?? [],
    channel: req.channel,
  });
  return r.ok ? ok({ runId: req.runId, undoes, viaGate: r.value }) : r;
}

async function viaEngine(
  deps: ChatRollbackDeps,
  req: ChatRollbackRequest,
  undoes: readonly string[],
): Promise<Result<RollbackAccepted, EngineRefusal>> {
  const r = await deps.engine.rollback({ runId: req.runId, requester: req.requester });
  return r.ok ? ok({ runId: r.value.id, undoes }) : err({ code: r.error.code, message: r.error.message });
}

/**
 * Why a run needs no undoing, as a sentence: a dry run; a run none of whose actions ran ("changed nothing on the
 * site"); or one whose actions that ran are all irreversible (every action has rollback steps or an irreversible
 * reason, so with nothing to roll back those are what ran), naming each with why it stays.
 */
function nothingToUndo(run: RunState, ran: readonly Step[]): string {
  if (run.dryRun) return `run ${run.id} was a dry run: it changed nothing on the site; nothing to roll back`;
  if (ran.length === 0) return `run ${run.id} changed nothing on the site; nothing to roll back`;
  const why = ran.map((s) => `${s.id}: ${s.kind === 'check' ? '' : (s.irreversible?.reason ?? '')}`).join('; ');
  return `run ${run.id} has nothing to roll back: the steps it ran (${ran.map((s) => s.id).join(', ')}) have no rollback step (${why})`;
}

import { choiceInWords, choicesForKind } from '../../approvals/choices-for-kind.ts';
import type { GateKind, RunState } from '../plan/run-state.ts';
import type { Plan } from '../plan/step-schema.ts';
import type { Gate, GateStore } from '../ports/gates.ts';
import { assertNever } from '../result.ts';
import { planNextAction } from './plan-next-action.ts';

function gateWords(kind: GateKind): string {
  switch (kind) {
    case 'approval':
      return 'the approval gate of';
    case 'rollback':
      return 'the rollback approval gate of';
    case 'manual':
      return 'the manual step';
    case 'failure':
      return 'the failure gate of';
    case 'interrupted':
      return 'the interruption gate of';
    default:
      return assertNever(kind, 'gate kind');
  }
}

/** The gate an active run waits at now (the one its next action waits on), if any. */
export function waitingGateOf(
  run: RunState,
  plan: Plan,
): { readonly stepId: string; readonly gateId: string } | undefined {
  if (run.dryRun) return undefined;
  const next = planNextAction(plan, run, { manualScripted: false });
  return next.type === 'wait' && next.gateId !== '' ? { stepId: next.stepId, gateId: next.gateId } : undefined;
}

/**
 * What an active run waits for from a person, in a sentence for `/runs`: the gate it waits at with the choices
 * open there ("waiting at the failure gate of r05: retry / roll back / abort"), or, for a run stopped by a
 * rejection (it holds the site lock), the `/rollback` that undoes what ran and frees the site. Undefined for a
 * finished run, a dry run and a run that is working (running a step, finishing an abort).
 */
export async function runAwaiting(
  run: RunState,
  plan: Plan,
  gates: Pick<GateStore, 'get'>,
): Promise<string | undefined> {
  if (run.dryRun || (run.outcome !== undefined && run.outcome !== 'rejected')) return undefined;
  if (run.outcome === 'rejected') {
    const at = Object.entries(run.steps).find(([, st]) => st.status === 'rejected')?.[0];
    const where = at === undefined ? '' : ` at ${at}`;
    return run.rollback === undefined
      ? `rejected${where}: /rollback ${run.id} undoes what ran and frees the site`
      : `its rollback was rejected${where}; the run still holds the site: /rollback ${run.id} asks for the rollback again`;
  }
  if (run.abort !== undefined) return undefined;
  const waiting = waitingGateOf(run, plan);
  if (waiting === undefined) return undefined;
  const kind = run.steps[waiting.stepId]?.gate?.kind ?? 'approval';
  const gate: Gate | undefined = await gates.get(waiting.gateId);
  if (gate !== undefined && gate.status !== 'pending')
    return `${gateWords(gate.kind)} ${waiting.stepId} was answered; opsgate is carrying the run on`;
  const inRollback = run.rollback?.covers !== undefined;
  const choices = gate?.choices ?? choicesForKind(kind).filter((c) => !(inRollback && c === 'roll-back'));
  return `waiting at ${gateWords(gate?.kind ?? kind)} ${waiting.stepId}: ${choices.map(choiceInWords).join(' / ')}`;
}

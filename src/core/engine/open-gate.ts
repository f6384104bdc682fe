import { choicesForKind } from '../../approvals/choices-for-kind.ts';
import type { GateContext } from '../ports/events.ts';
import type { GateKind } from '../plan/run-state.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { LoadedRun } from './load-run.ts';
import { notify } from './notify.ts';
import { findStep } from './plan-next-action.ts';
import { stepState } from '../plan/run-state.ts';
import { stepHash } from '../plan/step-hash.ts';
import { describeCommand } from '../plan/describe-command.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import { updateRun, withStep } from './update-run.ts';
import { newGate } from '../../approvals/new-gate.ts';

/**
 * Opens a gate for a step and records it on the step, then tells the chat layers. The gate binds to the
 * step's hash. In the rollback phase the person who asked for the rollback counts as the requester (four
 * eyes again), and `roll-back` is not offered; an interrupted step that started nothing is not offered `mark-done`. When another process recorded a gate first, the one opened
 * here is left to expire unseen.
 */
export async function openGate(deps: EngineDeps, loaded: LoadedRun, stepId: string, kind: GateKind): Promise<void> {
  const { run, plan, site } = loaded;
  const step = findStep(plan, stepId);
  if (step === undefined) throw new Error(`run ${run.id}: no step ${stepId} in its plan`);
  const inRollback = run.rollback?.covers !== undefined;
  // A step interrupted before it sent anything has nothing to mark done: it is offered again as not started.
  const notStarted = kind === 'interrupted' && stepState(run, stepId).notStarted === true;
  const choices = choicesForKind(kind).filter(
    (c) => !(inRollback && c === 'roll-back') && !(notStarted && c === 'mark-done'),
  );
  const planHash = stepHash(step);
  const gate = newGate(deps.ids.next('gate_'), {
    site: site.name,
    runId: run.id,
    stepId,
    kind,
    planHash,
    requester: inRollback ? (run.rollback?.requestedBy ?? run.requester) : run.requester,
    choices,
    policy: site.policy,
    now: deps.clock.now(),
  });
  await deps.gates.insert(gate);
  const recorded = await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    const st = stepState(r, stepId);
    if (st.gate !== undefined || !['pending', 'failed', 'interrupted'].includes(st.status)) return undefined;
    return withStep(r, stepId, {
      ...st,
      status: st.status === 'pending' ? 'gated' : st.status,
      gate: { id: gate.id, kind, planHash },
    });
  });
  if (recorded === undefined) return;
  await notify(
    deps,
    { site: site.name, runId: run.id },
    { type: 'gate.opened', gate, context: gateContext(step, site.manualScripted, stepState(run, stepId).summary) },
  );
}

function gateContext(step: ExecutableStep, manualScripted: boolean, reason: string | undefined): GateContext {
  const commands = step.kind === 'manual' && manualScripted ? (step.standIn ?? []) : step.commands;
  const targets =
    step.targets.kind === 'sql'
      ? [{ host: step.targets.target, commands: step.sql }]
      : step.targets.hosts.map((host) => ({
          host,
          commands: commands.filter((c) => c.host === host).map(describeCommand),
        }));
  return {
    stepTitle: step.title,
    targets,
    ...(step.kind === 'manual' ? { instructions: step.instructions, parameters: step.parameters } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

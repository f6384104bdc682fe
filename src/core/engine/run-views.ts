import type { GateView, RunState as RunViewState, RunSummary } from '../ports/views.ts';
import { findStep } from './plan-next-action.ts';
import { describeCommand } from '../plan/describe-command.ts';
import type { RunState } from '../plan/run-state.ts';
import type { Plan } from '../plan/step-schema.ts';
import type { Gate } from '../ports/gates.ts';
import { answerersOf } from '../ports/answerers-of.ts';

/** How a run looks in `/runs` and in chat: its state in one word from the engine's run state. */
export function runViewState(run: RunState): RunViewState {
  switch (run.outcome) {
    case 'completed':
      return 'succeeded';
    case 'rejected':
      return 'rejected';
    case 'aborted':
      return 'aborted';
    case 'rolled-back':
      return 'rolled-back';
    case 'dry-run':
      // Over once its plan was shown: it never holds the site lock nor waits for anybody.
      return 'dry-run';
    case undefined:
      break;
  }
  // Aborted, still finishing a step or running its cleanup: nobody has anything to decide.
  if (run.abort !== undefined) return 'running';
  const states = Object.values(run.steps).map((s) => s.status);
  if (states.includes('interrupted')) return 'interrupted';
  if (states.includes('failed')) return 'failed';
  if (states.includes('gated')) return 'waiting';
  return 'running';
}

/** A run summary for `/runs` and `/audit`; the title is the plan's when known, else the runbook id. */
export function runSummary(run: RunState, plan?: Plan): RunSummary {
  const finished = run.outcome !== undefined && run.outcome !== 'rejected';
  return {
    id: run.id,
    site: run.site,
    title: plan?.title ?? run.runbook,
    state: runViewState(run),
    requester: run.requester,
    startedAt: run.createdAt,
    ...(finished ? { finishedAt: run.updatedAt } : {}),
  };
}

/** A gate as chat draws it, with the exact commands per host of its step from the run's plan. */
export function gateView(gate: Gate, plan: Plan | undefined): GateView {
  const step = plan === undefined ? undefined : findStep(plan, gate.stepId);
  const targets =
    step === undefined
      ? []
      : step.targets.kind === 'sql'
        ? [{ host: step.targets.target, commands: step.sql }]
        : step.targets.hosts.map((host) => ({
            host,
            commands: step.commands.filter((c) => c.host === host).map(describeCommand),
          }));
  return {
    id: gate.id,
    runId: gate.runId,
    site: gate.site,
    stepId: gate.stepId,
    stepTitle: step?.title ?? gate.stepId,
    kind: gate.kind,
    status: gate.status,
    planHash: gate.planHash,
    requester: gate.requester,
    choices: gate.choices,
    targets,
    expiresAt: gate.expiresAt,
    ...(step?.kind === 'manual'
      ? {
          instructions: step.instructions,
          parameters: Object.entries(step.parameters).map(([name, value]) => ({ name, value })),
        }
      : {}),
    ...(gate.decision === undefined ? {} : { decision: gate.decision }),
    answerers: answerersOf(gate),
  };
}

import type { GateContext } from '../ports/events.ts';
import type { Gate, GateStore } from '../ports/gates.ts';
import type { RunStore } from '../ports/run-store.ts';
import { gateView } from './run-views.ts';

/** A gate still waiting, with what chat shows about it (as in its `gate.opened` event). */
export interface PendingGate {
  readonly gate: Gate;
  readonly context: GateContext;
}

/**
 * The pending gates of the active runs of some sites, oldest run first: what a console opened after the gate
 * (e.g. one an `opsgate run` left waiting) shows so that it can be answered.
 */
export async function pendingGates(
  deps: { readonly runs: RunStore; readonly gates: Pick<GateStore, 'pendingForRun'> },
  sites: readonly string[],
): Promise<readonly PendingGate[]> {
  const out: PendingGate[] = [];
  for (const run of await deps.runs.active(sites)) {
    const pending = await deps.gates.pendingForRun(run.id);
    if (pending.length === 0) continue;
    const plan = await deps.runs.getPlan(run.id);
    for (const gate of pending) {
      const view = gateView(gate, plan);
      const summary = run.steps[gate.stepId]?.summary;
      out.push({
        gate,
        context: {
          stepTitle: view.stepTitle,
          targets: view.targets,
          ...(view.instructions === undefined ? {} : { instructions: view.instructions }),
          ...(view.parameters === undefined
            ? {}
            : { parameters: Object.fromEntries(view.parameters.map((p) => [p.name, p.value])) }),
          ...(summary === undefined || gate.kind === 'approval' || gate.kind === 'manual' ? {} : { reason: summary }),
        },
      });
    }
  }
  return out;
}

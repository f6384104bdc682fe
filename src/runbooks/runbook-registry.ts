import { RunbookArgsInvalidError, RunbookInvalidError, UnknownRunbookError } from '../engine/engine-errors.ts';
import type { EngineSite } from '../engine/engine-site.ts';
import type { Plan } from '../engine/step-schema.ts';
import { validatePlan } from '../engine/validate-plan.ts';
import type { Evaluator, Runbook } from './runbook.ts';

/** The runbooks a process knows, and the evaluators their checks reference. */
export interface RunbookRegistry {
  list(): readonly Runbook[];
  /** Builds and validates a plan; throws `RunbookArgsInvalidError`, `RunbookInvalidError`, `UnknownRunbookError`. */
  buildPlan(runbook: string, site: EngineSite, args: Readonly<Record<string, unknown>>): Plan;
  evaluator(id: string): Evaluator | undefined;
}

/** A registry over `runbooks`; refuses two runbooks or evaluators with one id. */
export function createRunbookRegistry(runbooks: readonly Runbook[]): RunbookRegistry {
  const byId = new Map<string, Runbook>();
  const evaluators = new Map<string, Evaluator>();
  for (const rb of runbooks) {
    if (byId.has(rb.id)) throw new RunbookInvalidError(rb.id, undefined, 'two runbooks with this id');
    byId.set(rb.id, rb);
    for (const [id, fn] of Object.entries(rb.evaluators ?? {})) {
      if (evaluators.has(id)) throw new RunbookInvalidError(rb.id, undefined, `evaluator ${id} registered twice`);
      evaluators.set(id, fn);
    }
  }
  return {
    list: () => [...byId.values()],
    evaluator: (id) => evaluators.get(id),
    buildPlan(id, site, rawArgs) {
      const rb = byId.get(id);
      if (rb === undefined) throw new UnknownRunbookError(id, [...byId.keys()]);
      const args = rb.args.safeParse(rawArgs);
      if (!args.success) {
        throw new RunbookArgsInvalidError(id, args.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`));
      }
      const plan = validatePlan(id, rb.build(site, args.data), { hosts: site.hosts, sqlTargets: site.sqlTargets });
      for (const step of plan.steps) {
        if (step.kind === 'check' && step.evaluator !== undefined && !evaluators.has(step.evaluator)) {
          throw new RunbookInvalidError(id, step.id, `unknown evaluator ${step.evaluator}`);
        }
      }
      return plan;
    },
  };
}

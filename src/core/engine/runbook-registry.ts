import { RunbookArgsInvalidError, RunbookInvalidError, UnknownRunbookError } from '../plan/runbook-errors.ts';
import type { Site } from '../sites/site.ts';
import type { Plan } from '../plan/step-schema.ts';
import { validatePlan } from '../plan/validate-plan.ts';
import { secretRefAt } from '../sites/secret-at.ts';
import type { Evaluator, FactsIo, PlanFacts, Runbook, StepProgram } from '../ports/runbook.ts';

/** The runbooks a process knows, and the evaluators their checks reference. */
export interface RunbookRegistry {
  list(): readonly Runbook[];
  /** Builds and validates a plan; throws `RunbookArgsInvalidError`, `RunbookInvalidError`, `UnknownRunbookError`. */
  buildPlan(runbook: string, site: Site, args: Readonly<Record<string, unknown>>, facts?: PlanFacts): Plan;
  /**
   * Reads the runbook's facts (if it has any), then builds the plan with them; throws as `buildPlan` and `facts` do.
   */
  preparePlan(runbook: string, site: Site, args: Readonly<Record<string, unknown>>, io: FactsIo): Promise<Plan>;
  evaluator(id: string): Evaluator | undefined;
  program(id: string): StepProgram | undefined;
}

/** A registry over `runbooks`; refuses two runbooks or evaluators with one id. */
export function createRunbookRegistry(runbooks: readonly Runbook[]): RunbookRegistry {
  const byId = new Map<string, Runbook>();
  const evaluators = new Map<string, Evaluator>();
  const programs = new Map<string, StepProgram>();
  for (const rb of runbooks) {
    if (byId.has(rb.id)) throw new RunbookInvalidError(rb.id, undefined, 'two runbooks with this id');
    byId.set(rb.id, rb);
    for (const [id, fn] of Object.entries(rb.evaluators ?? {})) {
      if (evaluators.has(id)) throw new RunbookInvalidError(rb.id, undefined, `evaluator ${id} registered twice`);
      evaluators.set(id, fn);
    }
    for (const [id, fn] of Object.entries(rb.programs ?? {})) {
      if (programs.has(id)) throw new RunbookInvalidError(rb.id, undefined, `program ${id} registered twice`);
      programs.set(id, fn);
    }
  }
  const parsed = (id: string, rawArgs: Readonly<Record<string, unknown>>) => {
    const rb = byId.get(id);
    if (rb === undefined) throw new UnknownRunbookError(id, [...byId.keys()]);
    const args = rb.args.safeParse(rawArgs);
    if (!args.success) {
      throw new RunbookArgsInvalidError(
        id,
        args.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`),
      );
    }
    return { rb, args: args.data };
  };
  return {
    list: () => [...byId.values()],
    evaluator: (id) => evaluators.get(id),
    program: (id) => programs.get(id),
    async preparePlan(id, site, rawArgs, io) {
      const { rb, args } = parsed(id, rawArgs);
      const facts = rb.facts === undefined ? undefined : await rb.facts(site, args, io);
      return this.buildPlan(id, site, rawArgs, facts);
    },
    buildPlan(id, site, rawArgs, facts) {
      const { rb, args } = parsed(id, rawArgs);
      // Secrets a command reads on stdin must be in the site file (checked when the whole file is at hand).
      const spec = site.spec;
      const hasSecret = spec === undefined ? undefined : (name: string) => secretRefAt(spec, name) !== undefined;
      const plan = validatePlan(id, rb.build(site, args, facts), {
        hosts: site.hosts,
        obClusters: site.obClusters,
        ...(hasSecret ? { hasSecret } : {}),
      });
      for (const step of plan.steps) {
        if (step.kind === 'check' && step.evaluator !== undefined && !evaluators.has(step.evaluator)) {
          throw new RunbookInvalidError(id, step.id, `unknown evaluator ${step.evaluator}`);
        }
        const rbs = step.kind === 'check' ? [] : (step.rollback?.steps ?? []);
        for (const s of [step, ...rbs]) {
          if (s.program !== undefined && !programs.has(s.program.id))
            throw new RunbookInvalidError(id, s.id, `unknown program ${s.program.id}`);
        }
      }
      return plan;
    },
  };
}

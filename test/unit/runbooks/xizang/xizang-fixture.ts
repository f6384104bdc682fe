import { fileURLToPath } from 'node:url';
import { toSite, type Site } from '../../../../src/core/sites/site.ts';
import type { CheckStep, Plan } from '../../../../src/core/plan/step-schema.ts';
import { ALL_RUNBOOKS } from '../../../../src/runbooks/all-runbooks.ts';
import type { EvaluatorInput } from '../../../../src/core/ports/runbook.ts';
import { createRunbookRegistry } from '../../../../src/core/engine/runbook-registry.ts';
import { loadSite } from '../../../../src/adapters/files/load-site.ts';
import { formatSiteProblem } from '../../../../src/core/sites/site-problem.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The lab's Xizang site file as the engine sees it (secrets not resolved: plans never read them). */
export async function labXizang(): Promise<Site> {
  const r = await loadSite(`${ROOT}lab/sites/xizang.yml`, { env: {}, checkSecrets: false });
  if (!r.ok) throw new Error(r.error.map(formatSiteProblem).join('\n'));
  return toSite(r.value.site);
}

export const registry = createRunbookRegistry(ALL_RUNBOOKS);

/** A check step of a plan, by id. */
export function checkStep(plan: Plan, id: string): CheckStep {
  const s = plan.steps.find((x) => x.id === id);
  if (s?.kind !== 'check') throw new Error(`no check step ${id}`);
  return s;
}

/** Runs a check step's evaluator over hand-written host outputs. */
export function evaluate(plan: Plan, id: string, outputs: Record<string, string>) {
  const step = checkStep(plan, id);
  const fn = registry.evaluator(step.evaluator ?? '');
  if (fn === undefined) throw new Error(`no evaluator for ${id}`);
  const inputs: EvaluatorInput[] = Object.entries(outputs).map(([target, stdout]) => ({
    target,
    exitCode: 0,
    stdout,
    stderr: '',
  }));
  return fn(inputs, step);
}

/** Every command text of a plan: forward, probes, rollbacks, stand-ins. */
export function allCommandText(plan: Plan): string {
  const parts: string[] = [];
  for (const s of plan.steps) {
    const steps = [s, ...(s.kind === 'check' ? [] : (s.rollback?.steps ?? []))];
    for (const x of steps) {
      parts.push(...x.commands.map((c) => c.command), JSON.stringify(x.preconditions), JSON.stringify(x.verify));
      if (x.kind === 'manual')
        parts.push(...(x.standIn ?? []).map((c) => c.command), JSON.stringify(x.parameters), x.instructions);
    }
  }
  return parts.join('\n');
}

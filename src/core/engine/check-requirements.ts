import type { RunStore } from '../ports/run-store.ts';
import { err, ok, type Result } from '../result.ts';
import type { RunState } from '../plan/run-state.ts';
import type { Plan, Requirement } from '../plan/step-schema.ts';

/** How many of a site's latest runs are searched for one that meets a requirement. */
export const REQUIREMENT_SEARCH_LIMIT = 200;

/**
 * Whether `runs` (a site's runs, any order) hold one that meets `req` for a plan with `args` at `now`: same
 * runbook, same values of the named arguments, the wanted outcome, last updated (finished) within the window.
 * Returns the reason when none does. Pure, so it is tested as a table.
 */
export function unmetRequirement(
  req: Requirement,
  args: Readonly<Record<string, unknown>>,
  runs: readonly RunState[],
  now: number,
): string | undefined {
  const sameArgs = (r: RunState) => req.sameArgs.every((k) => JSON.stringify(r.args[k]) === JSON.stringify(args[k]));
  const candidates = runs.filter((r) => r.runbook === req.runbook && !r.dryRun && sameArgs(r));
  const ended = candidates.filter((r) => r.outcome === req.outcome).sort((a, b) => b.updatedAt - a.updatedAt);
  const latest = ended[0];
  if (latest !== undefined && now - latest.updatedAt <= req.withinMs) return undefined;
  const of = req.sameArgs.map((k) => `${k}=${String(args[k])}`).join(', ');
  const window = req.within ?? `${Math.round(req.withinMs / 1000)}s`;
  const wanted = `a ${req.outcome} run of ${req.runbook}${of === '' ? '' : ` for ${of}`} within the last ${window}`;
  const found =
    latest !== undefined
      ? `the latest, ${latest.id}, ended ${new Date(latest.updatedAt).toISOString()}, which is too long ago`
      : candidates.length > 0
        ? `none has; the latest, ${candidates.sort((a, b) => b.createdAt - a.createdAt)[0]?.id ?? '?'}, is ${candidates[0]?.outcome ?? 'still active'}`
        : 'there is none';
  return `it needs ${wanted}: ${found}${req.hint === undefined ? '' : `. ${req.hint}`}`;
}

/** Checks every admission requirement of `plan` against the run store; the first unmet one is the reason. */
export async function checkRequirements(runs: RunStore, plan: Plan, now: number): Promise<Result<void, string>> {
  const requires = plan.requires ?? [];
  if (requires.length === 0) return ok(undefined);
  const history = await runs.list({ site: plan.site, limit: REQUIREMENT_SEARCH_LIMIT });
  for (const req of requires) {
    const why = unmetRequirement(req, plan.args, history, now);
    if (why !== undefined) return err(`${plan.runbook} refused: ${why}`);
  }
  return ok(undefined);
}

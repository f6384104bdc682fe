import type { EngineDeps } from './engine-deps.ts';
import { UnknownSiteError } from './engine-errors.ts';
import type { Site } from '../sites/site.ts';
import type { RunState } from '../plan/run-state.ts';
import type { Plan } from '../plan/step-schema.ts';

/** A run with what it needs to move: its plan and its site. */
export interface LoadedRun {
  readonly run: RunState;
  readonly plan: Plan;
  readonly site: Site;
}

/** Loads a run, its plan and its site; undefined when the run is unknown. Throws when its site is gone. */
export async function loadRun(deps: Pick<EngineDeps, 'runs' | 'sites'>, runId: string): Promise<LoadedRun | undefined> {
  const [run, plan] = await Promise.all([deps.runs.get(runId), deps.runs.getPlan(runId)]);
  if (run === undefined || plan === undefined) return undefined;
  const site = deps.sites.get(run.site);
  if (site === undefined) throw new UnknownSiteError(run.site);
  return { run, plan, site };
}

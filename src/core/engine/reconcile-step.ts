import { advanceRun } from './advance-run.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { LoadedRun } from './load-run.ts';
import { notify } from './notify.ts';
import type { ProbeFinding } from '../plan/probes.ts';
import { defaultProbeHosts, runProbes, summariseFindings } from './run-probes.ts';
import { stepState } from '../plan/run-state.ts';
import type { ExecutableStep } from '../plan/step-schema.ts';
import { updateRun, withStep } from './update-run.ts';

/**
 * Handles an action (or manual) step that was started but whose end is unknown: marks it `interrupted` first (so a
 * crash from here on never re-runs it), runs its preconditions and verification as probes, says plainly what
 * they show, and carries the run to the `interrupted` gate where a person retries, marks it done or rolls back.
 */
export async function reconcileStep(
  deps: EngineDeps,
  loaded: LoadedRun,
  step: ExecutableStep,
  attempt: number,
  why: string,
): Promise<void> {
  const { run, site } = loaded;
  const marked = await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    const cur = stepState(r, step.id);
    if (cur.status !== 'running' || cur.attempt !== attempt) return undefined;
    return withStep(r, step.id, { ...cur, status: 'interrupted', summary: why });
  });
  if (marked === undefined) return;
  let pre: ProbeFinding[] = [];
  let post: ProbeFinding[] = [];
  const remote = await deps.openRemote(site, run.id).catch(() => undefined);
  if (remote !== undefined) {
    try {
      const at = { hosts: defaultProbeHosts(step), remote };
      pre = await runProbes(step.preconditions, at);
      post = await runProbes(step.verify, at);
    } finally {
      await remote.close().catch(() => undefined);
    }
  }
  const summary = `${why}. ${interpretProbes(pre, post, remote !== undefined)}`;
  await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    const cur = stepState(r, step.id);
    if (cur.status !== 'interrupted' || cur.attempt !== attempt) return undefined;
    return withStep(r, step.id, { ...cur, probes: [...pre, ...post], summary });
  });
  await notify(
    deps,
    { site: run.site, runId: run.id },
    { type: 'step.interrupted', stepId: step.id, probes: [...pre, ...post], summary },
  );
  await advanceRun(deps, run.id);
}

/**
 * What the probes say about an interrupted step, in one sentence: its verification passes (it completed), its
 * preconditions still hold (it did not start), or neither (partly done: look before deciding).
 */
export function interpretProbes(pre: readonly ProbeFinding[], post: readonly ProbeFinding[], reachable = true): string {
  if (!reachable) return 'The hosts could not be reached to probe them: check by hand before deciding.';
  if (post.length > 0 && post.every((f) => f.ok))
    return `Verification passes (${evidence(post)}): the step completed; mark it done.`;
  if (pre.length > 0 && pre.every((f) => f.ok))
    return `Preconditions still hold (${evidence(pre)}): the step did not take effect; retry is safe.`;
  if (pre.length === 0 && post.length === 0) return 'The step has no probes: check by hand before deciding.';
  return `Neither its preconditions nor its verification hold: the step may be partly done; look before deciding (${summariseFindings([...pre, ...post])}).`;
}

function evidence(findings: readonly ProbeFinding[]): string {
  return findings.map((f) => `${f.evidence} on ${f.host}`).join(', ');
}

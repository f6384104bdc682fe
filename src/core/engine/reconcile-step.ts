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
 * A step that sent nothing (its `sentTo` is empty) and whose preconditions still hold is offered as not started
 * (`notStarted`: retry, roll back or abort; nothing to mark done). Only the process whose compare-and-set marks
 * the step does the rest, so several processes finding the same step report it once; true for that one.
 */
export async function reconcileStep(
  deps: EngineDeps,
  loaded: LoadedRun,
  step: ExecutableStep,
  attempt: number,
  why: string,
): Promise<boolean> {
  const { run, site } = loaded;
  const marked = await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    const cur = stepState(r, step.id);
    if (cur.status !== 'running' || cur.attempt !== attempt) return undefined;
    return withStep(r, step.id, { ...cur, status: 'interrupted', summary: why });
  });
  if (marked === undefined) return false;
  const { sentTo } = stepState(marked, step.id);
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
  const reachable = remote !== undefined;
  const notStarted = startedNothing(pre, sentTo, reachable);
  const summary = `${why}. ${interpretProbes(pre, post, reachable, sentTo)}`;
  await updateRun(deps.runs, run.id, deps.clock.now(), (r) => {
    const cur = stepState(r, step.id);
    if (cur.status !== 'interrupted' || cur.attempt !== attempt) return undefined;
    return withStep(r, step.id, { ...cur, probes: [...pre, ...post], summary, ...(notStarted ? { notStarted } : {}) });
  });
  await notify(
    deps,
    { site: run.site, runId: run.id },
    { type: 'step.interrupted', stepId: step.id, probes: [...pre, ...post], summary },
  );
  await advanceRun(deps, run.id);
  return true;
}

/**
 * Whether an interrupted step started nothing: none of its commands was sent (`sentTo` recorded and empty; absent
 * means they may have been) and its preconditions, probed just now, still hold.
 */
export function startedNothing(
  pre: readonly ProbeFinding[],
  sentTo: readonly string[] | undefined,
  reachable = true,
): boolean {
  return reachable && sentTo !== undefined && sentTo.length === 0 && pre.every((f) => f.ok);
}

/**
 * What the probes say about an interrupted step, in one sentence, given where its commands were sent (`sentTo`;
 * undefined: unknown, so they may have been): nothing sent and its preconditions still hold (it did not start),
 * its verification passes (it completed), or else it may be partly done (look before deciding).
 */
export function interpretProbes(
  pre: readonly ProbeFinding[],
  post: readonly ProbeFinding[],
  reachable = true,
  sentTo?: readonly string[],
): string {
  const sentNothing = sentTo !== undefined && sentTo.length === 0;
  if (!reachable)
    return sentNothing
      ? 'No command reached a host, but the hosts could not be reached to probe them: check by hand before deciding.'
      : 'The hosts could not be reached to probe them: check by hand before deciding.';
  if (startedNothing(pre, sentTo))
    return pre.length > 0
      ? `Not started: no command reached a host and its preconditions still hold (${evidence(pre)}); retry is safe.`
      : 'Not started: no command reached a host; retry is safe.';
  if (post.length > 0 && post.every((f) => f.ok))
    return sentNothing
      ? `No command of this step reached a host, yet its verification passes (${evidence(post)}): something else made the change; check, then mark it done.`
      : `Verification passes (${evidence(post)}): the step completed; mark it done.`;
  if (sentNothing)
    return `No command of this step reached a host, but not all its preconditions hold now (${summariseFindings(pre.filter((f) => !f.ok))}): look before deciding.`;
  const where = sentTo === undefined ? '' : ` to ${sentTo.join(', ')}`;
  if (pre.length > 0 && pre.every((f) => f.ok))
    return `Its commands were sent${where} and its preconditions still hold (${evidence(pre)}): the step may be partly done, or still running there; look before deciding.`;
  if (pre.length === 0 && post.length === 0) return 'The step has no probes: check by hand before deciding.';
  return `Neither its preconditions nor its verification hold: the step may be partly done; look before deciding (${summariseFindings([...pre, ...post])}).`;
}

function evidence(findings: readonly ProbeFinding[]): string {
  return findings.map((f) => `${f.evidence} on ${f.host}`).join(', ');
}

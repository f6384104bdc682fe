import { stepState, type RunState } from '../plan/run-state.ts';
import type { ExecutableStep, Plan } from '../plan/step-schema.ts';

/** At most this many steps share one batch: a bound on what one job holds `running` at once. */
export const MAX_BATCH_STEPS = 32;

/**
 * The commands of one host in one batch stay well under the runner's 120 000-byte batch line (the driver's own
 * words and the quoting take the rest).
 */
export const MAX_BATCH_BYTES_PER_HOST = 100_000;

/**
 * Whether a step may share one channel per host with the steps next to it: a check (checks only read; the
 * plan refuses a destructive one) on hosts, with exact commands and nothing else to run around them: no gate, no
 * program, no preconditions or verification (probes are run right before and after the step itself), and not one
 * host at a time. A command with stdin (secrets) cannot travel in a batch: it goes over a channel of its own.
 */
export function isBatchable(step: ExecutableStep): boolean {
  return (
    step.kind === 'check' &&
    !step.destructive &&
    step.gate === undefined &&
    step.program === undefined &&
    step.targets.kind === 'hosts' &&
    step.targets.oneAtATime !== true &&
    step.preconditions.length === 0 &&
    step.verify.length === 0 &&
    step.commands.length > 0
  );
}

/** A step of a batch, at the attempt its delivery runs. */
export interface BatchMember {
  readonly step: ExecutableStep;
  readonly attempt: number;
}

/**
 * The steps one delivery of `head` runs together, head first: `head` and the read-only steps right after it in
 * the plan that a sequential run would start next without anyone deciding anything: each batchable, not yet
 * finished (pending, ready, or left `running` by a delivery that never recorded its end: a check runs again),
 * and following an advisory check (a check that can fail stops the run, so nothing after it joins its batch).
 * A pure function of the plan and the run; a lone head (nothing to batch with) comes back alone.
 */
export function batchGroup(plan: Plan, run: RunState, head: ExecutableStep, attempt: number): readonly BatchMember[] {
  const group: BatchMember[] = [{ step: head, attempt }];
  const at = plan.steps.findIndex((s) => s.id === head.id);
  if (at < 0 || !isBatchable(head)) return group;
  const bytes = new Map<string, number>();
  const fits = (step: ExecutableStep): boolean => {
    if (step.kind !== 'check') return false;
    // Commands with stdin go over channels of their own: they take nothing of the batch.
    const batched = step.commands.filter((c) => c.stdin === undefined);
    const after = (c: { host: string; command: string }) => (bytes.get(c.host) ?? 0) + quotedBytes(c.command);
    if (batched.some((c) => after(c) > MAX_BATCH_BYTES_PER_HOST)) return false;
    for (const c of batched) bytes.set(c.host, after(c));
    return true;
  };
  if (!fits(head)) return group;
  for (const step of plan.steps.slice(at + 1)) {
    const prev = group.at(-1)?.step;
    if (group.length >= MAX_BATCH_STEPS || prev?.kind !== 'check' || prev.advisory !== true) break;
    if (!isBatchable(step)) break;
    const st = stepState(run, step.id);
    if (!['pending', 'ready', 'running'].includes(st.status) || st.gate !== undefined) break;
    if (!fits(step)) break;
    group.push({ step, attempt: st.attempt });
  }
  return group;
}

/** What a command takes of the batch's command line: its UTF-8 bytes, single-quoted (each quote in it is 4 bytes). */
function quotedBytes(command: string): number {
  return new TextEncoder().encode(command).length + 3 * (command.split("'").length - 1) + 3;
}

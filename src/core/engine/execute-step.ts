import type { OutputSummary } from '../ports/events.ts';
import type { Evaluator, EvaluatorInput } from '../ports/runbook.ts';
import type { ProbeFinding } from '../plan/probes.ts';
import type { Finding, HostRecord, StepState } from '../plan/run-state.ts';
import { describeSqlRecord } from '../plan/describe-sql.ts';
import { defaultProbeHosts, runProbes, summariseFindings, type ProbeTargets } from './run-probes.ts';
import { runCommands, sendTargets, type CommandsInput, type Ran } from './run-commands.ts';

/** What executing a step found; the caller records it. */
export interface StepOutcome {
  readonly status: 'succeeded' | 'failed';
  readonly failedAt?: 'precondition' | 'command' | 'verify' | 'transport';
  readonly hosts: readonly HostRecord[];
  readonly outputs: readonly OutputSummary[];
  readonly probes: readonly ProbeFinding[];
  readonly findings: readonly Finding[];
  readonly summary: string;
  /** `beforeSend` said no: the step is no longer this delivery's to run, and nothing was sent. */
  readonly abandoned?: boolean;
}

export interface ExecuteStepInput extends CommandsInput {
  readonly evaluator?: Evaluator;
  /**
   * Called once, after the preconditions passed and before the first command, statement or program is sent, with
   * where they go; it records that durably. False: the step was taken from this delivery meanwhile (its worker was
   * taken for dead), so nothing is sent and the outcome is `abandoned`.
   */
  readonly beforeSend?: (targets: readonly string[]) => Promise<boolean>;
}

/**
 * Executes one step: re-checks its preconditions right before, runs its commands (or SQL, or a manual step's
 * stand-in), evaluates a check's findings, then runs its verification. Stops at the first stage that fails;
 * a precondition failure means nothing was changed. Never throws for a host's failure.
 */
export async function executeStep(input: ExecuteStepInput): Promise<StepOutcome> {
  const { step } = input;
  const at: ProbeTargets = {
    hosts: defaultProbeHosts(step),
    remote: input.remote,
    ...(input.sql ? { sql: input.sql } : {}),
  };
  const pre = await runProbes(step.preconditions, at);
  if (pre.some((f) => !f.ok)) {
    return fail(
      'precondition',
      [],
      [],
      pre,
      [],
      `precondition not met: ${summariseFindings(pre.filter((f) => !f.ok))}`,
    );
  }
  const targets = sendTargets(input);
  if (input.beforeSend !== undefined && targets.length > 0 && !(await input.beforeSend(targets)))
    return {
      ...fail('precondition', [], [], pre, [], 'not sent: the step was taken over before it sent anything'),
      abandoned: true,
    };
  return concludeStep(input, pre, await runCommands(input), at);
}

/**
 * What a step's sent commands amount to, once they came back (one at a time, or in a batch with the steps after
 * it): transport and SQL failures, findings (evaluated or per exit code; an advisory check reports and goes on),
 * then the verification. `pre` are its precondition findings.
 */
export async function concludeStep(
  input: Pick<ExecuteStepInput, 'step' | 'evaluator'>,
  pre: readonly ProbeFinding[],
  ran: Ran,
  at: ProbeTargets,
): Promise<StepOutcome> {
  const { step } = input;
  const advisory = step.kind === 'check' && step.advisory === true;
  if (ran.transportError !== undefined && !advisory)
    return fail('transport', ran.hosts, ran.outputs, pre, [], ran.transportError);
  // The server answered with an error: the statement did not apply, so this is the command's failure, not the
  // connection's (which leaves unknown what happened).
  if (ran.rejected !== undefined && !advisory) return fail('command', ran.hosts, ran.outputs, pre, [], ran.rejected);
  // An advisory check (a precheck item) reports a host it could not reach, or a statement the server rejected, as a
  // failed finding and goes on.
  const unreached = ran.hosts.flatMap((h): Finding[] =>
    h.error === undefined
      ? []
      : [{ status: 'fail', title: step.title, evidence: `not reached: ${h.error}`, host: h.host }],
  );
  const rejected: Finding[] =
    ran.rejected === undefined ? [] : [{ status: 'fail', title: step.title, evidence: ran.rejected }];
  const findings = [...evaluate(input, ran.inputs, ran.findings), ...(advisory ? [...unreached, ...rejected] : [])];
  const bad = findings.filter((f) => f.status === 'fail');
  if (bad.length > 0 && !advisory) {
    return fail(
      'command',
      ran.hosts,
      ran.outputs,
      pre,
      findings,
      bad.map((f) => `${f.host ?? ''} ${f.title}: ${f.evidence}`.trim()).join('; '),
    );
  }
  const post = await runProbes(step.verify, at);
  if (post.some((f) => !f.ok)) {
    return fail(
      'verify',
      ran.hosts,
      ran.outputs,
      [...pre, ...post],
      findings,
      `verification failed: ${summariseFindings(post.filter((f) => !f.ok))}`,
    );
  }
  const probes = [...pre, ...post];
  return {
    status: 'succeeded',
    hosts: ran.hosts,
    outputs: ran.outputs,
    probes,
    findings,
    summary: successLine(ran.hosts, findings),
  };
}

function fail(
  failedAt: NonNullable<StepOutcome['failedAt']>,
  hosts: readonly HostRecord[],
  outputs: readonly OutputSummary[],
  probes: readonly ProbeFinding[],
  findings: readonly Finding[],
  summary: string,
): StepOutcome {
  return { status: 'failed', failedAt, hosts, outputs, probes, findings, summary };
}

function evaluate(
  input: Pick<ExecuteStepInput, 'step' | 'evaluator'>,
  results: readonly EvaluatorInput[],
  programFindings?: readonly Finding[],
): readonly Finding[] {
  if (programFindings !== undefined) return programFindings;
  const { step } = input;
  if (step.kind === 'check' && input.evaluator !== undefined) return input.evaluator(results, step);
  // Statements the server rejected stopped the step before this; the host's SQL record says what the rest did.
  if (step.targets.kind === 'sql') return [];
  return results.map((r) => ({
    status: r.exitCode === 0 ? 'pass' : 'fail',
    title: step.title,
    evidence: `exit ${String(r.exitCode)}`,
    host: r.target,
  }));
}

function successLine(hosts: readonly HostRecord[], findings: readonly Finding[]): string {
  const warn = findings.filter((f) => f.status !== 'pass' && f.status !== 'skipped').length;
  const shell = hosts.filter((h) => h.sql === undefined);
  const parts = [
    ...(shell.length > 0 ? [`exit 0 on ${shell.map((h) => h.host).join(', ')}`] : []),
    ...hosts.flatMap((h) => (h.sql === undefined ? [] : [`SQL on ${h.host}: ${describeSqlRecord(h.sql)}`])),
  ];
  const where = parts.length === 0 ? 'no command to run' : parts.join('; ');
  return warn > 0 ? `${where}; ${warn} finding(s) to look at` : where;
}

/** A running step's state once its outcome `o` is recorded at `now` (one place for the single and batched paths). */
export function finishedState(cur: StepState, o: StepOutcome, now: number): StepState {
  return {
    ...cur,
    status: o.status,
    finishedAt: now,
    hosts: o.hosts,
    probes: o.probes,
    findings: o.findings,
    summary: o.summary,
    ...(o.failedAt ? { failedAt: o.failedAt } : {}),
  };
}

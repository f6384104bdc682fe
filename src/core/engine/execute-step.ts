import type { OutputArtefactRef } from '../ports/artefacts.ts';
import type { Clock } from '../ports/clock.ts';
import type { OutputSummary } from '../ports/events.ts';
import type { CapturedOutput, HostOutcome, RemoteSession } from '../ports/remote.ts';
import type { SqlSession } from '../ports/sql.ts';
import { describeError } from '../opsgate-error.ts';
import type { Evaluator, EvaluatorInput } from '../ports/runbook.ts';
import type { ProbeFinding } from '../plan/probes.ts';
import type { Finding, HostRecord } from '../plan/run-state.ts';
import { defaultProbeHosts, runProbes, summariseFindings, type ProbeTargets } from './run-probes.ts';
import type { ExecutableStep, HostCommand } from '../plan/step-schema.ts';

/** What executing a step found; the caller records it. */
export interface StepOutcome {
  readonly status: 'succeeded' | 'failed';
  readonly failedAt?: 'precondition' | 'command' | 'verify' | 'transport';
  readonly hosts: readonly HostRecord[];
  readonly outputs: readonly OutputSummary[];
  readonly probes: readonly ProbeFinding[];
  readonly findings: readonly Finding[];
  readonly summary: string;
}

export interface ExecuteStepInput {
  readonly step: ExecutableStep;
  readonly remote: RemoteSession;
  readonly sql?: { readonly target: string; readonly session: SqlSession };
  /** Run a manual step's stand-in commands (the site scripts its manual tool). */
  readonly manualScripted: boolean;
  readonly evaluator?: Evaluator;
  /** The step's program, bound to its context; run instead of commands or SQL. */
  readonly program?: () => Promise<readonly Finding[]>;
  /**
   * Keeps a host's whole output when it is longer than the tail an event carries (the bot may run elsewhere
   * and the spool file is on this machine). Undefined (or a failure) leaves the tail only.
   */
  readonly storeOutput?: (
    host: string,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
  ) => Promise<OutputArtefactRef | undefined>;
  /** What a command gets on stdin (its secrets, resolved by the caller); nothing when absent. */
  readonly stdin?: (c: HostCommand) => string | undefined;
  /** Times a program's run (a command's or statement's duration comes from its session). */
  readonly clock: Clock;
}

const TAIL_CHARS = 2000;

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
  const ran = await runCommands(input);
  const advisory = step.kind === 'check' && step.advisory === true;
  if (ran.transportError !== undefined && !advisory)
    return fail('transport', ran.hosts, ran.outputs, pre, [], ran.transportError);
  // An advisory check (a precheck item) reports a host it could not reach as a failed finding and goes on.
  const unreached = ran.hosts.flatMap((h): Finding[] =>
    h.error === undefined
      ? []
      : [{ status: 'fail', title: step.title, evidence: `not reached: ${h.error}`, host: h.host }],
  );
  const findings = [...evaluate(input, ran.inputs, ran.findings), ...(advisory ? unreached : [])];
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

interface Ran {
  readonly hosts: HostRecord[];
  readonly outputs: OutputSummary[];
  readonly inputs: EvaluatorInput[];
  readonly transportError?: string;
  /** A program's findings (they replace the evaluator's). */
  readonly findings?: readonly Finding[];
}

async function runCommands(input: ExecuteStepInput): Promise<Ran> {
  const { step } = input;
  if (input.program !== undefined) return runProgram(step, input.program, input.clock);
  if (step.targets.kind === 'sql') return runSql(step, input.sql);
  const commands = step.kind === 'manual' ? (input.manualScripted ? (step.standIn ?? []) : []) : step.commands;
  if (commands.length === 0) return { hosts: [], outputs: [], inputs: [] };
  const byHost = new Map(commands.map((c) => [c.host, c]));
  const { concurrency, oneAtATime } = step.targets;
  const outcomes = await input.remote.fanOut(
    commands.map((c) => c.host),
    (host) => {
      const c = byHost.get(host);
      const stdin = c === undefined ? undefined : input.stdin?.(c);
      return {
        command: c?.command ?? 'false',
        ...(c?.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
        ...(stdin !== undefined ? { stdin } : {}),
      };
    },
    { ...(concurrency ? { concurrency } : {}), ...(oneAtATime ? { oneAtATime, stopOnFailure: true } : {}) },
  );
  return fromOutcomes(outcomes, input.storeOutput);
}

async function fromOutcomes(
  outcomes: readonly HostOutcome[],
  storeOutput: ExecuteStepInput['storeOutput'],
): Promise<Ran> {
  const ran: Ran & { transportError?: string } = { hosts: [], outputs: [], inputs: [] };
  const errors: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'done') {
      const r = o.result;
      ran.hosts.push({
        host: o.host,
        exitCode: r.exitCode,
        stdoutSha256: r.stdout.sha256,
        stderrSha256: r.stderr.sha256,
        durationMs: r.durationMs,
      });
      const artefact = isLong(r.stdout, r.stderr)
        ? await storeOutput?.(o.host, r.stdout, r.stderr).catch(() => undefined)
        : undefined;
      ran.outputs.push({
        host: o.host,
        exitCode: r.exitCode,
        tail: tailOf(r.stdout, r.stderr),
        totalBytes: r.stdout.totalBytes + r.stderr.totalBytes,
        ...(artefact ? { artefact } : {}),
      });
      ran.inputs.push({
        target: o.host,
        exitCode: r.exitCode,
        stdout: r.stdout.head + r.stdout.tail,
        stderr: r.stderr.head + r.stderr.tail,
      });
    } else {
      const error = o.status === 'error' ? describeError(o.error) : 'not started: an earlier host failed';
      ran.hosts.push({ host: o.host, exitCode: null, durationMs: 0, error });
      ran.outputs.push({ host: o.host, exitCode: null, tail: '', totalBytes: 0, error });
      if (o.status === 'error') errors.push(`${o.host}: ${error}`);
    }
  }
  return errors.length > 0 ? { ...ran, transportError: errors.join('; ') } : ran;
}

async function runSql(step: ExecutableStep, sql: ExecuteStepInput['sql']): Promise<Ran> {
  if (sql === undefined) return { hosts: [], outputs: [], inputs: [], transportError: 'no SQL session for this step' };
  const ran: Ran = { hosts: [], outputs: [], inputs: [] };
  for (const statement of step.sql) {
    try {
      const r = await sql.session.query(statement);
      ran.hosts.push({ host: sql.target, exitCode: 0, durationMs: r.durationMs });
      ran.inputs.push({ target: sql.target, exitCode: 0, stdout: '', stderr: '', rows: r.rows });
    } catch (e) {
      return { ...ran, transportError: `${sql.target}: ${describeError(e)}` };
    }
  }
  return ran;
}

async function runProgram(
  step: ExecutableStep,
  program: () => Promise<readonly Finding[]>,
  clock: Clock,
): Promise<Ran> {
  const target = step.targets.kind === 'sql' ? step.targets.target : step.targets.hosts.join(',');
  const started = clock.now();
  try {
    const findings = await program();
    const failed = findings.some((f) => f.status === 'fail');
    return {
      hosts: [{ host: target, exitCode: failed ? 1 : 0, durationMs: clock.now() - started }],
      outputs: [],
      inputs: [],
      findings,
    };
  } catch (e) {
    return { hosts: [], outputs: [], inputs: [], transportError: `${target}: ${describeError(e)}` };
  }
}

function evaluate(
  input: ExecuteStepInput,
  results: readonly EvaluatorInput[],
  programFindings?: readonly Finding[],
): readonly Finding[] {
  if (programFindings !== undefined) return programFindings;
  const { step } = input;
  if (step.kind === 'check' && input.evaluator !== undefined) return input.evaluator(results, step);
  return results.map((r) => ({
    status: r.exitCode === 0 ? 'pass' : 'fail',
    title: step.title,
    evidence: `exit ${String(r.exitCode)}`,
    host: r.target,
  }));
}

/** More output than the tail of an event shows. */
function isLong(stdout: CapturedOutput, stderr: CapturedOutput): boolean {
  if (stdout.truncated || stderr.truncated) return true;
  return stdout.head.length + stdout.tail.length + stderr.head.length + stderr.tail.length > TAIL_CHARS;
}

function tailOf(stdout: CapturedOutput, stderr: CapturedOutput): string {
  const text = [stdout.tail || stdout.head, stderr.tail || stderr.head]
    .filter((s) => s.length > 0)
    .join('\n--- stderr ---\n');
  return text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
}

function successLine(hosts: readonly HostRecord[], findings: readonly Finding[]): string {
  const warn = findings.filter((f) => f.status !== 'pass').length;
  const where = hosts.length === 0 ? 'no command to run' : `exit 0 on ${hosts.map((h) => h.host).join(', ')}`;
  return warn > 0 ? `${where}; ${warn} finding(s) to look at` : where;
}

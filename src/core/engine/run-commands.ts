import type { OutputArtefactRef } from '../ports/artefacts.ts';
import type { Clock } from '../ports/clock.ts';
import type { OutputSummary } from '../ports/events.ts';
import type { CapturedOutput, HostOutcome, OutputChunk, RemoteSession } from '../ports/remote.ts';
import { sqlRejectionOf, type SqlSession } from '../ports/sql.ts';
import { describeError } from '../opsgate-error.ts';
import type { EvaluatorInput } from '../ports/runbook.ts';
import type { Finding, HostRecord } from '../plan/run-state.ts';
import { describeRejection } from '../plan/describe-sql.ts';
import { countSql, type SqlTally } from './count-sql.ts';
import type { ExecutableStep, HostCommand } from '../plan/step-schema.ts';

/** What sending a step's commands takes: the step, its sessions, and how outputs and stdin are handled. */
export interface CommandsInput {
  readonly step: ExecutableStep;
  readonly remote: RemoteSession;
  /** The SQL target's session; `tally` counts what a program sent through it (the program's session is its). */
  readonly sql?: { readonly target: string; readonly session: SqlSession; readonly tally?: SqlTally };
  /** Run a manual step's stand-in commands (the site scripts its manual tool). */
  readonly manualScripted: boolean;
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
  /** Each chunk of the commands' output as it arrives (their `##progress` lines become progress events). */
  readonly onOutput?: (chunk: OutputChunk) => void;
}

const TAIL_CHARS = 2000;

/** What sending a step's commands (or SQL, or program) gave. */
export interface Ran {
  readonly hosts: HostRecord[];
  readonly outputs: OutputSummary[];
  readonly inputs: EvaluatorInput[];
  readonly transportError?: string;
  /** The server rejected a statement (it answered with an error): where, which error, which statement. */
  readonly rejected?: string;
  /** A program's findings (they replace the evaluator's). */
  readonly findings?: readonly Finding[];
}

/** The commands a step sends to hosts: a manual step's stand-in only where the site scripts its manual tool. */
function commandsOf(input: CommandsInput): readonly HostCommand[] {
  const { step } = input;
  return step.kind === 'manual' ? (input.manualScripted ? (step.standIn ?? []) : []) : step.commands;
}

/** Where the step sends something: its program's or SQL target, or the hosts of its commands (none: nothing). */
export function sendTargets(input: CommandsInput): readonly string[] {
  const { step } = input;
  if (step.targets.kind === 'sql') return [step.targets.target];
  if (input.program !== undefined) return step.targets.hosts;
  return [...new Set(commandsOf(input).map((c) => c.host))];
}

/**
 * Sends a step's program, SQL or commands (fanned out over its hosts as its targets say) and gathers what came
 * back; a host's failure is recorded, never thrown.
 */
export async function runCommands(input: CommandsInput): Promise<Ran> {
  const { step } = input;
  if (input.program !== undefined) return runProgram(step, input.program, input.clock, input.sql?.tally);
  if (step.targets.kind === 'sql') return runSql(step, input.sql);
  const commands = commandsOf(input);
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
    {
      ...(concurrency ? { concurrency } : {}),
      ...(oneAtATime ? { oneAtATime, stopOnFailure: true } : {}),
      ...(input.onOutput ? { onOutput: input.onOutput } : {}),
    },
  );
  return fromOutcomes(outcomes, input.storeOutput);
}

/**
 * Turns the outcomes of a step's commands (one per host) into its host records, output summaries and evaluator
 * inputs; a host's error is a transport error of the step.
 */
export async function fromOutcomes(
  outcomes: readonly HostOutcome[],
  storeOutput: CommandsInput['storeOutput'],
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

async function runSql(step: ExecutableStep, sql: CommandsInput['sql']): Promise<Ran> {
  if (sql === undefined) return { hosts: [], outputs: [], inputs: [], transportError: 'no SQL session for this step' };
  const tally = sql.tally ?? countSql(sql.session);
  const inputs: EvaluatorInput[] = [];
  const host = (extra: Partial<HostRecord> = {}): HostRecord[] => [
    { host: sql.target, exitCode: 0, durationMs: tally.durationMs(), sql: tally.counts(), ...extra },
  ];
  for (const statement of step.sql) {
    try {
      const r = await tally.session.query(statement);
      inputs.push({ target: sql.target, exitCode: 0, stdout: '', stderr: '', rows: r.rows });
    } catch (e) {
      return { ...failedSql(sql.target, tally, e), inputs };
    }
  }
  return { hosts: host(), outputs: [], inputs };
}

/**
 * A statement that failed: the server's rejection (the statement did not apply; reported with the server's error),
 * or no answer at all (a connection failure or a timeout: whether it applied is unknown).
 */
function failedSql(target: string, tally: SqlTally, e: unknown): Ran {
  const rejected = sqlRejectionOf(e);
  const counts = tally.counts();
  if (rejected !== undefined)
    return {
      hosts: [{ host: target, exitCode: null, durationMs: tally.durationMs(), sql: { ...counts, rejected } }],
      outputs: [],
      inputs: [],
      rejected: `${target}: the server rejected statement ${counts.statements}: ${describeRejection(rejected)}`,
    };
  const error = describeError(e);
  return {
    hosts: [{ host: target, exitCode: null, durationMs: tally.durationMs(), sql: counts, error }],
    outputs: [],
    inputs: [],
    transportError: `${target}: ${error}`,
  };
}

async function runProgram(
  step: ExecutableStep,
  program: () => Promise<readonly Finding[]>,
  clock: Clock,
  tally: SqlTally | undefined,
): Promise<Ran> {
  const target = step.targets.kind === 'sql' ? step.targets.target : step.targets.hosts.join(',');
  const started = clock.now();
  try {
    const findings = await program();
    const failed = findings.some((f) => f.status === 'fail');
    return {
      hosts: [
        {
          host: target,
          exitCode: failed ? 1 : 0,
          durationMs: clock.now() - started,
          ...(tally === undefined ? {} : { sql: tally.counts() }),
        },
      ],
      outputs: [],
      inputs: [],
      findings,
    };
  } catch (e) {
    if (tally !== undefined) return failedSql(target, tally, e);
    return { hosts: [], outputs: [], inputs: [], transportError: `${target}: ${describeError(e)}` };
  }
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

import type { z } from 'zod';
import type { Site } from '../sites/site.ts';
import type { Finding, RunState } from '../plan/run-state.ts';
import type { CheckStep, ExecutableStep, PlanInput } from '../plan/step-schema.ts';
import type { Clock } from './clock.ts';
import type { RemoteSession } from './remote.ts';
import type { SqlSession } from './sql.ts';
import type { PackageFiles } from './package-files.ts';
import type { WaitReport } from './events.ts';

/** One host's (or SQL target's) result, as an evaluator sees it: already redacted. */
export interface EvaluatorInput {
  readonly target: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Rows, for SQL checks. */
  readonly rows?: readonly Readonly<Record<string, unknown>>[];
}

/** A pure function turning a check's results into findings; referenced from the plan by id. */
export type Evaluator = (results: readonly EvaluatorInput[], step: CheckStep) => readonly Finding[];

/** What a step program may use: the step's connections, time, the run so far, and the run's thread. */
export interface ProgramContext {
  readonly site: Site;
  /** The run as recorded before this step started: earlier steps' findings and times. */
  readonly run: RunState;
  readonly step: ExecutableStep;
  readonly remote: RemoteSession;
  /** The step's SQL target's session (SQL-targeted steps). */
  readonly sql?: SqlSession;
  /** The local package directories (absent in an engine without them). */
  readonly files?: PackageFiles;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  /** Posts a progress line to the run's thread (a `step.output-summary` event); never a secret. */
  progress(text: string): Promise<void>;
  /**
   * Reports a long wait as it goes (what is awaited, the last value seen, `done` at its end): shown as one line
   * updated in place (console, `opsgate run`) and one message edited in the run's thread (Slack), never as a new
   * line per poll; throttled by the engine, neither audited nor recorded in the run.
   */
  waiting(w: WaitReport): Promise<void>;
}

/**
 * A step program: work that is not one fixed list of commands (a wait polling with progress, a check whose next
 * query depends on the last). Returns findings as an evaluator does (a `fail` fails the step); throws only for
 * transport errors and broken invariants.
 */
export type StepProgram = (ctx: ProgramContext, args: Readonly<Record<string, unknown>>) => Promise<readonly Finding[]>;

/** What a runbook's `facts` may use at plan time: read-only look-ups, never a change. */
export interface FactsIo {
  /** A connection to one of the site's SQL targets; absent in an engine without SQL (then no facts are read). */
  readonly openSql?: (target: string) => Promise<SqlSession>;
  /** The local package directories (absent in an engine without them). */
  readonly files?: PackageFiles;
}

/** What `facts` found, handed to `build`: plain data, recorded in the plan the way `build` puts it there. */
export type PlanFacts = Readonly<Record<string, unknown>>;

/**
 * A runbook: pure data and command builders. `build` turns a validated site, arguments and the facts read before
 * it into a plan (no I/O); the registry validates the plan before anything runs.
 */
export interface Runbook<A extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: string;
  readonly title: string;
  readonly args: z.ZodType<A>;
  build(site: Site, args: A, facts?: PlanFacts): PlanInput;
  /**
   * Reads what the plan depends on and only the site can say (e.g. the version a cluster runs), before `build`;
   * throws a coded error to refuse the request with the reason. Absent: `build` gets no facts.
   */
  facts?(site: Site, args: A, io: FactsIo): Promise<PlanFacts | undefined>;
  /** Evaluators its check steps reference, by globally unique id (`<runbook>.<name>`). */
  readonly evaluators?: Readonly<Record<string, Evaluator>>;
  /** Step programs its steps reference, by globally unique id (`<runbook>.<name>`). */
  readonly programs?: Readonly<Record<string, StepProgram>>;
}

/** Declares a runbook with its argument type inferred from the schema. */
export function defineRunbook<A extends Record<string, unknown>>(rb: Runbook<A>): Runbook {
  return rb as unknown as Runbook;
}

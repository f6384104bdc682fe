import type { ProbeFinding } from './probes.ts';

/**
 * The durable state of a run: plain JSON kept next to its plan in the run store. Only the engine changes it,
 * always through the store's compare-and-set update, so that a worker and a chat process never overwrite each
 * other's changes.
 */

/**
 * - `pending`: not started (and no gate opened yet);
 * - `gated`: a gate is open for it (approval, manual "done", or a decision after a failure/interruption);
 * - `ready`: cleared to execute (approved, manual done, retry chosen);
 * - `running`: started and not recorded finished (after a crash: interrupted if it may have changed anything);
 * - `succeeded` / `marked-done`: finished (the latter by a person's decision);
 * - `failed` / `interrupted`: waiting for a person to retry, mark done or roll back;
 * - `rejected`: its gate was rejected or expired: the run stopped here.
 */
export type StepStatus =
  'pending' | 'gated' | 'ready' | 'running' | 'succeeded' | 'marked-done' | 'failed' | 'interrupted' | 'rejected';

/** What happened on one host (or SQL target): exit code and a digest of the output, never the output itself. */
export interface HostRecord {
  readonly host: string;
  /** A command's exit code; for a SQL target 0 when its statements succeeded, null when the server rejected one. */
  readonly exitCode: number | null;
  readonly stdoutSha256?: string;
  readonly stderrSha256?: string;
  readonly durationMs: number;
  /** A transport error on this host (unreachable, timeout …), as one line. */
  readonly error?: string;
  /** A SQL target's statements: this, not the exit code, is what people are shown for it. */
  readonly sql?: SqlRecord;
}

/** What a step's statements did on a SQL target (a step's own SQL, or the statements its program sent). */
export interface SqlRecord {
  /** Statements the server answered (successfully or with an error). */
  readonly statements: number;
  readonly rowsReturned: number;
  readonly rowsAffected: number;
  /** The statement the server rejected, with its error; the step stopped there. */
  readonly rejected?: SqlRejection;
}

/** A statement the server answered with an error (as the server put it; no secret: the session redacts). */
export interface SqlRejection {
  /** The server's error number (MySQL/OceanBase `errno`, e.g. 1146). */
  readonly errno?: number;
  /** The SQLSTATE, e.g. `42S02`. */
  readonly sqlState?: string;
  readonly message: string;
  readonly statement: string;
}

/** A check's verdict, from its evaluator. */
export interface Finding {
  /** `skipped`: the check did not run (e.g. its version gate does not hold); never counted as passed. */
  readonly status: 'pass' | 'fail' | 'warn' | 'manual' | 'skipped';
  readonly title: string;
  readonly evidence: string;
  readonly host?: string;
  /** A document the finding produced (e.g. the precheck's middleware resources), for chat to upload as a file. */
  readonly attachment?: FindingAttachment;
}

/** A named text file attached to a finding; never holds a secret (the session redacted its inputs). */
export interface FindingAttachment {
  /** File name with its extension, e.g. `middleware-resources.md`. */
  readonly name: string;
  readonly mimeType: 'text/markdown' | 'text/csv' | 'text/plain' | 'application/json';
  readonly text: string;
  /**
   * The text is the data of a chart (`probe-series`: a `ProbeSeries` as JSON) that chat draws as a picture next
   * to it: the runbook records data, an adapter renders it.
   */
  readonly chart?: 'probe-series';
}

export interface StepState {
  readonly status: StepStatus;
  /** 1 for the first execution; each retry adds one (job ids derive from it, so a duplicate is dropped). */
  readonly attempt: number;
  readonly gate?: { readonly id: string; readonly kind: GateKind; readonly planHash: string };
  readonly approvedBy?: string;
  readonly startedAt?: number;
  /** The worker (its heartbeat id) that started it: when that worker stops beating, a surviving process takes over. */
  readonly worker?: string;
  /**
   * Hosts (or the SQL target) its commands were sent to, recorded durably right before the first one is sent;
   * empty while none was. Absent (a step that runs no command of the engine's, such as a manual step a person
   * does, or a state written before this was recorded) counts as "may have been sent".
   */
  readonly sentTo?: readonly string[];
  /** Interrupted before any command reached a host, with its preconditions still holding: offered as not started. */
  readonly notStarted?: boolean;
  readonly finishedAt?: number;
  /** Where a failure happened: a precondition failure means the step changed nothing. */
  readonly failedAt?: 'precondition' | 'command' | 'verify' | 'transport';
  readonly hosts?: readonly HostRecord[];
  readonly probes?: readonly ProbeFinding[];
  readonly findings?: readonly Finding[];
  /** A plain sentence for people: why it failed, what the probes found after an interruption. */
  readonly summary?: string;
}

/** Set once a run has stopped for good (or for now, with `rejected`). */
export type RunOutcome = 'completed' | 'rejected' | 'aborted' | 'rolled-back' | 'dry-run';

export interface RunState {
  readonly id: string;
  readonly site: string;
  readonly runbook: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly requester: string;
  readonly dryRun: boolean;
  readonly planHash: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Bumped by every update; the store's compare-and-set compares it. */
  readonly version: number;
  /** `cleanup`: the run was aborted and runs the cleanup steps of what it started (see `abort`). */
  readonly phase: 'forward' | 'rollback' | 'cleanup';
  readonly outcome?: RunOutcome;
  /** The state in one sentence, for people: "rejected by U2 at step move-data; nothing after it ran". */
  readonly statusLine?: string;
  readonly steps: Readonly<Record<string, StepState>>;
  /** Set when a rollback was asked for; `covers` (forward step ids, in rollback order) once it started. */
  readonly rollback?: {
    readonly requestedBy: string;
    readonly requestedAt: number;
    readonly covers?: readonly string[];
  };
  /**
   * Set when the run was aborted: by whom, when, the status line it ends with, and `covers` (the forward steps
   * whose cleanup steps run, latest first) once the cleanup started. The run keeps no outcome (it stays active,
   * holding the site lock) until a step still running has finished and the cleanup has run; it then ends
   * `aborted`.
   */
  readonly abort?: {
    readonly by: string;
    readonly at: number;
    readonly statusLine: string;
    readonly covers?: readonly string[];
  };
}

/** The state of a step never touched yet. */
export const FRESH_STEP: StepState = { status: 'pending', attempt: 1 };

/** A step's state, fresh when absent. */
export function stepState(run: RunState, stepId: string): StepState {
  return run.steps[stepId] ?? FRESH_STEP;
}

/** A run that will never do anything again. */
export function isFinished(run: RunState): boolean {
  return run.outcome !== undefined && run.outcome !== 'rejected';
}

/** Why the gate was opened. */
export type GateKind = 'approval' | 'rollback' | 'manual' | 'failure' | 'interrupted';

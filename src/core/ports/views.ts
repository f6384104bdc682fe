import type { ApprovalPolicy, GateChoice, GateStatus } from './gates.ts';
import type { GateKind, SqlRecord } from '../plan/run-state.ts';

/**
 * What the chat renderers draw: plain data, close to what the engine knows about a run, so that each engine
 * event maps onto one of these and one render call. Nothing here is trusted to be short or clean: renderers
 * escape and bound every string.
 */

/** The state of one step as people see it. */
export type StepState =
  'pending' | 'waiting-approval' | 'running' | 'done' | 'failed' | 'interrupted' | 'rolled-back' | 'skipped';

/**
 * The state of a whole run. `planned`: a run before its first step; `dry-run`: a dry run, whose plan was shown and
 * which ran nothing (it is over). `failed` and `interrupted` wait for a person's decision at a gate; `rejected`
 * stopped at a rejected gate and holds the site until it is rolled back.
 */
export type RunState =
  | 'planned'
  | 'running'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'interrupted'
  | 'rolled-back'
  | 'aborted'
  | 'rejected'
  | 'dry-run';

/** The states of a run that holds its site's lock: no other run may start at the site until it ends. */
const ACTIVE_RUN_STATES: ReadonlySet<RunState> = new Set([
  'planned',
  'running',
  'waiting',
  'failed',
  'interrupted',
  'rejected',
]);

/** True for a run still active: it holds the site lock (see `ACTIVE_RUN_STATES`), whatever it waits for. */
export function isActiveRunState(state: RunState): boolean {
  return ACTIVE_RUN_STATES.has(state);
}

/** One step of a run, for the parent message. */
export interface StepView {
  readonly id: string;
  readonly title: string;
  readonly kind: 'check' | 'action' | 'manual';
  readonly state: StepState;
  readonly destructive?: boolean;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Who approved it (Slack user ids), when it needed an approval. */
  readonly approvedBy?: readonly string[];
  /** How its findings came out, once it finished with any (the precheck's summary table reads it). */
  readonly tally?: FindingTally;
}

/** A finished step's findings counted by status, and the first few that did not hold, for a one-glance summary. */
export interface FindingTally {
  readonly pass: number;
  readonly warn: number;
  readonly fail: number;
  readonly manual: number;
  readonly skipped: number;
  /** `title (host)` of the findings that failed, then those that warned, at most a few. */
  readonly notHeld: readonly string[];
}

/** A run, for its parent message. */
export interface RunView {
  readonly id: string;
  readonly site: string;
  /** What runs, e.g. `precheck` or `upgrade redis`. */
  readonly title: string;
  /** The runbook's id (e.g. `ob-precheck`), once its request was seen. */
  readonly runbook?: string;
  readonly requester: string;
  readonly state: RunState;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly steps: readonly StepView[];
}

/** One host's outcome of a step. */
export interface HostResultView {
  readonly host: string;
  /** The exact command, when the source knows it. */
  readonly command?: string;
  /** null when the process died of a signal or never started. */
  readonly exitCode: number | null;
  readonly signal?: string;
  /** An error that prevented the command from running (unreachable host …), already free of secrets. */
  readonly error?: string;
  readonly durationMs: number;
  /** The end of the (redacted) output; renderers bound it further. */
  readonly outputTail: string;
  /** Total output bytes, to say how much was left out. */
  readonly outputBytes: number;
  /** A SQL target's statements (rows, the server's error): shown instead of an exit code. */
  readonly sql?: SqlRecord;
}

/** A step's reply in the run thread. */
export interface StepResultView {
  readonly runId: string;
  readonly step: StepView;
  readonly targets: readonly string[];
  readonly hosts: readonly HostResultView[];
  /** One line from the engine, e.g. "2 of 3 hosts failed at verify". */
  readonly summary?: string;
  /** A check's verdicts (prechecks) and what probes found. */
  readonly findings?: readonly FindingView[];
}

/** One verdict of a check or a probe. */
export interface FindingView {
  readonly status: 'pass' | 'fail' | 'warn' | 'manual' | 'skipped';
  readonly title: string;
  readonly evidence: string;
  readonly host?: string;
}

/** What a gate will run where: one entry per host with its exact commands. */
export interface GateTargetView {
  readonly host: string;
  readonly commands: readonly string[];
}

/** A gate, for its message in the thread (pending, decided or expired). */
export interface GateView {
  readonly id: string;
  readonly runId: string;
  readonly site: string;
  readonly stepId: string;
  readonly stepTitle: string;
  readonly kind: GateKind;
  readonly status: GateStatus;
  readonly planHash: string;
  readonly requester: string;
  readonly choices: readonly GateChoice[];
  readonly targets: readonly GateTargetView[];
  /** Manual steps: what the person must do, and with which values. */
  readonly instructions?: string;
  readonly parameters?: readonly { readonly name: string; readonly value: string }[];
  /** Failures and interruptions: what went wrong. */
  readonly reason?: string;
  readonly expiresAt: number;
  readonly decision?: { readonly choice: GateChoice; readonly by: string; readonly at: number };
  /** Who may answer, from the gate's policy (absent in views saved before it was recorded). */
  readonly answerers?: Pick<ApprovalPolicy, 'approvers' | 'approverGroups' | 'requesterMayApprove' | 'approvalsNeeded'>;
}

/** A run in the `/runs` list. */
export interface RunSummary {
  readonly id: string;
  readonly site: string;
  readonly title: string;
  readonly state: RunState;
  readonly requester: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  /**
   * What an active run waits for from a person, as a sentence: the gate and the choices open there ("waiting at
   * the failure gate of r05: retry / roll back / abort"), or the `/rollback` that ends a rejected run.
   */
  readonly awaiting?: string;
  /** The run's parent message, once posted. */
  readonly thread?: { readonly channel: string; readonly ts: string };
  /** A link to the thread (from chat.getPermalink or built from the workspace URL). */
  readonly permalink?: string;
}

/** An audit export, ready to upload. */
export interface AuditExport {
  readonly filename: string;
  readonly content: string;
}

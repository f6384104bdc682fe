import type { Gate, GateChoice } from './gates.ts';
import type { SiteLockHolder } from './site-lock.ts';
import type { Finding, HostRecord, RunOutcome } from '../plan/run-state.ts';
import type { ProbeFinding } from '../plan/probes.ts';
import type { OutputArtefactRef } from './artefacts.ts';

/**
 * What the engine tells the world, as it happens. The Slack and console layers render exactly these events
 * (docs/engine.md lists them); `src/adapters/redis` writes them to one Redis stream per site so that a chat process
 * elsewhere can follow the runs of a worker. Events carry output tails already redacted by the runner; the
 * audit trail gets digests only.
 */
export type EngineEvent = EventBase & EventBody;

interface EventBase {
  readonly site: string;
  readonly runId: string;
  /** Milliseconds since the epoch, from the engine's clock. */
  readonly at: number;
}

/** A step as listed in a plan summary. */
export interface StepSummary {
  readonly id: string;
  readonly title: string;
  readonly kind: 'check' | 'action' | 'manual';
  readonly destructive: boolean;
  readonly hash: string;
}

/** What a gate is about, enough to draw it: the exact commands per host, a manual step's instructions. */
export interface GateContext {
  readonly stepTitle: string;
  readonly targets: readonly { readonly host: string; readonly commands: readonly string[] }[];
  readonly instructions?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Failures and interruptions: what happened and what the probes found. */
  readonly reason?: string;
}

/** One host's output, bounded, for the run thread. */
export interface OutputSummary {
  readonly host: string;
  readonly exitCode: number | null;
  /** The last bytes of stdout and stderr (redacted). */
  readonly tail: string;
  readonly totalBytes: number;
  readonly error?: string;
  /** The whole (redacted, capped) output, stored when it was longer than the tail. */
  readonly artefact?: OutputArtefactRef;
  /** A program's progress note (`tail` is its text): not a command's output, so it has no exit code. */
  readonly progress?: true;
}

/** Where a long wait stands: what is awaited, for how long so far, and the last value the software reported. */
export interface WaitProgress {
  /** What is awaited, e.g. `zone zone1 is INACTIVE` or `copy /a -> /b`. */
  readonly awaited: string;
  /** Since the wait began (the step's commands were sent, or the program's wait started). */
  readonly elapsedMs: number;
  /** The last value seen, as the software reported it (redacted). */
  readonly lastValue: string;
  /** The host or SQL target the wait is on. */
  readonly target?: string;
  /** The wait is over (reached, timed out, or its command ended): the last report of this wait. */
  readonly done?: boolean;
}

/** What a wait reports as it goes; `elapsedMs` defaults to the time since the step began sending. */
export type WaitReport = Omit<WaitProgress, 'elapsedMs'> & { readonly elapsedMs?: number };

export type EventBody =
  | {
      readonly type: 'run.requested';
      readonly requester: string;
      readonly runbook: string;
      readonly args: Readonly<Record<string, unknown>>;
      readonly dryRun: boolean;
    }
  | {
      readonly type: 'run.planned';
      readonly title: string;
      readonly planHash: string;
      readonly steps: readonly StepSummary[];
      readonly dryRun: boolean;
      readonly rendered: string;
    }
  | {
      readonly type: 'run.refused';
      readonly requester: string;
      readonly reason: string;
      readonly heldBy?: SiteLockHolder;
    }
  /**
   * A gate was rejected or expired: the run stays where it is; `rollbackOffered` says whether it can be rolled back.
   */
  | {
      readonly type: 'run.stopped';
      readonly stepId: string;
      readonly statusLine: string;
      readonly rollbackOffered: boolean;
    }
  | { readonly type: 'run.finished'; readonly outcome: RunOutcome; readonly statusLine: string }
  | {
      readonly type: 'step.started';
      readonly stepId: string;
      readonly title: string;
      readonly attempt: number;
      readonly phase: 'forward' | 'rollback';
      /** A cleanup step, run because the run was aborted after the step it belongs to (phase `forward`). */
      readonly cleanup?: boolean;
      readonly targets: readonly string[];
      /** The step's hash (what its gate bound to); set by the engine. */
      readonly stepHash?: string;
    }
  | { readonly type: 'step.output-summary'; readonly stepId: string; readonly outputs: readonly OutputSummary[] }
  /**
   * A long wait's progress (an OceanBase poll, a copy, consumer lag): not audited and not in the run record, only
   * on the site's (capped) event stream, at most one per wait every few seconds (docs/engine.md).
   */
  | ({ readonly type: 'step.progress'; readonly stepId: string } & WaitProgress)
  | {
      readonly type: 'step.finished';
      readonly stepId: string;
      /** The step's hash; set by the engine. */
      readonly stepHash?: string;
      readonly status: 'succeeded' | 'failed';
      readonly failedAt?: 'precondition' | 'command' | 'verify' | 'transport';
      readonly hosts: readonly HostRecord[];
      readonly probes: readonly ProbeFinding[];
      readonly findings: readonly Finding[];
      readonly summary: string;
    }
  /** A step found started but not recorded finished; what its probes say now. */
  | {
      readonly type: 'step.interrupted';
      readonly stepId: string;
      readonly probes: readonly ProbeFinding[];
      readonly summary: string;
    }
  | { readonly type: 'gate.opened'; readonly gate: Gate; readonly context: GateContext }
  | {
      readonly type: 'gate.decided';
      readonly gateId: string;
      readonly stepId: string;
      readonly choice: GateChoice;
      readonly by: string;
    }
  | { readonly type: 'gate.expired'; readonly gateId: string; readonly stepId: string }
  | {
      readonly type: 'rollback.started';
      readonly requestedBy: string;
      readonly covers: readonly string[];
      readonly irreversible: readonly { readonly stepId: string; readonly reason: string }[];
    }
  | { readonly type: 'lock.stale'; readonly holder: SiteLockHolder; readonly reason: string };

/** Where the engine sends its events. */
export interface EventSink {
  emit(event: EngineEvent): Promise<void>;
}

/** An event with its position in the site's stream. */
export interface StoredEvent {
  readonly id: string;
  readonly event: EngineEvent;
}

/** How a chat process follows a site's events. */
export interface EventFeed {
  /** Events after `afterId` (`0` for the start), waiting up to `blockMs` for the first when none is there yet. */
  read(
    site: string,
    afterId: string,
    opts?: { readonly count?: number; readonly blockMs?: number },
  ): Promise<readonly StoredEvent[]>;
}

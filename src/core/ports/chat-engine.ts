import type { Result } from '../result.ts';
import type { ApprovalPolicy, GateChoice } from './gates.ts';
import type { AuditExport, GateView, RunSummary } from './views.ts';
import type { EngineEvent } from './events.ts';
import type { PrecheckCommand, UpgradeCommand } from '../../commands/command.ts';
import type { Site } from '../sites/site.ts';

/**
 * The seams between the command handlers and the rest of opsgate. The engine implements `ChatEngine`; Slack,
 * the console and the CLI call the handlers with a `CommandContext` and render the `CommandReply`.
 */

/** Who typed the command, and where. */
export interface CommandContext {
  readonly user: string;
  readonly channel: string;
}

/** A refusal from the engine, with a message fit for the person who asked. */
export interface EngineRefusal {
  readonly code: string;
  readonly message: string;
}

/** A run (or dry run) asked for by someone in a channel. */
export interface RunRequest {
  readonly command: PrecheckCommand | UpgradeCommand;
  readonly requester: string;
  readonly channel: string;
  /** The requester's groups among the site's starter groups (absent when the adapter cannot resolve groups). */
  readonly requesterGroups?: readonly string[];
}

/** A decision on a gate, as clicked or typed; every field is re-checked by the engine. */
export interface GateDecisionRequest {
  readonly gateId: string;
  /** The plan hash carried by the button: the decision counts only if the plan has not changed since. */
  readonly planHash: string;
  readonly choice: GateChoice;
  readonly user: string;
  /** The user's groups among the site's approver groups. */
  readonly userGroups: readonly string[];
  /** Where the click came from: the gate must belong to this channel (and message, when known). */
  readonly channel: string;
  readonly messageTs?: string;
  /**
   * `home`: clicked on the person's Home tab, not on a message; the adapter has checked that the Home it published
   * to this person showed this gate, and `channel` is the gate's site channel it recorded then.
   */
  readonly via?: 'home';
}

/** A gate waiting for a decision, with who may give it: what a person's Home tab lists. */
export interface PendingGateView {
  readonly gate: GateView;
  readonly policy: Pick<ApprovalPolicy, 'approvers' | 'approverGroups' | 'requesterMayApprove'>;
  /** Who approved it so far (when it needs several approvals). */
  readonly approvedBy: readonly string[];
}

/** `decided`: the gate is settled; `recorded`: an approval counted and more are needed. */
export interface GateDecisionOutcome {
  readonly status: 'decided' | 'recorded';
  readonly gate: GateView;
}

/** A run the engine accepted; `warning` is for the person who asked (e.g. the run store may lose it). */
export interface RunStarted {
  readonly runId: string;
  readonly warning?: string;
}

/** A dry run's plan with every command per host, as text; `warning` as for `RunStarted`. */
export interface DryRunPlan {
  readonly text: string;
  readonly warning?: string;
}

/** What `/rollback` did. */
export interface RollbackAccepted {
  readonly runId: string;
  /** The forward steps the rollback undoes, latest first; empty when the run needs no undoing. */
  readonly undoes: readonly string[];
  /**
   * When nothing needs undoing, why, as a sentence ("run X changed nothing on the site"): no rollback step runs
   * and no gate opens.
   */
  readonly nothingToUndo?: string;
  /** Nothing needed undoing and this ended the run, which held the site lock: the site is free again. */
  readonly ended?: boolean;
  /** The run was paused at a gate offering Roll back: the rollback was chosen there, as a click would. */
  readonly viaGate?: GateDecisionOutcome;
}

/** What the chat layer needs from the engine; nothing more. */
export interface ChatEngine {
  /** Plans and enqueues a run; the engine then posts its parent message and thread through its events. */
  requestRun(req: RunRequest): Promise<Result<RunStarted, EngineRefusal>>;
  /** The plan with every command per host, as text, without running anything. */
  dryRunPlan(req: RunRequest): Promise<Result<DryRunPlan, EngineRefusal>>;
  /**
   * Asks to roll back a run; each destructive rollback step waits on an approval gate. A run paused at a gate
   * offering Roll back is answered through that gate (`viaGate`), as a click on it would be. A run that needs no
   * undoing is said to (`nothingToUndo`), and ended when it still holds the site lock.
   */
  requestRollback(req: {
    readonly runId: string;
    readonly requester: string;
    readonly channel: string;
    /** The requester's groups among the site's approver groups (for answering a gate). */
    readonly requesterGroups?: readonly string[];
  }): Promise<Result<RollbackAccepted, EngineRefusal>>;
  /** Active and recent runs of the given sites, newest first. */
  listRuns(filter: { readonly sites: readonly string[] }): Promise<readonly RunSummary[]>;
  getRun(runId: string): Promise<RunSummary | undefined>;
  exportAudit(runId: string): Promise<Result<AuditExport, EngineRefusal>>;
  /**
   * Every event of a run still on its site's stream, oldest first: what `/show` renders in full (every check,
   * every output tail) while the run's thread shows only what needs attention. Absent where no stream is read.
   */
  runEvents?(runId: string): Promise<Result<readonly EngineEvent[], EngineRefusal>>;
  /** The pending gates of the active runs at the given sites, oldest run first (for the Home tab). */
  pendingGates(filter: { readonly sites: readonly string[] }): Promise<readonly PendingGateView[]>;
  /** Records a decision on a gate after every server-side check (policy, four eyes, expiry, plan hash, message). */
  decide(req: GateDecisionRequest): Promise<Result<GateDecisionOutcome, EngineRefusal>>;
}

/** What a handler asks its adapter to show. */
export type CommandReply =
  /** A private confirmation to the person who typed the command, with a warning to show beside it. */
  | { readonly kind: 'accepted'; readonly text: string; readonly runId?: string; readonly warning?: string }
  /** A private refusal saying why. */
  | { readonly kind: 'refused'; readonly text: string }
  /** A dry-run plan to post in the site's channel. */
  | {
      readonly kind: 'plan';
      readonly site: string;
      readonly channel: string;
      readonly title: string;
      readonly text: string;
      readonly warning?: string;
    }
  | { readonly kind: 'runs'; readonly runs: readonly RunSummary[]; readonly sites: readonly string[] }
  /** An audit export to upload into the run's thread. */
  | { readonly kind: 'audit'; readonly run: RunSummary; readonly export: AuditExport }
  /** `/show`: the whole record of a run (or of one step), shown only to the person who asked. */
  | {
      readonly kind: 'show';
      readonly run: RunSummary;
      readonly stepId?: string;
      readonly events: readonly EngineEvent[];
    }
  /** Console only: act as this user from now on. */
  | { readonly kind: 'switch-user'; readonly user: string };

/** Everything a handler needs. */
export interface CommandDeps {
  readonly engine: ChatEngine;
  /** Every site of this process (from its one site directory). */
  readonly sites: readonly Site[];
  readonly runIdPattern?: RegExp;
  /** The user's groups among `candidates` (Slack: usergroups.users.list); throws when they cannot be resolved. */
  groupsOf?(user: string, candidates: readonly string[]): Promise<readonly string[]>;
  /**
   * Why this account may not decide gates at all (Slack: users.info says deactivated, bot or guest), or
   * undefined; throws when unknown. Every decision path calls it (`checkDecider`).
   */
  vetUser?(user: string): Promise<string | undefined>;
}

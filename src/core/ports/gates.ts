import type { Result } from '../result.ts';
import type { GateKind } from '../plan/run-state.ts';

/**
 * Approval gates: every destructive step, every rollback, every manual step and every human decision after a
 * failure or an interruption waits on a gate. The engine depends on this port; `src/approvals` holds the policy
 * and `src/adapters/redis` stores gates with one atomic decision per gate.
 */

/** Who may decide, from the site file. */
export interface ApprovalPolicy {
  /** Slack user IDs allowed to decide. */
  readonly approvers: readonly string[];
  /** Slack user group IDs whose members may decide. */
  readonly approverGroups: readonly string[];
  /** Distinct approvals needed before an `approve` counts (default 1). */
  readonly approvalsNeeded: number;
  /** Whether the requester of a run may approve its steps (false by default: four eyes). */
  readonly requesterMayApprove: boolean;
  /** A pending gate expires after this long; expiry is a rejection, never a continue. */
  readonly expiresAfterMs: number;
}

/**
 * The answers a gate can take. Moving forward (`approve`, `done`, `retry`, `mark-done`, `roll-back`) needs an
 * authorised person other than the requester (unless the policy allows self-approval); stopping (`reject`,
 * `abort`) may also be done by the requester.
 */
export type GateChoice = 'approve' | 'reject' | 'done' | 'retry' | 'mark-done' | 'roll-back' | 'abort';

export type GateStatus = 'pending' | 'decided' | 'expired';

export interface GateDecision {
  readonly choice: GateChoice;
  readonly by: string;
  readonly at: number;
}

export interface Gate {
  readonly id: string;
  readonly site: string;
  readonly runId: string;
  readonly stepId: string;
  readonly kind: GateKind;
  /** Hash of the step's exact commands and targets: a decision counts only for this plan. */
  readonly planHash: string;
  readonly requester: string;
  readonly choices: readonly GateChoice[];
  readonly policy: ApprovalPolicy;
  readonly openedAt: number;
  readonly expiresAt: number;
  readonly status: GateStatus;
  /** Approvals recorded so far (when `approvalsNeeded` > 1). */
  readonly approvals: readonly { readonly by: string; readonly at: number }[];
  readonly decision?: GateDecision;
}

/** What opening a gate takes (`newGate`): the gate's own fields that are not derived from them, and the time. */
export interface OpenGateInput extends Pick<
  Gate,
  'site' | 'runId' | 'stepId' | 'kind' | 'planHash' | 'requester' | 'choices' | 'policy'
> {
  readonly now: number;
}

export interface DecideInput {
  readonly gateId: string;
  readonly user: string;
  /** User groups the user belongs to (resolved by the chat layer, cached). */
  readonly userGroups: readonly string[];
  readonly choice: GateChoice;
  /** The plan hash the person saw; a mismatch is refused. */
  readonly planHash: string;
  readonly now: number;
}

/** A refused decision, with a message fit for the person who clicked. */
export interface GateRefusal {
  readonly code:
    | 'UNKNOWN_GATE'
    | 'NOT_AUTHORISED'
    | 'REQUESTER'
    | 'EXPIRED'
    | 'ALREADY_DECIDED'
    | 'PLAN_CHANGED'
    | 'INVALID_CHOICE'
    | 'ALREADY_APPROVED';
  readonly message: string;
  readonly gate?: Gate;
}

/** `decided`: this click settled the gate. `recorded`: an approval was counted, more are needed. */
export type DecideOutcome =
  { readonly status: 'decided'; readonly gate: Gate } | { readonly status: 'recorded'; readonly gate: Gate };

/**
 * Where gates are kept. A store keeps and changes gates; whether a person may give an answer is the approvals
 * policy's call (`decideGate` in src/approvals), made before the store records it.
 */
export interface GateStore {
  /** Stores a new pending gate, as `newGate` built it. */
  insert(gate: Gate): Promise<void>;
  /**
   * Records an answer the policy accepted, atomically whatever the number of concurrent callers: first checks
   * again what may have changed since the gate was read (`checkGateState`: decided, expired, plan changed, this
   * person's approval already counted), then counts the approval or settles the gate. At most one decision per
   * gate.
   */
  record(input: DecideInput): Promise<Result<DecideOutcome, GateRefusal>>;
  get(gateId: string): Promise<Gate | undefined>;
  /** Marks every pending gate whose time is up as expired and returns them (each exactly once). */
  expireDue(now: number): Promise<readonly Gate[]>;
  /** Pending gates of a run. */
  pendingForRun(runId: string): Promise<readonly Gate[]>;
}

/**
 * The audit trail: an append-only, hash-chained stream of events per site. The engine appends through this
 * port; `src/audit` implements it on a Redis stream. No secret ever enters it.
 */

export type AuditEventType =
  | 'run.requested'
  | 'run.planned'
  | 'run.refused'
  | 'run.finished'
  | 'gate.opened'
  | 'gate.decided'
  | 'gate.expired'
  | 'step.started'
  | 'step.finished'
  | 'step.interrupted'
  | 'step.reconciled'
  | 'rollback.started'
  | 'rollback.finished'
  | 'lock.taken'
  | 'lock.released';

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly site: string;
  /** Slack user ID, or `opsgate` for the bot itself. */
  readonly actor: string;
  readonly at: number;
  readonly runId?: string;
  readonly stepId?: string;
  readonly planHash?: string;
  /** Event details: exit codes per host, output digests, the choice made … never a secret. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord extends AuditEvent {
  /** Position in the site's stream, from 1. */
  readonly seq: number;
  /** sha256 (hex) of the previous record; 64 zeros for the first. */
  readonly prevHash: string;
  /** sha256 (hex) of this record's canonical form, including `prevHash`. */
  readonly hash: string;
}

export type AuditVerifyResult =
  | { readonly ok: true; readonly count: number }
  | {
      readonly ok: false;
      readonly count: number;
      readonly firstBad: { readonly seq: number; readonly reason: string };
    };

export interface AuditLog {
  append(event: AuditEvent): Promise<AuditRecord>;
  /** Records of a site in order, optionally only those of one run. */
  read(site: string, filter?: { readonly runId?: string }): Promise<readonly AuditRecord[]>;
  verify(site: string): Promise<AuditVerifyResult>;
}

import type { AuditEvent, AuditEventType, AuditRecord } from '../ports/audit.ts';
import { AuditDataError } from './audit-data-error.ts';
import { canonicalJson } from './canonical-json.ts';
import { sha256Hex } from '../sha256.ts';

/** The `prevHash` of a site's first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Where a site's chain ends: the last record's seq and hash (seq 0 and the genesis hash when empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

const EVENT_TYPES: Readonly<Record<AuditEventType, true>> = {
  'run.requested': true,
  'run.planned': true,
  'run.refused': true,
  'run.finished': true,
  'gate.opened': true,
  'gate.decided': true,
  'gate.expired': true,
  'step.started': true,
  'step.finished': true,
  'step.interrupted': true,
  'step.reconciled': true,
  'rollback.started': true,
  'rollback.finished': true,
  'lock.taken': true,
  'lock.released': true,
};

/** sha256 (hex) of a record's canonical form: every field but `hash` itself, `prevHash` included. */
export function hashRecord(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _hash, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest, 'record'));
}

/**
 * The record that follows `head` for `event`. Throws `AuditDataError` for an event that cannot be recorded:
 * an unknown type, an empty site or actor, a bad time, or data that is not plain JSON. Keeping secrets out of
 * `data` is the caller's job: the log stores what it is given.
 */
export function nextRecord(event: AuditEvent, head: ChainHead): AuditRecord {
  const { type, site } = event;
  const fail = (problem: string, path?: string): never => {
    throw new AuditDataError(problem, path === undefined ? { site, type } : { site, type, path });
  };
  if (!Object.hasOwn(EVENT_TYPES, type)) fail(`unknown event type "${String(type)}"`);
  if (typeof site !== 'string' || site === '') fail('site must be a non-empty string');
  if (typeof event.actor !== 'string' || event.actor === '') fail('actor must be a non-empty string');
  if (!Number.isSafeInteger(event.at) || event.at < 0) fail(`at must be epoch milliseconds, got ${String(event.at)}`);
  for (const key of ['runId', 'stepId', 'planHash'] as const) {
    const v = event[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) fail(`${key} must be a non-empty string when given`);
  }
  let data: Record<string, unknown> | undefined;
  if (event.data !== undefined) {
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data))
      fail('data must be an object');
    try {
      data = JSON.parse(canonicalJson(event.data, 'data')) as Record<string, unknown>;
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e), 'data');
    }
  }
  const body: Omit<AuditRecord, 'hash'> = {
    type,
    site,
    actor: event.actor,
    at: event.at,
    ...(event.runId === undefined ? {} : { runId: event.runId }),
    ...(event.stepId === undefined ? {} : { stepId: event.stepId }),
    ...(event.planHash === undefined ? {} : { planHash: event.planHash }),
    ...(data === undefined ? {} : { data }),
    seq: head.seq + 1,
    prevHash: head.hash,
  };
  return { ...body, hash: hashRecord(body) };
}

/** The canonical text a store keeps for a record (sorted keys), parsed back by `parseRecord`. */
export function serialiseRecord(record: AuditRecord): string {
  return canonicalJson(record, 'record');
}

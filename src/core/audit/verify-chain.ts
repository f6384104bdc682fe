import { z } from 'zod';
import type { AuditRecord, AuditVerifyResult } from '../ports/audit.ts';
import { GENESIS_HASH, hashRecord, type ChainHead } from './audit-chain.ts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

/** The shape of a stored record; extra fields are kept so that an added field breaks the hash, as it should. */
const RecordShape = z.looseObject({
  type: z.string(),
  site: z.string(),
  actor: z.string(),
  at: z.number(),
  runId: z.string().optional(),
  stepId: z.string().optional(),
  planHash: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  seq: z.number().int(),
  prevHash: hex64,
  hash: hex64,
});

/** Parses a stored record's text; `undefined` when it is not JSON or not shaped like a record. */
export function parseRecord(text: string): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = RecordShape.safeParse(value);
  return parsed.success ? (parsed.data as AuditRecord) : undefined;
}

/**
 * Walks a site's records in stored order and names the first one that breaks the chain: position `n` must hold
 * seq `n`, link to the previous record's hash, and hash to its own `hash`. A record that was edited fails its
 * hash; one inserted, deleted or moved breaks the seq or the link; records cut off the end leave the stored
 * `head` pointing past the last record. `undefined` entries stand for records that could not be parsed.
 */
export function verifyChain(
  records: readonly (AuditRecord | undefined)[],
  head: ChainHead | undefined,
): AuditVerifyResult {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < records.length; i++) {
    const seq = i + 1;
    const bad = (reason: string): AuditVerifyResult => ({
      ok: false,
      count: records.length,
      firstBad: { seq, reason },
    });
    const record = records[i];
    if (record === undefined) return bad(`record ${seq} is not a readable audit record`);
    if (record.seq !== seq) {
      return bad(
        record.seq > seq
          ? `record ${seq} is missing (found seq ${record.seq} in its place): a record was deleted or moved`
          : `found seq ${record.seq} where record ${seq} belongs: a record was inserted or moved`,
      );
    }
    if (record.prevHash !== prevHash)
      return bad(`record ${seq} does not link to record ${seq - 1}: a record was inserted, deleted or replaced`);
    if (hashRecord(record) !== record.hash) return bad(`record ${seq} does not match its hash: it was edited`);
    prevHash = record.hash;
  }
  const last = records.length;
  if (head === undefined) {
    if (last === 0) return { ok: true, count: 0 };
    return {
      ok: false,
      count: last,
      firstBad: { seq: 1, reason: 'the chain head is missing: the trail was rewritten' },
    };
  }
  if (head.seq > last) {
    return {
      ok: false,
      count: last,
      firstBad: {
        seq: last + 1,
        reason: `records ${last + 1}..${head.seq} are missing from the end: the trail was truncated`,
      },
    };
  }
  if (head.seq !== last || head.hash !== prevHash) {
    return {
      ok: false,
      count: last,
      firstBad: {
        seq: Math.max(1, Math.min(last, head.seq + 1)),
        reason: `the chain head (seq ${head.seq}) does not match the last record (seq ${last})`,
      },
    };
  }
  return { ok: true, count: last };
}

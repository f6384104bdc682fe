import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, nextRecord } from '../../../../src/core/audit/audit-chain.ts';
import type { AuditEvent } from '../../../../src/core/ports/audit.ts';

const ok: AuditEvent = {
  type: 'gate.decided',
  site: 'xizang',
  actor: 'U_A',
  at: 5,
  runId: 'run_1',
  data: { choice: 'approve' },
};

describe('nextRecord', () => {
  it.each<[string, Partial<AuditEvent> | Record<string, unknown>, string]>([
    ['an unknown type', { type: 'gate.smashed' }, 'unknown event type "gate.smashed"'],
    ['an empty actor', { actor: '' }, 'actor must be a non-empty string'],
    ['an empty site', { site: '' }, 'site must be a non-empty string'],
    ['a fractional time', { at: 1.5 }, 'at must be epoch milliseconds'],
    ['an empty run id', { runId: '' }, 'runId must be a non-empty string'],
    ['data that is an array', { data: [1] }, 'data must be an object'],
  ])('refuses %s with AUDIT_DATA_INVALID', (_what, over, message) => {
    expect(() => nextRecord({ ...ok, ...over } as AuditEvent, EMPTY_HEAD)).toThrow(
      expect.objectContaining({ code: 'AUDIT_DATA_INVALID', message: expect.stringContaining(message) }),
    );
  });

  it('gives the same hash to the same event whatever the order of its data keys', () => {
    const a = nextRecord({ ...ok, data: { x: 1, y: { b: 2, a: 1 } } }, EMPTY_HEAD);
    const b = nextRecord({ ...ok, data: { y: { a: 1, b: 2 }, x: 1 } }, EMPTY_HEAD);
    expect(a.hash).toBe(b.hash);
  });

  it('gives a different hash when any field, or the previous hash, differs', () => {
    const a = nextRecord(ok, EMPTY_HEAD);
    expect(nextRecord({ ...ok, actor: 'U_B' }, EMPTY_HEAD).hash).not.toBe(a.hash);
    expect(nextRecord(ok, { seq: 0, hash: 'f'.repeat(64) }).hash).not.toBe(a.hash);
  });
});

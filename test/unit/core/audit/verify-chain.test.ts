import { describe, expect, it } from 'vitest';
import { EMPTY_HEAD, nextRecord } from '../../../../src/core/audit/audit-chain.ts';
import { parseRecord, verifyChain } from '../../../../src/core/audit/verify-chain.ts';
import type { AuditRecord } from '../../../../src/core/ports/audit.ts';

const chain = (n: number): AuditRecord[] => {
  const out: AuditRecord[] = [];
  let head = EMPTY_HEAD;
  for (let i = 1; i <= n; i++) {
    const r = nextRecord({ type: 'step.started', site: 'xizang', actor: 'opsgate', at: i, runId: 'run_1' }, head);
    out.push(r);
    head = { seq: r.seq, hash: r.hash };
  }
  return out;
};
const headOf = (rs: AuditRecord[]) => ({ seq: rs.length, hash: rs[rs.length - 1]!.hash });

describe('verifyChain', () => {
  it('accepts an intact chain whose head is its last record', () => {
    const rs = chain(3);
    expect(verifyChain(rs, headOf(rs))).toEqual({ ok: true, count: 3 });
  });

  it('names record 1 when the records are there but the head was deleted', () => {
    const rs = chain(3);
    expect(verifyChain(rs, undefined)).toMatchObject({
      ok: false,
      firstBad: { seq: 1, reason: expect.stringContaining('head is missing') },
    });
  });

  it('names record 1 when the whole stream was deleted but the head remains', () => {
    const rs = chain(3);
    expect(verifyChain([], headOf(rs))).toMatchObject({
      ok: false,
      count: 0,
      firstBad: { seq: 1, reason: expect.stringContaining('truncated') },
    });
  });

  it('names the first record past the head when records were appended without moving it', () => {
    const rs = chain(4);
    expect(verifyChain(rs, headOf(rs.slice(0, 2)))).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  it('names the last record when it was replaced by a consistent forgery the head does not know', () => {
    const rs = chain(3);
    const forged = nextRecord(
      { type: 'step.started', site: 'xizang', actor: 'U_MALLORY', at: 3 },
      { seq: 2, hash: rs[1]!.hash },
    );
    expect(verifyChain([rs[0]!, rs[1]!, forged], headOf(rs))).toMatchObject({
      ok: false,
      firstBad: { seq: 3, reason: expect.stringContaining('head') },
    });
  });

  it('names a record that was added a field', () => {
    const rs = chain(3);
    const widened = [rs[0]!, { ...rs[1]!, note: 'added later' } as AuditRecord, rs[2]!];
    expect(verifyChain(widened, headOf(rs))).toMatchObject({
      ok: false,
      firstBad: { seq: 2, reason: expect.stringContaining('edited') },
    });
  });
});

describe('parseRecord', () => {
  it('returns undefined for text that is not a record', () => {
    expect(parseRecord('not json')).toBeUndefined();
    expect(parseRecord('{"seq":1}')).toBeUndefined();
  });
});

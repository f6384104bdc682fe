import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRecord } from '../../../src/core/audit/audit-chain.ts';
import type { AuditEvent, AuditLog, AuditRecord } from '../../../src/core/ports/audit.ts';

/** A log under test, and a way to tamper with a site's stored records as someone with write access could. */
export interface AuditLogFixture {
  readonly log: AuditLog;
  /** Replaces a site's stored records with `mutate(records)`, leaving the stored chain head as it was. */
  rewrite(site: string, mutate: (records: AuditRecord[]) => AuditRecord[]): Promise<void>;
  close(): Promise<void>;
}

const T0 = 1_763_600_000_000;
const event = (i: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  type: 'step.finished',
  site: 'xizang',
  actor: 'opsgate',
  at: T0 + i,
  runId: 'run_1',
  stepId: `step-${i}`,
  planHash: `plan-${i}`,
  data: { exitCodes: { 'redis-a': 0 }, outputDigest: `d${i}` },
  ...over,
});

/** The behaviour every AuditLog must have, run against the in-memory fake and the Redis log alike. */
export function auditLogContract(name: string, factory: () => Promise<AuditLogFixture>): void {
  describe(`AuditLog contract: ${name}`, () => {
    let fx: AuditLogFixture;
    let log: AuditLog;
    beforeEach(async () => {
      fx = await factory();
      log = fx.log;
    });
    afterEach(async () => {
      await fx.close();
    });
    const appendMany = async (n: number): Promise<AuditRecord[]> => {
      const out: AuditRecord[] = [];
      for (let i = 1; i <= n; i++) out.push(await log.append(event(i)));
      return out;
    };

    it('chains each record to the previous one by hash, starting from 64 zeros', async () => {
      const [first, second] = await appendMany(2);
      expect(first).toMatchObject({
        seq: 1,
        prevHash: GENESIS_HASH,
        actor: 'opsgate',
        runId: 'run_1',
        planHash: 'plan-1',
      });
      expect(first!.hash).toBe(hashRecord(first!));
      expect(second).toMatchObject({ seq: 2, prevHash: first!.hash });
      expect(await log.read('xizang')).toEqual([first, second]);
    });

    it('keeps a separate chain per site', async () => {
      await appendMany(2);
      const other = await log.append(event(9, { site: 'yunnan' }));
      expect(other).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(await log.read('yunnan')).toEqual([other]);
    });

    it('reads the records of one run only when asked', async () => {
      await log.append(event(1));
      const mine = await log.append(event(2, { runId: 'run_2' }));
      await log.append(event(3));
      expect(await log.read('xizang', { runId: 'run_2' })).toEqual([mine]);
      expect(await log.read('nowhere')).toEqual([]);
    });

    it('refuses data that is not plain JSON, naming the field, and records nothing', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const bad: [unknown, string][] = [
        [{ since: new Date(T0) }, 'data.since is a Date'],
        [{ hosts: [1, Number.NaN] }, 'data.hosts[1] is NaN'],
        [{ run: () => 1 }, 'data.run is a function'],
        [{ n: 10n }, 'data.n is a bigint'],
        [cyclic, 'data.self refers back to itself'],
      ];
      for (const [data, message] of bad) {
        await expect(log.append(event(1, { data: data as Record<string, unknown> }))).rejects.toMatchObject({
          code: 'AUDIT_DATA_INVALID',
          message: expect.stringContaining(message),
        });
      }
      expect(await log.read('xizang')).toEqual([]);
    });

    it('leaves out undefined fields of data, as JSON does', async () => {
      const r = await log.append(event(1, { data: { exitCode: 0, signal: undefined } }));
      expect(r.data).toEqual({ exitCode: 0 });
      expect((await log.read('xizang'))[0]?.data).toEqual({ exitCode: 0 });
    });

    it('keeps the chain whole under 50 concurrent appends', async () => {
      const records = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(event(i))));
      expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await log.verify('xizang')).toEqual({ ok: true, count: 50 });
    });

    it('verifies an empty trail and an intact one with their counts', async () => {
      expect(await log.verify('xizang')).toEqual({ ok: true, count: 0 });
      await appendMany(4);
      expect(await log.verify('xizang')).toEqual({ ok: true, count: 4 });
    });

    it('names the edited record when a stored field was changed', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) => rs.map((r) => (r.seq === 3 ? { ...r, actor: 'U_MALLORY' } : r)));
      expect(await log.verify('xizang')).toMatchObject({
        ok: false,
        firstBad: { seq: 3, reason: expect.stringContaining('edited') },
      });
    });

    it('names the edited record when its data was changed and its hash recomputed', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) =>
        rs.map((r) => {
          if (r.seq !== 2) return r;
          const forged = { ...r, data: { exitCodes: { 'redis-a': 1 } } };
          return { ...forged, hash: hashRecord(forged) };
        }),
      );
      expect(await log.verify('xizang')).toMatchObject({
        ok: false,
        firstBad: { seq: 3, reason: expect.stringContaining('does not link') },
      });
    });

    it('names the position of a forged record inserted into the chain', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) => {
        const prev = rs[1]!;
        const body = { ...event(99, { actor: 'U_MALLORY' }), seq: 3, prevHash: prev.hash };
        return [...rs.slice(0, 2), { ...body, hash: hashRecord(body) }, ...rs.slice(2)];
      });
      expect(await log.verify('xizang')).toMatchObject({ ok: false, firstBad: { seq: 4 } });
    });

    it('names the first missing record when one was deleted', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) => rs.filter((r) => r.seq !== 2));
      expect(await log.verify('xizang')).toMatchObject({
        ok: false,
        count: 4,
        firstBad: { seq: 2, reason: expect.stringContaining('missing') },
      });
    });

    it('catches two records swapped', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) => [rs[0]!, rs[2]!, rs[1]!, rs[3]!, rs[4]!]);
      expect(await log.verify('xizang')).toMatchObject({ ok: false, firstBad: { seq: 2 } });
    });

    it('catches records cut off the end of the trail', async () => {
      await appendMany(5);
      await fx.rewrite('xizang', (rs) => rs.slice(0, 3));
      expect(await log.verify('xizang')).toMatchObject({
        ok: false,
        count: 3,
        firstBad: { seq: 4, reason: expect.stringContaining('truncated') },
      });
    });

    it('goes on chaining from the head after a verified trail', async () => {
      await appendMany(3);
      const next = await log.append(event(4));
      expect(next.seq).toBe(4);
      expect(await log.verify('xizang')).toEqual({ ok: true, count: 4 });
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { serialiseRecord } from '../../../src/core/audit/audit-chain.ts';
import { RedisAuditLog } from '../../../src/adapters/redis/redis-audit-log.ts';
import type { AuditLog } from '../../../src/core/ports/audit.ts';
import { auditLogContract } from '../../support/contracts/audit-log-contract.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';

auditLogContract('RedisAuditLog (appends spread over 5 connections)', async () => {
  const keys = new RedisTestKeys();
  const admin = keys.connect();
  const logs = [1, 2, 3, 4, 5].map(() => new RedisAuditLog({ redis: keys.connect(), prefix: keys.prefix }));
  let next = 0;
  // Each append goes to the next connection in turn, so concurrent appends really race inside Redis.
  const log: AuditLog = {
    append: (e) => logs[next++ % logs.length]!.append(e),
    read: (site, filter) => logs[0]!.read(site, filter),
    verify: (site) => logs[1]!.verify(site),
  };
  return {
    log,
    rewrite: async (site, mutate) => {
      const stream = `${keys.prefix}audit:${site}`;
      const records = mutate([...(await logs[0]!.read(site))]);
      await admin.del(stream);
      for (const r of records) await admin.xadd(stream, '*', 'record', serialiseRecord(r));
    },
    close: () => keys.close(),
  };
});

describe('RedisAuditLog with a damaged stream', () => {
  const keys = new RedisTestKeys();
  afterEach(() => keys.close());

  it('names a stored entry that is not a record in verify, and refuses to read past it', async () => {
    const redis = keys.connect();
    const log = new RedisAuditLog({ redis, prefix: keys.prefix });
    for (let i = 1; i <= 3; i++)
      await log.append({ type: 'step.started', site: 'xizang', actor: 'opsgate', at: 1_000 + i, runId: 'run_1' });
    await redis.xadd(`${keys.prefix}audit:xizang`, '*', 'record', '{"seq": 4, "not": "a record"');
    expect(await log.verify('xizang')).toMatchObject({
      ok: false,
      firstBad: { seq: 4, reason: expect.stringContaining('not a readable') },
    });
    await expect(log.read('xizang')).rejects.toMatchObject({ code: 'AUDIT_RECORD_UNREADABLE' });
  });
});

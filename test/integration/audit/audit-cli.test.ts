import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashRecord } from '../../../src/core/audit/audit-chain.ts';
import { RedisAuditLog } from '../../../src/adapters/redis/redis-audit-log.ts';
import type { AuditRecord } from '../../../src/core/ports/audit.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';

const BIN = fileURLToPath(new URL('../../../bin/opsgate.js', import.meta.url));
const run = promisify(execFile);

describe('opsgate audit export / verify', () => {
  let keys: RedisTestKeys;
  let redis: Redis;
  let log: RedisAuditLog;
  let dir: string;
  const stream = () => `${keys.prefix}audit:xizang`;

  beforeEach(async () => {
    keys = new RedisTestKeys();
    redis = keys.connect();
    log = new RedisAuditLog({ redis, prefix: keys.prefix });
    dir = await mkdtemp(join(tmpdir(), 'opsgate-audit-'));
    for (let i = 1; i <= 6; i++) {
      await log.append({
        type: 'step.finished',
        site: 'xizang',
        actor: 'opsgate',
        at: 1_000 + i,
        runId: i % 2 ? 'run_odd' : 'run_even',
        stepId: `s${i}`,
        data: { exitCode: 0 },
      });
    }
  });
  afterEach(async () => {
    await keys.close();
    await rm(dir, { recursive: true, force: true });
  });

  const opsgate = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const env = { ...process.env, REDIS_URL: TEST_REDIS_URL, OPSGATE_REDIS_PREFIX: keys.prefix };
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const f = e as { code: number; stdout: string; stderr: string };
      return { code: f.code, stdout: f.stdout, stderr: f.stderr };
    }
  };
  /** Rewrites the stored stream as someone with Redis access could, keeping the head as it was. */
  const rewrite = async (mutate: (rs: AuditRecord[]) => AuditRecord[]) => {
    const records = mutate([...(await log.read('xizang'))]);
    await redis.del(stream());
    for (const r of records) await redis.xadd(stream(), '*', 'record', JSON.stringify(r));
  };
  const entryIds = async () => (await redis.xrange(stream(), '-', '+')).map(([id]) => id);

  it('exports the records of one run only, as JSON lines, to a file', async () => {
    const out = join(dir, 'run.jsonl');
    const r = await opsgate('audit', 'export', '--site', 'xizang', '--run', 'run_even', '--out', out);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('exported 3 audit record(s) of run run_even') });
    const lines = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(lines.map((l) => [l.seq, l.runId])).toEqual([
      [2, 'run_even'],
      [4, 'run_even'],
      [6, 'run_even'],
    ]);
    expect(lines.every((l) => hashRecord(l) === l.hash)).toBe(true);
  });

  it('exports a whole site to standard output and fails for a run it does not know', async () => {
    const all = await opsgate('audit', 'export', '--site', 'xizang');
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(6);
    const none = await opsgate(
      'audit',
      'export',
      '--site',
      'xizang',
      '--run',
      'run_typo',
      '--out',
      join(dir, 'x.jsonl'),
    );
    expect(none).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no audit records for run run_typo of site xizang'),
    });
    await expect(readFile(join(dir, 'x.jsonl'))).rejects.toThrow();
  });

  it('verifies an intact trail with exit 0 and its count', async () => {
    expect(await opsgate('audit', 'verify', '--site', 'xizang')).toMatchObject({
      code: 0,
      stdout: 'audit trail of xizang intact: 6 record(s)\n',
    });
  });

  it('names an edited record', async () => {
    await rewrite((rs) => rs.map((r) => (r.seq === 4 ? { ...r, data: { exitCode: 1 } } : r)));
    expect(await opsgate('audit', 'verify', '--site', 'xizang')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('first bad record seq 4: record 4 does not match its hash'),
    });
  });

  it('names the position of an inserted forged record', async () => {
    await rewrite((rs) => {
      const body = {
        type: 'gate.decided',
        site: 'xizang',
        actor: 'U_MALLORY',
        at: 1_003,
        seq: 3,
        prevHash: rs[1]!.hash,
      } as const;
      return [...rs.slice(0, 2), { ...body, hash: hashRecord(body) }, ...rs.slice(2)];
    });
    expect(await opsgate('audit', 'verify', '--site', 'xizang')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('first bad record seq 4'),
    });
  });

  it('names a deleted record', async () => {
    await redis.xdel(stream(), (await entryIds())[2]!);
    expect(await opsgate('audit', 'verify', '--site', 'xizang')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('first bad record seq 3: record 3 is missing'),
    });
  });

  it('catches a truncated tail', async () => {
    const ids = await entryIds();
    await redis.xdel(stream(), ids[4]!, ids[5]!);
    expect(await opsgate('audit', 'verify', '--site', 'xizang')).toMatchObject({
      code: 1,
      stdout: expect.stringContaining('first bad record seq 5: records 5..6 are missing from the end'),
    });
  });

  it('fails with a usage error when no site is given', async () => {
    expect((await opsgate('audit', 'verify')).code).toBe(2);
  });
});

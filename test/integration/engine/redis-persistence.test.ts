import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { readRedisPersistence } from '../../../src/adapters/redis/redis-persistence.ts';
import { ensureTestRedisPersists } from '../../support/test-redis-persistence.ts';
import { startRedis } from './private-redis.ts';

/** A private redis-server started with `extra` (after `--save ''`), a client of it, both ended after `check`. */
async function withServer(
  extra: readonly string[],
  check: (redis: Redis, url: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-persist-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = await startRedis(dir, port, extra);
  const redis = new Redis(port, '127.0.0.1');
  try {
    await check(redis, `redis://127.0.0.1:${port}`);
  } finally {
    redis.disconnect();
    // Dead before its directory goes: a server rewriting its AOF still writes files there.
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("how opsgate reads a Redis server's persistence", () => {
  it('reads none from a server without AOF or save rules, and aof once AOF is switched on at runtime', async () => {
    await withServer(['--appendonly', 'no'], async (redis) => {
      expect(await readRedisPersistence(redis)).toBe('none');
      await redis.config('SET', 'appendonly', 'yes');
      expect(await readRedisPersistence(redis)).toBe('aof');
      await redis.config('SET', 'appendonly', 'no');
      expect(await readRedisPersistence(redis)).toBe('none');
    });
  });

  it('reads rdb from save rules', async () => {
    await withServer(['--appendonly', 'no', '--save', '900 1'], async (redis) => {
      expect(await readRedisPersistence(redis)).toBe('rdb');
    });
  });

  it('without CONFIG: aof from INFO, unknown without AOF, rdb once a snapshot was written', async () => {
    await withServer(['--appendonly', 'yes', '--rename-command', 'CONFIG', ''], async (redis) => {
      expect(await readRedisPersistence(redis)).toBe('aof');
    });
    await withServer(['--appendonly', 'no', '--rename-command', 'CONFIG', ''], async (redis) => {
      await expect(redis.config('GET', 'save')).rejects.toThrow(/unknown command/i);
      expect(await readRedisPersistence(redis)).toBe('unknown');
      await redis.save();
      expect(await readRedisPersistence(redis)).toBe('rdb');
    });
  });

  it("the test suites' global setup turns AOF on on a test Redis that persists nothing, saying so once", async () => {
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await withServer(['--appendonly', 'no'], async (redis, url) => {
        await ensureTestRedisPersists(url);
        expect(await readRedisPersistence(redis)).toBe('aof');
        await ensureTestRedisPersists(url);
      });
      const lines = said.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('test Redis'));
      expect(lines).toEqual([
        expect.stringMatching(
          /^test Redis 127\.0\.0\.1:\d+ persisted nothing: turned AOF on \(CONFIG SET appendonly yes\)/,
        ),
      ]);
    } finally {
      said.mockRestore();
    }
  });
});

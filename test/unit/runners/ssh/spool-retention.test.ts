import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepSpool } from '../../../../src/runners/ssh/spool-retention.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 20);
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), `opsgate-sweep-${randomUUID()}-`));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A spool file last modified `ageDays` before NOW. */
function spoolFile(rel: string, ageDays: number, content = 'x'.repeat(10)): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  const t = (NOW - ageDays * DAY) / 1000;
  utimesSync(path, t, t);
  return path;
}

describe('sweepSpool', () => {
  it('deletes spool files older than the retention and keeps newer ones', async () => {
    const old = spoolFile('xizang/session-a/redis-a-1.stdout.log', 8, 'y'.repeat(100));
    const fresh = spoolFile('xizang/session-b/redis-a-2.stdout.log', 6);
    const swept = await sweepSpool(root, { maxAgeMs: 7 * DAY, now: NOW });
    expect(swept).toEqual({ files: 1, bytes: 100 });
    expect([existsSync(old), existsSync(fresh)]).toEqual([false, true]);
  });

  it('removes the directories it empties but never the spool root', async () => {
    spoolFile('xizang/session-a/paas-1-1.stderr.log', 30);
    await sweepSpool(root, { maxAgeMs: 7 * DAY, now: NOW });
    expect(existsSync(join(root, 'xizang'))).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  it('finds nothing to sweep when the worker never spooled anything', async () => {
    expect(await sweepSpool(join(root, 'missing'), { maxAgeMs: DAY, now: NOW })).toEqual({ files: 0, bytes: 0 });
  });
});

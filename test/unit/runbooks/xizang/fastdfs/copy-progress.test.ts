import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { copyTree } from '../../../../../src/runbooks/xizang/fastdfs/fastdfs-steps.ts';
import { parseProgressMark } from '../../../../../src/core/plan/progress-mark.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('copying a FastDFS store', () => {
  it("reports tar's own count of what it has read, as progress lines, and copies everything but pid files", () => {
    const root = mkdtempSync(join(tmpdir(), 'copy-progress-'));
    dirs.push(root);
    const from = join(root, 'from', 'data');
    const to = join(root, 'to', 'data');
    mkdirSync(join(from, '00'), { recursive: true });
    const big = randomBytes(24 * 1024 * 1024);
    writeFileSync(join(from, '00', 'big'), big);
    writeFileSync(join(from, 'storaged.pid'), '42');
    const r = spawnSync('bash', ['-c', copyTree(from, to)], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const reports = r.stderr.split('\n').flatMap((l) => parseProgressMark(l) ?? []);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((p) => p.awaited === `copy ${from} -> ${to}`)).toBe(true);
    const read = reports.map((p) => Number(/^(\d+) KiB of about (\d+) KiB read$/.exec(p.value)?.[1]));
    expect(read).toEqual([...read].sort((a, b) => a - b));
    expect(read[0]).toBe(10240);
    expect(readFileSync(join(to, '00', 'big')).equals(big)).toBe(true);
    expect(spawnSync('test', ['-e', join(to, 'storaged.pid')]).status).toBe(1);
  });
});

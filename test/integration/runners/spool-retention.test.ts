import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomIds } from '../../../src/adapters/system/random-ids.ts';
import { createSshSession } from '../../../src/runners/ssh/create-ssh-session.ts';
import { openWithOwnSpool } from '../../../src/runners/ssh/spool-retention.ts';
import { runnerLab, type RunnerLab } from './runner-lab.ts';

let lab: RunnerLab;
let root: string;
beforeAll(() => {
  lab = runnerLab();
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('a run session with its own spool directory', () => {
  it('spools a long output while the run lasts and deletes it when the session closes', async () => {
    root = mkdtempSync(join(tmpdir(), `opsgate-spool-${randomUUID()}-`));
    const s = await openWithOwnSpool(root, randomIds, (spoolDir) =>
      createSshSession({ hosts: [lab.host('paas-1')], secrets: [], spoolDir }),
    );
    try {
      const r = await s.exec('paas-1', { command: 'yes spool-line | head -c 300000' });
      expect(r.stdout.truncated).toBe(true);
      expect(r.stdout.spoolPath !== undefined && existsSync(r.stdout.spoolPath)).toBe(true);
    } finally {
      await s.close();
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('leaves the spool files of another run session in place', async () => {
    root = mkdtempSync(join(tmpdir(), `opsgate-spool-${randomUUID()}-`));
    const open = () =>
      openWithOwnSpool(root, randomIds, (spoolDir) =>
        createSshSession({ hosts: [lab.host('paas-2')], secrets: [], spoolDir }),
      );
    const [a, b] = [await open(), await open()];
    try {
      await a.exec('paas-2', { command: 'yes a | head -c 300000' });
      const kept = await b.exec('paas-2', { command: 'yes b | head -c 300000' });
      await a.close();
      expect(kept.stdout.spoolPath !== undefined && existsSync(kept.stdout.spoolPath)).toBe(true);
      expect(readdirSync(root)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

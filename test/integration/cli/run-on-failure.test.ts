import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { labExec } from '../../../src/wiring/lab/index.ts';
import { getLab } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, MOVE_HOST, moveDirState, opsgate, resetMoveDir } from './opsgate-process.ts';

/** `/upgrade <site> redis` runs the engine's lab runbook that moves fdfs-3:/app/opsgate-test/data aside. */
const UPGRADE = '/upgrade xizang redis';
const RUN_ID = /requested as run (run_[0-9a-f]{16})/;

/** A leftover backup makes the move's precondition fail after the run started: a failure gate mid-phase. */
async function leaveStaleBackup(): Promise<void> {
  const r = await labExec(getLab(), MOVE_HOST, ['mkdir', '-p', '/app/opsgate-test/data_bak']);
  if (r.exitCode !== 0) throw new Error(`cannot create the stale backup: ${r.stderr}`);
}

describe('opsgate run on a failed step, and /rollback of a paused run', () => {
  let sitesDir: string;
  let keys: RedisTestKeys;
  let stateDir: string;
  const env = () => ({
    REDIS_URL: TEST_REDIS_URL,
    OPSGATE_REDIS_PREFIX: keys.prefix,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
    OPSGATE_STATE_DIR: stateDir,
  });
  const run = (line: string, ...args: string[]) => opsgate(['run', line, '--sites', sitesDir, ...args], env());

  beforeAll(() => {
    sitesDir = labSitesDir();
  });
  beforeEach(async () => {
    keys = new RedisTestKeys();
    stateDir = mkdtempSync(path.join(tmpdir(), 'og-cli-state-'));
    await resetMoveDir();
  });
  afterEach(async () => {
    await keys.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('with --on-failure rollback answers the failure gate Roll back as the first approver, rolls back, and exits 1', async () => {
    await leaveStaleBackup();
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--on-failure', 'rollback');
    expect(r.stderr).not.toMatch(/opsgate run:/);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\? gate failure for step move-dir/);
    expect(r.stdout).toMatch(/gate of move-dir: roll-back by UAPPROVER1/);
    expect(r.stdout).toMatch(/rolled-back: rolled back: nothing needed undoing/);
    expect(r.stdout).toMatch(/did not succeed \(a step failed\); it ended rolled back/);
    expect(await moveDirState()).toEqual({ data: true, bak: true, effects: ['record-start'] });
  });

  it('leaves a failed run paused by default; /rollback refuses the requester choosing Roll back, then an approver rolls it back through the gate', async () => {
    await leaveStaleBackup();
    const first = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    const runId = RUN_ID.exec(first.stdout)?.[1] ?? '';
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/waits at step move-dir \(failure gate\)/);

    const self = await run(`/rollback ${runId}`, '--as', 'UOPERATOR');
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/You requested this run/);

    const r = await run(`/rollback ${runId}`, '--as', 'UAPPROVER1', '--approve-as', 'UAPPROVER1');
    expect(r.stderr).not.toMatch(/opsgate run:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Roll back chosen at the failure gate of step move-dir/);
    expect(r.stdout).toMatch(new RegExp(`■ ${runId} \\(xizang\\) rolled-back`));
    expect(await moveDirState()).toEqual({ data: true, bak: true, effects: ['record-start'] });
  });

  it('writes the precheck resources documents under the state dir and names each with its size', async () => {
    const r = await run('/precheck xizang', '--as', 'UOPERATOR');
    expect(r.code).toBe(0);
    const runId = RUN_ID.exec(r.stdout)?.[1] ?? '';
    for (const ext of ['md', 'csv']) {
      const file = path.join(stateDir, 'artefacts', runId, `middleware-resources-xizang.${ext}`);
      expect(existsSync(file)).toBe(true);
      expect(r.stdout).toContain(
        `attachment middleware-resources-xizang.${ext} (text/${ext === 'md' ? 'markdown' : 'csv'}, ${statSync(file).size} bytes): ${file}`,
      );
    }
    const csv = readFileSync(path.join(stateDir, 'artefacts', runId, 'middleware-resources-xizang.csv'), 'utf8');
    expect(csv).toMatch(/redis/i);
    const secret = readFileSync(path.join(getLab().stateDir, 'secrets', 'redis-password'), 'utf8').trim();
    expect(r.stdout).not.toContain(secret);
    expect(csv).not.toContain(secret);
  });
});

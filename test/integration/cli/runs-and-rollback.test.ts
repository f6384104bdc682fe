import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { labExec } from '../../../src/wiring/lab/index.ts';
import { getLab } from '../../support/lab.ts';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import { labSitesDir, MOVE_HOST, moveDirState, opsgate, resetMoveDir } from './opsgate-process.ts';

/** `/upgrade <site> redis` runs the engine's lab runbook that moves fdfs-3:/app/opsgate-test/data aside. */
const UPGRADE = '/upgrade xizang redis';
const RUN_ID = /requested as run (run_[0-9a-f]{16})/;

/** What `/runs xizang` prints, split into its active and recent parts. */
function parts(stdout: string): { readonly active: string; readonly recent: string } {
  const at = stdout.indexOf('\nrecent (');
  return { active: stdout.slice(0, at), recent: stdout.slice(at) };
}

describe('what /runs and /rollback tell a person about runs that hold the site or need no undoing', () => {
  let keys: RedisTestKeys;
  const env = () => ({
    REDIS_URL: TEST_REDIS_URL,
    OPSGATE_REDIS_PREFIX: keys.prefix,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
  });
  const run = (line: string, ...args: string[]) => opsgate(['run', line, '--sites', labSitesDir(), ...args], env());
  const runs = async () => {
    const r = await run('/runs xizang', '--as', 'UOPERATOR');
    expect(r.code, r.stderr).toBe(0);
    return parts(r.stdout);
  };

  beforeEach(async () => {
    keys = new RedisTestKeys();
    await resetMoveDir();
  });
  afterEach(async () => {
    await keys.close();
  });

  it('lists a rejected run as active with the /rollback that frees the site; /rollback then says nothing needs undoing and asks no approval', async () => {
    const up = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--reject');
    expect(up.code).toBe(1);
    const runId = RUN_ID.exec(up.stdout)?.[1] ?? '';
    const before = await runs();
    expect(before.active).toMatch(new RegExp(`^active \\(1\\):\\n${runId} +xizang +rejected `));
    expect(before.active).toContain(`↳ rejected at move-dir: /rollback ${runId} undoes what ran and frees the site`);

    const rb = await run(`/rollback ${runId}`, '--as', 'UOPERATOR');
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stdout).toContain(
      `✔ run ${runId} has nothing to roll back: the steps it ran (record-start) have no rollback step (record-start: only appends a line to the effect log). Run ${runId} is closed without running anything, and site xizang is free for the next run.`,
    );
    expect(rb.stdout).not.toMatch(/approval|\? gate/);
    const after = await runs();
    expect(after.active).toBe('active (0):\n  none');
    expect(after.recent).toMatch(new RegExp(`\\n${runId} +xizang +rolled-back `));
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: ['record-start'] });
  });

  it('lists a run paused at a failure gate as active, with the choices open there', async () => {
    const stale = await labExec(getLab(), MOVE_HOST, ['mkdir', '-p', '/app/opsgate-test/data_bak']);
    expect(stale.exitCode).toBe(0);
    const up = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    expect(up.stdout).toMatch(/waits at step move-dir \(failure gate\)/);
    const runId = RUN_ID.exec(up.stdout)?.[1] ?? '';
    const listed = await runs();
    expect(listed.active).toMatch(new RegExp(`^active \\(1\\):\\n${runId} +xizang +failed `));
    expect(listed.active).toContain('↳ waiting at the failure gate of move-dir: retry / roll back / abort');
  });

  it('shows a dry run among the recent runs as a dry run, and /rollback of it says it changed nothing', async () => {
    const dry = await run(`${UPGRADE} --dry-run`, '--as', 'UOPERATOR');
    expect(dry.code, dry.stderr).toBe(0);
    const listed = await runs();
    expect(listed.active).toBe('active (0):\n  none');
    const runId = /\n(run_[0-9a-f]{16}) +xizang +dry-run /.exec(listed.recent)?.[1] ?? 'no dry run listed';
    const rb = await run(`/rollback ${runId}`, '--as', 'UAPPROVER1');
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stdout.trim()).toBe(
      `✔ run ${runId} was a dry run: it changed nothing on the site; nothing to roll back.`,
    );
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: [] });
  });
});

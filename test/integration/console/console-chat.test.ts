import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTestKeys, TEST_REDIS_URL } from '../../support/redis-test-keys.ts';
import {
  labSitesDir,
  moveDirState,
  opsgate,
  OutputWatcher,
  resetMoveDir,
  spawnOpsgate,
  startInteractive,
  type Interactive,
} from '../cli/opsgate-process.ts';

/** The lab after the whole lab-move-dir run. */
const MOVED = { data: false, bak: true, effects: ['record-start', 'move-dir', 'record-end'] };

/** Waits for the run to complete after offset `at`, ends the console's input and expects a clean exit. */
async function completesAndQuits(c: Pick<Interactive, 'child' | 'out' | 'exited'>, at: number): Promise<void> {
  await c.out.waitFor(/completed: 4 step\(s\) done/, at);
  c.child.stdin.end();
  expect(await c.exited).toBe(0);
}

describe('the console chat (opsgate start without Slack tokens)', () => {
  let keys: RedisTestKeys;
  const env = () => ({
    REDIS_URL: TEST_REDIS_URL,
    OPSGATE_REDIS_PREFIX: keys.prefix,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
    SLACK_BOT_TOKEN: undefined,
    SLACK_SIGNING_SECRET: undefined,
  });

  beforeEach(async () => {
    keys = new RedisTestKeys();
    await resetMoveDir();
  });
  afterEach(async () => {
    await keys.close();
  });

  it('runs a request by UOPERATOR to completion once UAPPROVER1 answers its gate by number after /as', async () => {
    const { child, out, exited, type } = startInteractive(['start', '--sites', labSitesDir()], env());
    try {
      await out.waitFor(/acting as UOPERATOR/);
      type('/upgrade xizang redis');
      let at = await out.waitFor(/requested as run run_[0-9a-f]{16}/);
      const runId = /requested as run (run_[0-9a-f]{16})/.exec(out.text)?.[1] ?? '';
      const gateAt = await out.waitFor(/\? gate \[1\] approval for step move-dir/, at);
      // The requester is told who may answer, and offered no choice.
      at = await out.waitFor(/ {4}you requested this run: another approver must answer \(\/as UAPPROVER1 /, gateAt);
      const gate = out.text.slice(gateAt - 200, at);
      expect(gate).toMatch(/fdfs-3\$ echo move-dir >> \/app\/opsgate-test\/effects\.log/);
      expect(gate).toMatch(/may answer: UAPPROVER1\b.*\(not UOPERATOR, who requested the run\)/);
      expect(gate).not.toMatch(/answer: 1 approve/);

      type('1 approve');
      at = await out.waitFor(/approve refused: You requested this run; another approver must approve it\./, at);
      type('/as UAPPROVER1');
      at = await out.waitFor(/now acting as UAPPROVER1/, at);
      type('1 approve');
      at = await out.waitFor(/gate \[1\] of move-dir: approve by UAPPROVER1/, at);
      // Compact: a succeeded step is one line, none of its checks that held.
      at = await out.waitFor(/ {2}✔ move-dir Move \S+ to \S+ · fdfs-3 · .* · \d+ check\(s\) held\n/, at);
      at = await out.waitFor(/■ run_[0-9a-f]{16} \(xizang\) completed: completed: 4 step\(s\) done/, at);
      expect(out.text).not.toMatch(/▶ step|\bok fdfs-3:/);
      // Everything is still there on demand.
      type(`/show ${runId} move-dir`);
      at = await out.waitFor(new RegExp(`record of ${runId} step move-dir`), at);
      await out.waitFor(/ {4}ok fdfs-3: /, at);
      type('/quit');
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(await moveDirState()).toEqual(MOVED);
  });

  it('shows the thread of a run whose steps a worker in another process executes', async () => {
    const sitesDir = labSitesDir();
    const worker = spawnOpsgate(['worker', '--sites', 'xizang'], { ...env(), OPSGATE_SITES: sitesDir });
    const workerOut = new OutputWatcher(worker.stdout);
    const { child, out, exited, type } = startInteractive(
      ['start', '--no-worker', '--as', 'UAPPROVER2', '--sites', sitesDir],
      env(),
    );
    try {
      await workerOut.waitFor(/serving xizang/);
      await out.waitFor(/acting as UAPPROVER2/);
      type('/as UOPERATOR');
      type('/upgrade xizang redis');
      let at = await out.waitFor(/ {2}✔ record-start /);
      at = await out.waitFor(/another approver must answer/, at);
      type('/as UAPPROVER2');
      type('1 approve');
      await completesAndQuits({ child, out, exited }, at);
    } finally {
      child.kill();
      worker.kill('SIGTERM');
    }
    expect(await moveDirState()).toEqual(MOVED);
  });

  it('lists a gate an opsgate run left waiting, and completes the run when it is answered there', async () => {
    const sitesDir = labSitesDir();
    const run = await opsgate(['run', '/upgrade xizang redis', '--as', 'UOPERATOR', '--sites', sitesDir], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/waits at step move-dir \(approval gate\): no --approve-as was given/);
    const { child, out, exited, type } = startInteractive(['start', '--as', 'UAPPROVER1', '--sites', sitesDir], env());
    try {
      let at = await out.waitFor(/1 gate\(s\) waiting:/);
      at = await out.waitFor(/\? gate \[1\] approval for step move-dir/, at);
      type('1 approve');
      await completesAndQuits({ child, out, exited }, at);
    } finally {
      child.kill();
    }
    expect(await moveDirState()).toEqual(MOVED);
  });

  it('refuses a command with the grammar message and an unknown gate number, and keeps going', async () => {
    const { child, out, exited, type } = startInteractive(['start', '--sites', labSitesDir()], env());
    try {
      await out.waitFor(/acting as UOPERATOR/);
      type('/upgrade xizang mongo');
      let at = await out.waitFor(
        /✘ Unknown phase "mongo"\. Valid phases: redis, csb-redis, kafka, fastdfs, paas, ob\./,
      );
      type('7 approve');
      at = await out.waitFor(/✘ there is no gate 7/, at);
      type('/runs');
      await out.waitFor(/no runs at xizang/, at);
      child.stdin.end();
      expect(await exited).toBe(0);
    } finally {
      child.kill();
    }
    expect(await moveDirState()).toEqual({ data: true, bak: false, effects: [] });
  });
});

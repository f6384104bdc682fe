import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/wiring/main.ts';
import { labExec } from '../../../src/wiring/lab/index.ts';
import { getLab } from '../../support/lab.ts';
import { startRedis } from '../engine/private-redis.ts';
import {
  BASE,
  EventWatch,
  SITE,
  cleanLabDir,
  ev,
  killHard,
  resetLabDir,
  spawnWorker,
  testRuntime,
} from '../engine/engine-lab.ts';
import { labSitesDir, MOVE_HOST, resetMoveDir, startInteractive, type Interactive } from './opsgate-process.ts';

/**
 * `opsgate run`, `start` (console) and `worker` while the run store's Redis (a private redis-server with AOF, so
 * the run survives) is killed under them and started again: each reaches a clear state within 60 s of Redis being
 * back. The run is held inside its record-start step (the step appends to a FIFO nobody reads yet), so the fault
 * always falls in the middle of a step; the FIFO is read once Redis is back.
 */

const CLEAR_WITHIN_MS = 60_000;
const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];
const EFFECTS = '/app/opsgate-test/effects.log';

/** The lab-move-dir directory with its effect log a FIFO: record-start blocks until `releaseStep` reads it. */
async function holdRecordStart(): Promise<void> {
  await resetMoveDir();
  const r = await labExec(getLab(), MOVE_HOST, ['sh', '-c', `rm -f ${EFFECTS} && mkfifo ${EFFECTS}`]);
  if (r.exitCode !== 0) throw new Error(`cannot make the FIFO: ${r.stderr}`);
}

/** Waits until record-start's command is on the host, blocked writing into the FIFO. */
async function stepBlocked(): Promise<void> {
  // `[r]` keeps the pattern from matching the shell that runs pgrep.
  const r = await labExec(getLab(), MOVE_HOST, [
    'sh',
    '-c',
    `for i in $(seq 1 300); do pgrep -f '[r]ecord-start >> ${EFFECTS}' >/dev/null && exit 0; sleep 0.1; done; exit 1`,
  ]);
  if (r.exitCode !== 0) throw new Error('record-start never reached the host');
}

/** Reads what record-start writes into the FIFO, which lets the step finish. */
async function releaseStep(): Promise<void> {
  const r = await labExec(getLab(), MOVE_HOST, ['sh', '-c', `timeout 30 cat ${EFFECTS}`]);
  if (r.exitCode !== 0) throw new Error(`record-start never wrote its effect: ${r.stderr}`);
}

/** Seconds since `t0`, for the figures the test prints. */
const since = (t0: number): string => ((Date.now() - t0) / 1000).toFixed(1);

describe('a Redis restart under a command', () => {
  let dir: string;
  const stateDir = mkdtempSync(join(tmpdir(), 'opsgate-restart-state-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const where = `Redis at 127.0.0.1:${port}`;
  let prefix: string;
  let redis: ChildProcess | undefined;
  let proc: Interactive | undefined;
  const env = () => ({
    REDIS_URL: `redis://127.0.0.1:${port}`,
    OPSGATE_REDIS_PREFIX: prefix,
    OPSGATE_STATE_DIR: stateDir,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
    SLACK_BOT_TOKEN: undefined,
    SLACK_SIGNING_SECRET: undefined,
  });
  const restartRedis = async (): Promise<number> => {
    if (redis) await killHard(redis);
    await new Promise((r) => setTimeout(r, 3000));
    redis = await startRedis(dir, port, AOF);
    return Date.now();
  };

  beforeEach(async () => {
    prefix = `restart-${Math.random().toString(16).slice(2)}:`;
    dir = mkdtempSync(join(tmpdir(), 'opsgate-restart-'));
    redis = await startRedis(dir, port, AOF);
  });
  afterEach(async () => {
    if (proc) await killHard(proc.child);
    proc = undefined;
    // A record-start still blocked on the FIFO (a test that failed half-way) is let go before the FIFO is removed.
    await labExec(getLab(), MOVE_HOST, ['sh', '-c', `test -p ${EFFECTS} && timeout 2 cat ${EFFECTS} >/dev/null; true`]);
    await resetMoveDir();
    if (redis) await killHard(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('run: says Redis was lost, follows the run again once it is back and stops at its gate within 60 s', async () => {
    await holdRecordStart();
    proc = startInteractive(
      ['run', '/upgrade xizang redis', '--sites', labSitesDir(), '--as', 'UOPERATOR', '--verbose'],
      env(),
    );
    let at = await proc.out.waitFor(/▶ step record-start/);
    await stepBlocked();
    const back = await restartRedis();
    at = await proc.out.waitFor(new RegExp(`⚠ lost ${where}`), at);
    await releaseStep();
    const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('hung'), CLEAR_WITHIN_MS))]);
    process.stderr.write(`run: clear state ${since(back)} s after Redis was back\n`);
    expect(code, proc.out.text).toBe(1);
    at = await proc.out.waitFor(new RegExp(`${where} answers again after \\d+ s; run run_\\w+ is running`), at);
    at = await proc.out.waitFor(/✔ record-start succeeded/, at);
    at = await proc.out.waitFor(/\? gate approval for step move-dir/, at);
    await proc.out.waitFor(/waits at step move-dir \(approval gate\): no --approve-as was given/, at);
    expect(proc.out.text).not.toMatch(/max retries per request/);
  });

  it('run: exits 1 naming Redis, and no password, when Redis stays away longer than --redis-wait', async () => {
    const admin = new Redis(port, '127.0.0.1');
    await admin.config('SET', 'requirepass', 'never-shown-pw');
    admin.disconnect();
    await holdRecordStart();
    const withPassword = { ...env(), REDIS_URL: `redis://:never-shown-pw@127.0.0.1:${port}` };
    proc = startInteractive(
      ['run', '/upgrade xizang redis', '--sites', labSitesDir(), '--as', 'UOPERATOR', '--redis-wait', '3', '--verbose'],
      withPassword,
    );
    let stderr = '';
    proc.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await proc.out.waitFor(/▶ step record-start/);
    await stepBlocked();
    if (redis) await killHard(redis);
    const down = Date.now();
    redis = undefined;
    const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('hung'), CLEAR_WITHIN_MS))]);
    process.stderr.write(`run: exited ${since(down)} s after Redis went away (--redis-wait 3)\n`);
    expect(code, proc.out.text + stderr).toBe(1);
    expect(proc.out.text).toMatch(new RegExp(`${where} did not come back within 3 s`));
    expect(proc.out.text + stderr).not.toContain('never-shown-pw');
    await labExec(getLab(), MOVE_HOST, ['sh', '-c', `timeout 5 cat ${EFFECTS} || true`]);
  });

  it('start: the console says once that Redis was lost and once that it is back, then shows the gate', async () => {
    await holdRecordStart();
    proc = startInteractive(['start', '--sites', labSitesDir()], env());
    await proc.out.waitFor(/acting as UOPERATOR/);
    proc.type('/upgrade xizang redis');
    // The compact view prints no step start: the plan says the run is under way (stepBlocked waits for the step).
    let at = await proc.out.waitFor(/ {2}plan [0-9a-f]{12}: /);
    await stepBlocked();
    const lostAt = at;
    const back = await restartRedis();
    at = await proc.out.waitFor(new RegExp(`⚠ cannot read the events of xizang from ${where}`), at);
    await releaseStep();
    at = await proc.out.waitFor(/the events of xizang can be read again/, at, CLEAR_WITHIN_MS);
    at = await proc.out.waitFor(/\? gate \[1\] approval for step move-dir/, at, CLEAR_WITHIN_MS);
    process.stderr.write(`start: gate shown ${since(back)} s after Redis was back\n`);
    expect(proc.out.text.slice(lostAt).match(/cannot read the events/g)).toHaveLength(1);
    proc.type('/quit');
    expect(await proc.exited).toBe(0);
  });

  it('worker: on SIGTERM while Redis is down, stops and exits 0 within the shutdown grace + 5 s', async () => {
    const graceMs = 2000;
    proc = startInteractive(['worker', '--sites', SITE], {
      ...env(),
      OPSGATE_SITES: labSitesDir(),
      OPSGATE_SHUTDOWN_GRACE_MS: String(graceMs),
    });
    await proc.out.waitFor(/opsgate worker: serving xizang/);
    if (redis) await killHard(redis);
    redis = undefined;
    await new Promise((r) => setTimeout(r, 2000));
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('alive'), CLEAR_WITHIN_MS))]);
    process.stderr.write(`worker: exited ${since(signalled)} s after SIGTERM with Redis down (grace 2 s)\n`);
    expect(code, proc.out.text).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(graceMs + 5000);
    expect(proc.out.text).toMatch(/opsgate worker: stopped/);
  });

  it('worker: goes on serving after the restart: a new run reaches its gate within 60 s', async () => {
    const t = { prefix, redisUrl: `redis://127.0.0.1:${port}` };
    await resetLabDir();
    let worker: ChildProcess | undefined = await spawnWorker(t);
    let rt: Runtime | undefined;
    try {
      const back = await restartRedis();
      rt = await testRuntime(t);
      const watch = new EventWatch(rt);
      const r = await rt.engine.request({
        site: SITE,
        runbook: 'lab-move-dir',
        args: { base: BASE },
        requester: 'U_RESTART_TEST',
      });
      if (!r.ok) throw new Error(r.error.message);
      await watch.waitFor(ev('gate.opened', 'move-dir', r.value.runId), CLEAR_WITHIN_MS);
      process.stderr.write(`worker: a run requested after the restart reached its gate ${since(back)} s after\n`);
      expect(worker.exitCode).toBeNull();
    } finally {
      await rt?.close();
      await killHard(worker);
      worker = undefined;
      await cleanLabDir();
    }
  });
});

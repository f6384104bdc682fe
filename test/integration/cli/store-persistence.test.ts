import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedis } from '../engine/private-redis.ts';
import { labSitesDir, moveDirState, opsgate, resetMoveDir } from './opsgate-process.ts';

/** `/upgrade <site> redis` runs the engine's lab runbook that moves fdfs-3:/app/opsgate-test/data aside. */
const UPGRADE = '/upgrade xizang redis';
const RUN_ID = /requested as run (run_[0-9a-f]{16})/;
const UNTOUCHED = { data: true, bak: false, effects: [] };

describe('opsgate on a Redis that persists nothing (a private redis-server, --save "" --appendonly no)', () => {
  let dir: string;
  let server: ChildProcess;
  let redis: Redis;
  let env: Record<string, string>;
  const run = (line: string, ...args: string[]) => opsgate(['run', line, '--sites', labSitesDir(), ...args], env);
  const appendonly = (on: boolean) => redis.config('SET', 'appendonly', on ? 'yes' : 'no');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'og-nopersist-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    server = await startRedis(dir, port, ['--appendonly', 'no']);
    redis = new Redis(port, '127.0.0.1');
    env = {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      OPSGATE_REDIS_PREFIX: `test-${randomUUID()}:`,
      OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
      OPSGATE_STATE_DIR: path.join(dir, 'state'),
    };
  });
  afterAll(async () => {
    redis.disconnect();
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await resetMoveDir();
    await appendonly(false);
  });

  it('refuses /upgrade, saying why and how to fix it, and touches nothing', async () => {
    const r = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("✘ Nothing was started: opsgate's Redis (the run store) persists nothing");
    expect(r.stderr).toContain('no run to roll back');
    expect(r.stderr).toContain('`CONFIG SET appendonly yes`');
    expect(r.stdout).not.toMatch(RUN_ID);
    expect(await moveDirState()).toEqual(UNTOUCHED);
  });

  it('asks when /rollback is typed: refused after AOF was switched off behind a finished upgrade, done once it is on', async () => {
    await appendonly(true);
    const up = await run(UPGRADE, '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1');
    expect(up.code, up.stdout + up.stderr).toBe(0);
    const runId = RUN_ID.exec(up.stdout)?.[1] ?? '';
    await appendonly(false);
    const refused = await run(`/rollback ${runId}`, '--as', 'UAPPROVER1', '--approve-as', 'UAPPROVER2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'persists nothing: AOF is off and no RDB snapshots are scheduled, so a rollback is refused',
    );
    expect(await moveDirState()).toMatchObject({ data: false, bak: true });
    await appendonly(true);
    const rolled = await run(`/rollback ${runId}`, '--as', 'UAPPROVER1', '--approve-as', 'UAPPROVER2');
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    expect(await moveDirState()).toMatchObject({ data: true, bak: false });
  });

  it('lets a dry run and /precheck go on, each with the warning', async () => {
    const dry = await run(`${UPGRADE} --dry-run`, '--as', 'UOPERATOR');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /^Dry run: upgrade redis at xizang\n⚠ Warning: opsgate's Redis \(the run store\) persists nothing/,
    );
    expect(dry.stdout).toContain('/upgrade and /rollback are refused until you turn on AOF');
    expect(dry.stdout).toMatch(/mv \/app\/opsgate-test\/data \/app\/opsgate-test\/data_bak/);
    const pre = await run('/precheck xizang', '--as', 'UOPERATOR');
    expect(pre.stdout).toMatch(
      /✔ Precheck of site xizang requested as run run_[0-9a-f]{16}; .*\n⚠ Warning: .*persists nothing/,
    );
    expect(pre.stdout).toMatch(/■ run_[0-9a-f]{16} \(xizang\) (completed|rejected|aborted)/);
    expect(await moveDirState()).toEqual(UNTOUCHED);
  });
});

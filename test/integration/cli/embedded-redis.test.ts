import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersPing, startEmbeddedRedis, type EmbeddedRedis } from '../../../src/adapters/redis/embedded-redis.ts';
import { labSitesDir, moveDirState, opsgate, resetMoveDir, startInteractive } from './opsgate-process.ts';

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const waitGone = async (pid: number | undefined): Promise<boolean> => {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
};

describe('the embedded Redis', () => {
  let stateDir: string;
  const started: EmbeddedRedis[] = [];

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'og-'));
  });
  afterEach(async () => {
    for (const r of started.splice(0)) await r.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('runs on a private socket with AOF persistence and noeviction, no TCP port, and stop ends it', async () => {
    const r = await startEmbeddedRedis({ stateDir });
    started.push(r);
    expect(r.owned).toBe(true);
    expect(r.socketPath).toBe(join(stateDir, 'redis', 'redis.sock'));
    const redis = new Redis({ path: r.socketPath });
    try {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await redis.config('GET', 'port')).toEqual(['port', '0']);
    } finally {
      redis.disconnect();
    }
    await r.stop();
    expect(await waitGone(r.pid)).toBe(true);
    expect(existsSync(r.socketPath)).toBe(false);
  });

  it('starts with a state directory given relative to the working directory (the default .opsgate is)', async () => {
    const r = await startEmbeddedRedis({ stateDir: relative(process.cwd(), stateDir) });
    started.push(r);
    expect(r.socketPath).toBe(join(stateDir, 'redis', 'redis.sock'));
    expect(await answersPing(r.socketPath)).toBe(true);
  });

  it('reuses a server another opsgate process left answering, and leaves it running on stop', async () => {
    const first = await startEmbeddedRedis({ stateDir });
    started.push(first);
    const second = await startEmbeddedRedis({ stateDir });
    expect(second.owned).toBe(false);
    expect(second.pid).toBe(first.pid);
    await second.stop();
    expect(await answersPing(first.socketPath)).toBe(true);
  });

  it('starts one server when two commands start at the same time, and both use it', async () => {
    const both = await Promise.all([startEmbeddedRedis({ stateDir }), startEmbeddedRedis({ stateDir })]);
    started.push(...both);
    expect(both.map((r) => r.owned).sort()).toEqual([false, true]);
    expect(both[0]?.pid).toBe(both[1]?.pid);
    expect(await answersPing(both[0]!.socketPath)).toBe(true);
  });

  it('replaces the socket and pid file of a server that was killed, keeping its data', async () => {
    const first = await startEmbeddedRedis({ stateDir });
    const redis = new Redis({ path: first.socketPath });
    await redis.set('kept', 'yes');
    await redis.call('BGREWRITEAOF');
    await new Promise((r) => setTimeout(r, 500));
    redis.disconnect();
    process.kill(first.pid ?? 0, 'SIGKILL');
    expect(await waitGone(first.pid)).toBe(true);
    expect(existsSync(first.socketPath)).toBe(true);
    const second = await startEmbeddedRedis({ stateDir });
    started.push(second);
    expect(second.owned).toBe(true);
    expect(second.pid).not.toBe(first.pid);
    const again = new Redis({ path: second.socketPath });
    try {
      expect(await again.get('kept')).toBe('yes');
    } finally {
      again.disconnect();
    }
  });

  it('takes over a server whose starter was killed, and stops it', async () => {
    const first = await startEmbeddedRedis({ stateDir });
    started.push(first);
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(join(stateDir, 'redis', 'owner.pid'), `${gone.pid}\n`);
    const second = await startEmbeddedRedis({ stateDir });
    expect(second).toMatchObject({ owned: true, pid: first.pid });
    await second.stop();
    expect(await waitGone(first.pid)).toBe(true);
  });

  it('names the way out when the socket path would be too long', async () => {
    await expect(startEmbeddedRedis({ stateDir: join(stateDir, 'x'.repeat(120)) })).rejects.toThrow(
      /longer than 100 bytes; set OPSGATE_STATE_DIR/,
    );
  });
});

describe('opsgate run and start without REDIS_URL', () => {
  let stateDir: string;
  const env = () => ({
    REDIS_URL: undefined,
    OPSGATE_STATE_DIR: stateDir,
    OPSGATE_COMMAND_RUNBOOKS: 'upgrade redis=lab-move-dir',
  });

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'og-'));
    await resetMoveDir();
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('keeps a run across a restart of the CLI process and leaves no redis-server running', async () => {
    const sitesDir = labSitesDir();
    const first = await opsgate(
      ['run', '/upgrade xizang redis', '--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--sites', sitesDir],
      env(),
    );
    expect(first.code).toBe(0);
    const runId = /requested as run (run_[0-9a-f]{16})/.exec(first.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(existsSync(join(stateDir, 'redis', 'redis.pid'))).toBe(false);
    expect(await answersPing(join(stateDir, 'redis', 'redis.sock'))).toBe(false);
    expect((await moveDirState()).bak).toBe(true);

    const second = await opsgate(['run', '/runs xizang', '--as', 'UOPERATOR', '--sites', sitesDir], env());
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`${runId}\\s+xizang\\s+succeeded`));
    expect(await answersPing(join(stateDir, 'redis', 'redis.sock'))).toBe(false);
  });

  it('stops the redis-server a killed console left behind when the next command ends', async () => {
    const { child, out, exited } = startInteractive(['start', '--sites', labSitesDir()], env());
    await out.waitFor(/opsgate console on embedded Redis/);
    const pid = Number((await readFile(join(stateDir, 'redis', 'redis.pid'), 'utf8')).trim());
    child.kill('SIGKILL');
    await exited;
    expect(alive(pid)).toBe(true);
    const next = await opsgate(['run', '/runs xizang', '--as', 'UOPERATOR', '--sites', labSitesDir()], env());
    expect(next.code).toBe(0);
    expect(await waitGone(pid)).toBe(true);
  });

  it('stops its redis-server when the console gets SIGTERM', async () => {
    const { child, out, exited } = startInteractive(['start', '--sites', labSitesDir()], env());
    await out.waitFor(/opsgate console on embedded Redis at .*redis\.sock/);
    const pid = Number((await readFile(join(stateDir, 'redis', 'redis.pid'), 'utf8')).trim());
    expect(alive(pid)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await waitGone(pid)).toBe(true);
  });
});
